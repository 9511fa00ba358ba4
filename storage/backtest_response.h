// A backtest's API form: the first decisions as history stored them (the `actual` side) and
// dsl::RunBacktest's result (the `candidate` side) as one leadrouter.v1.BacktestResponse.
//
// It lives here, beside the replay of stored history (backtest_replay.h), because both users link
// this library and nothing below it has both the API and dsl/: RuleService.Backtest in the server
// and `leadctl backtest --leads --reps --history` offline build the same response with it, so the
// two answer alike on the same data.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "dsl/decision/backtest.h"
#include "dsl/decision/explanation.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/rules.pb.h"

namespace leadrouter::storage {

// What a stored first decision did, as the backtest compares it.
dsl::BacktestActual BacktestActualOf(const leadrouter::v1::Assignment& entry);

struct BacktestNaming {
  // The candidate program's rules in evaluation order, `otherwise` last when it has one.
  std::vector<leadrouter::v1::RuleRef> candidate_rules;
  // A candidate decision's short explanation.
  std::function<leadrouter::v1::ExplanationSummary(const dsl::Explanation&)> summarize;
  double high_quality_threshold = 80;
};

// `actual` holds the replayed leads' real entries in replay order (result.leads of them).
leadrouter::v1::BacktestResponse ToBacktestResponse(
    const dsl::BacktestResult& result, std::span<const leadrouter::v1::Assignment> actual,
    const BacktestNaming& naming);

}  // namespace leadrouter::storage
