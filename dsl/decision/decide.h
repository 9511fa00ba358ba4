// The decision: which rep gets a lead, by which rule, and why.
//
//   DecisionWorkspace workspace;  // one per thread, reused
//   ASSIGN_OR_RETURN(Decision d, Decide(program, lead, roster, state,
//                                       DecisionTime{now, sequence}, calendar, {}, workspace));
//   if (d.delta) state.Apply(*d.delta);  // atomically with the read: see
//   dsl/decision/decision_state.h
//
// Semantics (docs/decision.md says the same at length):
// - Rules are tried in file order; the first whose `when` holds and that has an eligible rep
//   decides. One that matches with no eligible rep falls through to the next. Then `otherwise`
//   (its clauses, for every lead), or "unassigned" (`otherwise unassigned`, or no otherwise).
// - Candidates: every rep of the roster, removed by the first filter that fails, in this order:
//   status (away, off), exclusion by the call, `team`, the rep's own daily_cap and max_open (status
//   and caps as dsl/decision/availability.h checks them), `require`, the rule's caps
//   (`cap N/day|week|month`, `N open`); and for weighted(expr) a rep whose weight is not a positive
//   number.
// - Survivors are ranked by the `prefer` keys in order, higher first; the ones with the best keys
//   form the tie group, from which the `distribute` strategy picks
//   (dsl/decision/decision_strategy.h).
// - Deterministic: the same program, lead, roster, state, time and options give the same
//   Decision. No clock, no randomness: time and the decision sequence number are handed in.
//
// "No eligible rep" is an outcome, not an error. An error status means the state could not be read,
// the roster was bound to another program, or the workspace is in use by another thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"
#include "dsl/compile/program.h"
#include "dsl/decision/decision_state.h"
#include "dsl/decision/decision_strategy.h"
#include "dsl/decision/explanation.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/roster.h"
#include "dsl/eval/eval_context.h"

namespace leadrouter::dsl {

// When the decision happens.
struct DecisionTime {
  // Seconds since the Unix epoch (UTC): periods, `hours_since`, round-robin times.
  int64_t unix_seconds = 0;
  // Strictly increasing per decision (the server's assignment counter; a dry run counts leads).
  // Round robin orders reps by it, so two decisions in the same second still take turns.
  uint64_t sequence = 0;
};

struct DecideOptions {
  // Reps that must not receive this lead (a reassign excludes the previous owners). Ids unknown to
  // the roster are ignored.
  std::span<const std::string> excluded_rep_ids;
  // Build Decision::explanation. Off in bulk dry runs, where only the outcome matters.
  // Default: true
  bool explain = true;
  // At most this many candidates per rule in the explanation (the rest: Explanation::truncated).
  // Default: 1000
  size_t max_explained_candidates = 1000;
  // Set: the explanation is bounded (explanation.h, ExplanationBound): each rule lists the pick,
  // its closest runners-up and a few removed reps per reason, whatever the roster size, and
  // max_explained_candidates does not apply. Unset: every candidate. Default: unset
  std::optional<ExplanationBound> bound;
  // Copied into the explanation's RuleRefs. Default: 0 (unpublished source)
  int64_t rule_version = 0;
  // The lead's id for the explanation (`leads/{lead}` without the prefix). Owned, not a view:
  // callers build it from the lead's name just before the call. Default: empty
  std::string lead_id;
};

struct Decision {
  Outcome outcome = Outcome::kUnassigned;
  // Set when outcome is kUnassigned.
  UnassignedReason unassigned_reason = UnassignedReason::kUnspecified;
  // The picked rep (PicksRep(outcome) only): its id and index in the roster.
  std::string rep_id;
  std::optional<size_t> rep_index;
  // The deciding rule: index into program.rules(), or rules().size() for `otherwise`; nullopt when
  // no rule decided.
  std::optional<size_t> rule_index;
  std::string rule_label;
  std::string rule_key;
  int64_t rule_version = 0;
  // What committing the assignment (or proposal) changes; present exactly when PicksRep(outcome).
  std::optional<StateDelta> delta;
  // Empty unless DecideOptions::explain.
  Explanation explanation;
};

// Reusable per-thread memory for Decide: evaluation scratch, candidate buffers, and a copy of the
// roster's records whose counter fields (open_leads, assigned_today, ...) are refreshed per
// decision. Not thread-safe: one per thread. Movable, not copyable.
class DecisionWorkspace {
 public:
  DecisionWorkspace() = default;
  DecisionWorkspace(const DecisionWorkspace&) = delete;
  DecisionWorkspace& operator=(const DecisionWorkspace&) = delete;

  // Roster indices of the reps that survived every filter of the deciding rule in the last Decide
  // (empty when nothing was assigned): who could have received the lead.
  std::span<const uint32_t> last_eligible() const { return last_eligible_; }

 private:
  friend class Decider;

  ScratchBuffer scratch_;
  PeriodCache periods_;
  uint64_t roster_generation_ = 0;
  std::vector<Record> records_;
  std::vector<uint32_t> all_;        // the current rule's candidates passing status / exclusion
  std::vector<uint32_t> alive_;      // the current rule's surviving candidates
  std::vector<uint8_t> excluded_;    // per roster index
  std::vector<uint32_t> to_load_;    // roster indices whose counters the current rule reads first
  std::vector<RepCounters> loaded_;  // their counters, in to_load_ order
  std::vector<RepCounters> rep_counters_;  // per roster index, read once per decision
  // Per roster index: the decision (decision_stamp_) that read its counters into rep_counters_
  // and its record, so a decision reads only the reps its rules consider, each once.
  std::vector<uint64_t> rep_counters_stamp_;
  uint64_t decision_stamp_ = 0;
  // Per alive_ position (the first alive_.size() entries; grown, never shrunk).
  std::vector<RuleRepCounters> rule_rep_counters_;
  std::vector<StrategyInputs> strategy_inputs_;  // per tie-group member (the first tie_.size())
  std::vector<double> rank_keys_;                // per alive_ position x key count
  std::vector<double> row_keys_;
  std::vector<double> weights_;  // weighted(expr), per alive_ position
  std::vector<uint32_t> tie_;    // positions in alive_ of the tie group
  std::vector<uint32_t> last_eligible_;
  std::vector<uint32_t> rules_to_try_;  // Program::rule_index() for the lead
};

// Decides who gets `lead` (bound by `program`, e.g. program.BindLead(attributes)). `roster` must be
// bound to `program`. Reads `state`; changes nothing: apply Decision::delta to commit.
[[nodiscard]] absl::StatusOr<Decision> Decide(const Program& program, const Record& lead,
                                              const Roster& roster, const DecisionState& state,
                                              const DecisionTime& time,
                                              const PeriodCalendar& calendar,
                                              const DecideOptions& options,
                                              DecisionWorkspace& workspace);

}  // namespace leadrouter::dsl
