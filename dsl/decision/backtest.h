// The backtest: past leads decided again by other rules, in the order and at the times they were
// really decided, compared with what really happened (docs/backtest.md).
//
// The caller hands a timeline in decision (sequence) order, built from stored history by the
// server (storage/backtest_replay.h) or from files by `leadctl backtest`:
//  - a lead to replay: its fields as at its first automatic decision, that decision's time and
//    sequence, the reps it excluded, and what that decision really did;
//  - counter changes that really happened in between (manual reassignments, closes, reviews, the
//    later entries of any lead), applied as recorded: history outside the replayed decisions is
//    held fixed, so a backtest of the rules that really decided reproduces every decision;
//  - a new roster from the time it took effect (a rep went AWAY, OFF, was added or removed).
// Each replayed lead is decided by the candidate program against the counters as they are at that
// point (the start state, the earlier candidate decisions and the fixed changes) and its delta is
// applied. Nothing else is read or written: the state is the caller's in-memory copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"
#include "dsl/compile/program.h"
#include "dsl/decision/decision_state.h"
#include "dsl/decision/distribution_tally.h"
#include "dsl/decision/explanation.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/roster.h"

namespace leadrouter::dsl {

// What a lead's first automatic decision really did.
struct BacktestActual {
  Outcome outcome = Outcome::kUnassigned;
  std::string rep_id;    // empty when unassigned
  std::string rule_key;  // BacktestRuleKey of the deciding rule; empty when none
  UnassignedReason reason = UnassignedReason::kUnspecified;
};

struct BacktestLead {
  std::string id;                     // the lead's id, `leads/` left out
  std::vector<Attribute> attributes;  // its fields as decided, for Program::BindLead
  int64_t time = 0;                   // the decision's time (unix seconds)
  uint64_t sequence = 0;              // the decision's sequence number
  std::vector<std::string> excluded_rep_ids;
  BacktestActual actual;
};

// Counter changes that really happened between two replayed decisions, applied as recorded.
struct BacktestFixedDeltas {
  std::vector<StateDelta> deltas;
};

// The roster from this point on.
struct BacktestRoster {
  std::vector<RepInfo> reps;
};

using BacktestStep = std::variant<BacktestLead, BacktestFixedDeltas, BacktestRoster>;

struct BacktestOptions {
  PeriodCalendar calendar;
  // Leads with quality at least this count as high quality. Default: kHighQuality
  double high_quality_threshold = kHighQuality;
  // At most this many changed leads keep their explanation. Default: 1000
  size_t max_changes = 1000;
};

// One side's distribution (what happened, or what the candidate rules would do).
struct BacktestSide {
  // Leads given and left unassigned, per rep by BacktestResult::reps index.
  DistributionTally tally;
  // Leads per deciding rule, by BacktestRuleKey, in order of first appearance (candidate: every
  // rule of the program in evaluation order, `otherwise` last, also those that decided nothing).
  std::vector<std::string> rule_keys;
  std::vector<size_t> rule_hits;
  // Over the reps not OFF in the last roster: the same reps on both sides.
  Fairness fairness;
};

// A replayed lead whose candidate decision differs from the real one (rep or outcome).
struct BacktestChange {
  size_t lead = 0;  // index into the replayed leads, in replay order
  std::string lead_id;
  int64_t time = 0;
  BacktestActual actual;
  Outcome outcome = Outcome::kUnassigned;
  std::string rep_id;
  std::optional<size_t> rule_index;  // into program.rules(); rules().size() for otherwise
  UnassignedReason reason = UnassignedReason::kUnspecified;
  // The candidate decision's explanation (its summary and unassigned cause come from it).
  Explanation explanation;
};

struct BacktestResult {
  size_t leads = 0;
  size_t changed = 0;
  // Every rep of any roster of the timeline (and any rep that really received a replayed lead),
  // sorted by id, with its display name and its status in the last roster (OFF reps are left out
  // of the Gini coefficients).
  std::vector<RepInfo> reps;
  BacktestSide actual;
  BacktestSide candidate;
  // The first BacktestOptions::max_changes changed leads, in replay order.
  std::vector<BacktestChange> changes;
};

// How both sides name a rule in the tallies: its name (RuleRef::name: "otherwise" for the
// fallback), or "#" + its 1-based index for an anonymous rule; empty for none (index 0).
std::string BacktestRuleKey(std::string_view name, int32_t index);

// Replays `timeline` (which must start with a BacktestRoster) over `state`, which holds the
// counters as they were before the first step and is changed by the replay. InvalidArgument for a
// timeline without a roster first or a bad roster; other errors come from the decision.
[[nodiscard]] absl::StatusOr<BacktestResult> RunBacktest(std::shared_ptr<const Program> program,
                                                         const std::vector<BacktestStep>& timeline,
                                                         InMemoryDecisionState& state,
                                                         const BacktestOptions& options);

}  // namespace leadrouter::dsl
