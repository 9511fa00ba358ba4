#include "storage/backtest_response.h"

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "dsl/decision/unassigned_why.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;

// dsl's names are the API's value names in lower case, without the enum's prefix.
v1::Outcome OutcomeProto(dsl::Outcome outcome) {
  v1::Outcome out = v1::OUTCOME_UNSPECIFIED;
  v1::Outcome_Parse(
      absl::AsciiStrToUpper(absl::StrCat("outcome_", std::string(dsl::OutcomeName(outcome)))),
      &out);
  return out;
}

v1::UnassignedReason ReasonProto(dsl::UnassignedReason reason) {
  v1::UnassignedReason out = v1::UNASSIGNED_REASON_UNSPECIFIED;
  v1::UnassignedReason_Parse(
      absl::AsciiStrToUpper(
          absl::StrCat("unassigned_reason_", std::string(dsl::UnassignedReasonName(reason)))),
      &out);
  return out;
}

// The API's key for an unassigned reason: its value name without prefix.
std::string ReasonKey(dsl::UnassignedReason reason) {
  return absl::AsciiStrToUpper(std::string(dsl::UnassignedReasonName(reason)));
}

std::string RepName(const std::string& id) { return id.empty() ? "" : absl::StrCat("reps/", id); }

}  // namespace

v1::DistributionSummary ToDistributionSummary(const dsl::DistributionTally& tally,
                                              std::span<const dsl::RepInfo> reps,
                                              const dsl::Fairness& fairness,
                                              std::span<const SummaryRule> rules) {
  v1::DistributionSummary out;
  out.set_leads(static_cast<int32_t>(tally.assigned() + tally.unassigned()));
  out.set_assigned(static_cast<int32_t>(tally.assigned()));
  out.set_pending_review(static_cast<int32_t>(tally.pending_review()));
  out.set_unassigned(static_cast<int32_t>(tally.unassigned()));
  const std::vector<size_t>& by_reason = tally.unassigned_by_reason();
  for (size_t r = 0; r < by_reason.size(); ++r) {
    if (by_reason[r] == 0) continue;
    (*out.mutable_unassigned_by_reason())[ReasonKey(static_cast<dsl::UnassignedReason>(r))] =
        static_cast<int32_t>(by_reason[r]);
  }
  for (size_t r = 0; r < reps.size() && r < tally.reps().size(); ++r) {
    const dsl::RepInfo& rep = reps[r];
    const dsl::RepTally& totals = tally.reps()[r];
    v1::RepTally* t = out.add_reps();
    t->set_rep(RepName(rep.id));
    t->set_display_name(rep.name.empty() ? rep.id : rep.name);
    t->set_count(static_cast<int32_t>(totals.count));
    t->set_quality_sum(totals.quality_sum);
    t->set_quality_mean(totals.quality_mean());
    t->set_high_quality_count(static_cast<int32_t>(totals.high_quality));
    t->set_value_sum(totals.value_sum);
  }
  for (const SummaryRule& rule : rules) {
    v1::RuleTally* t = out.add_rules();
    *t->mutable_rule() = rule.rule;
    t->set_count(static_cast<int32_t>(rule.count));
  }
  out.set_gini_count(fairness.gini_count);
  out.set_gini_quality(fairness.gini_quality);
  out.set_high_quality_threshold(tally.high_quality_threshold());
  return out;
}

dsl::BacktestActual BacktestActualOf(const v1::Assignment& entry) {
  dsl::BacktestActual actual;
  switch (entry.outcome()) {
    case v1::OUTCOME_ASSIGNED:
      actual.outcome = dsl::Outcome::kAssigned;
      break;
    case v1::OUTCOME_PENDING_REVIEW:
      actual.outcome = dsl::Outcome::kPendingReview;
      break;
    default:
      actual.outcome = dsl::Outcome::kUnassigned;
      break;
  }
  actual.rep_id = std::string(absl::StripPrefix(entry.rep(), "reps/"));
  if (entry.has_rule())
    actual.rule_key = dsl::BacktestRuleKey(entry.rule().name(), entry.rule().index());
  // Reasons past OTHERWISE_UNASSIGNED are not a decision's (review, removal): none here.
  const int reason = entry.unassigned_reason();
  if (reason <= v1::UNASSIGNED_REASON_OTHERWISE_UNASSIGNED) {
    actual.reason = static_cast<dsl::UnassignedReason>(reason);
  }
  return actual;
}

namespace {

// A side's rules by their tally key, named as `rules` knows them (else by the key alone).
v1::DistributionSummary SideSummary(const dsl::BacktestSide& side,
                                    const dsl::BacktestResult& result,
                                    const std::map<std::string, v1::RuleRef>& rules) {
  std::vector<SummaryRule> hits;
  hits.reserve(side.rule_keys.size());
  for (size_t i = 0; i < side.rule_keys.size(); ++i) {
    SummaryRule& hit = hits.emplace_back();
    const auto known = rules.find(side.rule_keys[i]);
    if (known != rules.end()) {
      hit.rule = known->second;
    } else {
      hit.rule.set_name(side.rule_keys[i]);
    }
    hit.count = side.rule_hits[i];
  }
  v1::DistributionSummary out = ToDistributionSummary(side.tally, result.reps, side.fairness, hits);
  // Leads replayed, whatever the side did with them.
  out.set_leads(static_cast<int32_t>(result.leads));
  return out;
}

}  // namespace

v1::BacktestResponse ToBacktestResponse(const dsl::BacktestResult& result,
                                        std::span<const v1::Assignment> actual,
                                        const BacktestNaming& naming) {
  // Rules by their tally key: the candidate's, then those only history names.
  std::map<std::string, v1::RuleRef> rules;
  for (const v1::RuleRef& rule : naming.candidate_rules) {
    rules.emplace(dsl::BacktestRuleKey(rule.name(), rule.index()), rule);
  }
  std::map<std::string, v1::RuleRef> actual_rules;
  for (const v1::Assignment& entry : actual) {
    if (entry.has_rule()) {
      actual_rules.emplace(dsl::BacktestRuleKey(entry.rule().name(), entry.rule().index()),
                           entry.rule());
    }
  }
  v1::BacktestResponse out;
  out.set_leads(static_cast<int32_t>(result.leads));
  out.set_changed(static_cast<int32_t>(result.changed));
  *out.mutable_actual() = SideSummary(result.actual, result, actual_rules);
  *out.mutable_candidate() = SideSummary(result.candidate, result, rules);
  for (const dsl::BacktestChange& change : result.changes) {
    v1::BacktestChange* c = out.add_changes();
    c->set_lead(absl::StrCat("leads/", change.lead_id));
    c->mutable_decide_time()->set_seconds(change.time);
    if (change.lead < actual.size()) {
      const v1::Assignment& entry = actual[change.lead];
      c->set_actual_rep(entry.rep());
      if (entry.has_rule()) *c->mutable_actual_rule() = entry.rule();
      c->set_actual_outcome(entry.outcome());
      *c->mutable_actual_summary() = entry.explanation();
    }
    c->set_candidate_outcome(OutcomeProto(change.outcome));
    c->set_candidate_rep(RepName(change.rep_id));
    if (change.rule_index && *change.rule_index < naming.candidate_rules.size()) {
      *c->mutable_candidate_rule() = naming.candidate_rules[*change.rule_index];
    }
    if (naming.summarize) *c->mutable_candidate_summary() = naming.summarize(change.explanation);
    if (!dsl::PicksRep(change.outcome)) {
      c->set_candidate_unassigned_reason(ReasonProto(change.reason));
      c->set_candidate_why(dsl::UnassignedWhy(change.explanation));
    }
  }
  return out;
}

}  // namespace leadrouter::storage
