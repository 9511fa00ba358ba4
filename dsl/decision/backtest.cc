#include "dsl/decision/backtest.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "dsl/decision/decide.h"

namespace leadrouter::dsl {
namespace {

// Every rep any roster of the timeline names (and any rep that really got a replayed lead), by
// id, with its name and its status in the last roster that had it.
std::vector<RepInfo> AllReps(const std::vector<BacktestStep>& timeline) {
  std::map<std::string, RepInfo> reps;
  for (const BacktestStep& step : timeline) {
    if (const auto* roster = std::get_if<BacktestRoster>(&step)) {
      for (const RepInfo& rep : roster->reps) {
        RepInfo& kept = reps[rep.id];
        kept.id = rep.id;
        kept.name = rep.name;
        kept.status = rep.status;
      }
    } else if (const auto* lead = std::get_if<BacktestLead>(&step)) {
      if (!lead->actual.rep_id.empty() && !reps.contains(lead->actual.rep_id)) {
        reps[lead->actual.rep_id].id = lead->actual.rep_id;
      }
    }
  }
  std::vector<RepInfo> out;
  out.reserve(reps.size());
  for (auto& [id, rep] : reps) out.push_back(std::move(rep));
  return out;
}

// One side's tally, with its rules counted by key.
class SideTally {
 public:
  SideTally(BacktestSide& side, const std::vector<RepInfo>& reps, double threshold)
      : side_(side), reps_(reps) {
    side_.tally = DistributionTally(reps.size(), threshold);
  }

  void AddRule(const std::string& label) {
    if (label.empty() || rule_at_.contains(label)) return;
    rule_at_[label] = side_.rule_keys.size();
    side_.rule_keys.push_back(label);
    side_.rule_hits.push_back(0);
  }

  void Add(Outcome outcome, const std::string& rep_id, const std::string& rule_key,
           UnassignedReason reason, const Record& lead) {
    AddRule(rule_key);
    if (!rule_key.empty()) ++side_.rule_hits[rule_at_[rule_key]];
    if (!PicksRep(outcome) || rep_id.empty()) {
      side_.tally.AddUnassigned(reason);
      return;
    }
    const auto at =
        std::lower_bound(reps_.begin(), reps_.end(), rep_id,
                         [](const RepInfo& r, const std::string& id) { return r.id < id; });
    side_.tally.AddGiven(static_cast<size_t>(at - reps_.begin()), outcome, lead);
  }

  void Finish() {
    std::vector<bool> counted;
    counted.reserve(reps_.size());
    for (const RepInfo& rep : reps_) counted.push_back(rep.status != RepStatus::kOff);
    side_.fairness = side_.tally.FairnessOver(counted);
  }

 private:
  BacktestSide& side_;
  const std::vector<RepInfo>& reps_;
  std::map<std::string, size_t> rule_at_;
};

}  // namespace

std::string BacktestRuleKey(std::string_view name, int32_t index) {
  if (!name.empty()) return std::string(name);
  return index > 0 ? absl::StrCat("#", index) : "";
}

namespace {

std::string RuleKeyOf(const Program& program, const std::optional<size_t>& rule_index) {
  if (!rule_index) return "";
  const int32_t index = static_cast<int32_t>(*rule_index + 1);
  if (*rule_index >= program.rules().size()) return BacktestRuleKey("otherwise", index);
  const Rule& rule = program.rules()[*rule_index];
  return BacktestRuleKey(rule.named ? rule.label : "", index);
}

bool SameDecision(const BacktestActual& actual, const Decision& decision) {
  return actual.outcome == decision.outcome && actual.rep_id == decision.rep_id;
}

}  // namespace

absl::StatusOr<BacktestResult> RunBacktest(std::shared_ptr<const Program> program,
                                           const std::vector<BacktestStep>& timeline,
                                           InMemoryDecisionState& state,
                                           const BacktestOptions& options) {
  if (timeline.empty() || !std::holds_alternative<BacktestRoster>(timeline.front())) {
    return absl::InvalidArgumentError("a backtest timeline starts with the roster");
  }
  const Program& p = *program;
  BacktestResult result;
  result.reps = AllReps(timeline);
  SideTally actual(result.actual, result.reps, options.high_quality_threshold);
  SideTally candidate(result.candidate, result.reps, options.high_quality_threshold);
  for (size_t r = 0; r < p.rules().size(); ++r) candidate.AddRule(RuleKeyOf(p, r));
  if (p.has_otherwise()) candidate.AddRule(RuleKeyOf(p, p.rules().size()));

  std::optional<Roster> roster;
  DecisionWorkspace workspace;
  for (const BacktestStep& step : timeline) {
    if (const auto* reps = std::get_if<BacktestRoster>(&step)) {
      ASSIGN_OR_RETURN(Roster bound, Roster::Bind(program, reps->reps));
      roster.emplace(std::move(bound));
      continue;
    }
    if (const auto* fixed = std::get_if<BacktestFixedDeltas>(&step)) {
      for (const StateDelta& delta : fixed->deltas) state.Apply(delta);
      continue;
    }
    const BacktestLead& past = std::get<BacktestLead>(step);
    const Record lead = p.BindLead(past.attributes);
    DecideOptions decide;
    decide.explain = false;
    decide.excluded_rep_ids = past.excluded_rep_ids;
    decide.lead_id = past.id;
    const DecisionTime time{past.time, past.sequence};
    ASSIGN_OR_RETURN(Decision decision,
                     Decide(p, lead, *roster, state, time, options.calendar, decide, workspace));
    const bool changed = !SameDecision(past.actual, decision);
    if (changed && result.changes.size() < options.max_changes) {
      // Decide again for the explanation (every candidate, so that the unassigned cause counts
      // them all): nothing was applied, so the state is the same.
      decide.explain = true;
      ASSIGN_OR_RETURN(Decision traced,
                       Decide(p, lead, *roster, state, time, options.calendar, decide, workspace));
      BacktestChange& change = result.changes.emplace_back();
      change.lead = result.leads;
      change.lead_id = past.id;
      change.time = past.time;
      change.actual = past.actual;
      change.outcome = decision.outcome;
      change.rep_id = decision.rep_id;
      change.rule_index = decision.rule_index;
      change.reason = decision.unassigned_reason;
      change.explanation = std::move(traced.explanation);
    }
    if (decision.delta) state.Apply(*decision.delta);
    actual.Add(past.actual.outcome, past.actual.rep_id, past.actual.rule_key, past.actual.reason,
               lead);
    candidate.Add(decision.outcome, decision.rep_id, RuleKeyOf(p, decision.rule_index),
                  decision.unassigned_reason, lead);
    result.changed += changed;
    ++result.leads;
  }
  actual.Finish();
  candidate.Finish();
  return result;
}

}  // namespace leadrouter::dsl
