// A backtest's API form: the first decisions as history stored them (the `actual` side) and
// dsl::RunBacktest's result (the `candidate` side) as one leadrouter.v1.BacktestResponse; and the
// API form of any dsl::DistributionTally, which the server's dry run shares.
//
// It lives here, beside the replay of stored history (backtest_replay.h), because both users link
// this library and nothing below it has both the API and dsl/: RuleService.Backtest in the server
// and `leadctl backtest --leads --reps --history` offline build the same response with it, so the
// two answer alike on the same data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "dsl/decision/backtest.h"
#include "dsl/decision/distribution_tally.h"
#include "dsl/decision/explanation.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/rules.pb.h"

namespace leadrouter::storage {

struct SummaryRule {
  leadrouter::v1::RuleRef rule;
  size_t count = 0;  // leads it decided
};

// `tally` over `reps` (the same order), with `fairness` and the rule rows as given. `leads` is
// what the tally counted: assigned and unassigned.
leadrouter::v1::DistributionSummary ToDistributionSummary(const dsl::DistributionTally& tally,
                                                          std::span<const dsl::RepInfo> reps,
                                                          const dsl::Fairness& fairness,
                                                          std::span<const SummaryRule> rules);

// What a stored first decision did, as the backtest compares it.
dsl::BacktestActual BacktestActualOf(const leadrouter::v1::Assignment& entry);

struct BacktestNaming {
  // The candidate program's rules in evaluation order, `otherwise` last when it has one.
  std::vector<leadrouter::v1::RuleRef> candidate_rules;
  // A candidate decision's short explanation.
  std::function<leadrouter::v1::ExplanationSummary(const dsl::Explanation&)> summarize;
};

// `actual` holds the replayed leads' real entries in replay order (result.leads of them).
leadrouter::v1::BacktestResponse ToBacktestResponse(
    const dsl::BacktestResult& result, std::span<const leadrouter::v1::Assignment> actual,
    const BacktestNaming& naming);

}  // namespace leadrouter::storage
