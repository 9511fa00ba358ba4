// The Assigner's construction and what every operation shares: the rules snapshot, the decision
// inside the writer, and the unassigned queue's update after a commit. The operations are in
// assigner_{assign,batch,reassign,pin,retry,moves}.cc.
#include "server/assign/assigner.h"

#include <utility>

#include "dsl/decision/performance_state.h"
#include "server/api/dsl_binding.h"
#include "server/api/explanation_proto.h"
#include "server/api/plan_proto.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_fields.h"
#include "storage/counter_store.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

Assigner::Assigner(storage::Storage& storage, RuleRegistry& rules, RosterCache& roster,
                   UnassignedQueue& unassigned, AssignerOptions options)
    : storage_(storage),
      rules_(rules),
      roster_(roster),
      unassigned_(unassigned),
      options_(std::move(options)) {}

std::shared_ptr<const ActiveRules> Assigner::RulesForCall() const {
  std::shared_ptr<const ActiveRules> rules = rules_.Active();
  if (options_.before_decide_for_testing) options_.before_decide_for_testing();
  return rules;
}

absl::StatusOr<Assigner::Decided> Assigner::DecideInTxn(storage::WriteTxn& txn,
                                                        const ActiveRules& rules,
                                                        const v1::Lead& lead,
                                                        const std::vector<std::string>& excluded,
                                                        uint64_t sequence, int64_t now_us) {
  Decided decided;
  const int64_t now_seconds = now_us / 1'000'000;
  if (rules.program == nullptr) {
    decided.decision.outcome = dsl::Outcome::kUnassigned;
    decided.decision.unassigned_reason = dsl::UnassignedReason::kNoActiveRules;
    v1::Explanation explanation;
    explanation.set_lead(lead.name());
    explanation.set_outcome(v1::OUTCOME_UNASSIGNED);
    explanation.set_unassigned_reason(v1::UNASSIGNED_REASON_NO_ACTIVE_RULES);
    explanation.mutable_decide_time()->set_seconds(now_seconds);
    decided.explanation = storage::Built(std::move(explanation));
    decided.summary.set_text("unassigned (no_active_rules): no rule version is published");
    return decided;
  }
  ASSIGN_OR_RETURN(const std::shared_ptr<const dsl::Roster> roster, roster_.Bound(rules.program));
  const dsl::Program& program = *rules.program;
  const dsl::Record record = program.BindLead(LeadAttributes(lead));
  const storage::StoredDecisionState stored(txn);
  // The performance figures by roster position, recomputed only when an outcome, the roster or
  // the window changed them, and only for rules that read them.
  const std::shared_ptr<const std::vector<dsl::RepPerformance>> figures =
      options_.performance == nullptr || !program.reads_rep_performance()
          ? nullptr
          : options_.performance->Figures(*roster, now_us);
  const dsl::WithPerformance state(
      stored, roster->id_list().generation,
      figures == nullptr ? std::span<const dsl::RepPerformance>() : *figures);
  dsl::DecideOptions options;
  // A rep whose proposal a reviewer rejected is never proposed the lead again.
  std::vector<std::string> excluded_reps = excluded;
  for (const std::string& rejected : lead.review_rejected_reps()) {
    excluded_reps.push_back(IdOf(rejected));
  }
  options.excluded_rep_ids = excluded_reps;
  options.rule_version = rules.version;
  options.lead_id = IdOf(lead.name());
  // Stored with the entry: the decisive reps and the counts, whatever the roster size; Explain
  // recomputes any other rep's trace (lead_queries.h).
  options.bound = dsl::ExplanationBound{};
  ASSIGN_OR_RETURN(decided.decision,
                   dsl::Decide(program, record, *roster, state, {now_seconds, sequence},
                               options_.calendar, options, workspace_));
  const dsl::Explanation& explanation = decided.decision.explanation;
  decided.summary = ToSummaryProto(explanation);
  if (explanation.decided_by) {
    decided.rule = ToRuleRefProto(*explanation.decided_by, *rules.source);
  }
  // The full message is built off the writer when the group is encoded.
  decided.explanation = [trace = std::move(decided.decision.explanation), source = rules.source,
                         snapshot = InputSnapshot(lead)]() mutable {
    v1::Explanation built = ToExplanationProto(trace, *source);
    *built.mutable_lead_snapshot() = std::move(snapshot);
    return built;
  };
  if (decided.picked() && decided.decision.rule_index) {
    const size_t index = *decided.decision.rule_index;
    const dsl::Rule* rule =
        index < program.rules().size() ? &program.rules()[index] : program.fallback();
    if (rule != nullptr) {
      if (rule->sla) decided.sla = ToSlaProto(*rule->sla);
      decided.followup_plan = ToFollowUpPlanProto(rule->followup);
    }
  }
  return decided;
}

std::function<void()> Assigner::UpdateQueueAfter(const storage::CommittedAssignment& committed,
                                                 uint64_t sequence) {
  const std::string lead_name = committed.lead.lead().name();
  std::function<void()> queue;
  if (committed.lead.lead().state() != v1::LEAD_STATE_UNASSIGNED) {
    queue = [this, lead_name] { unassigned_.Remove(lead_name); };
  } else {
    const v1::UnassignedReason reason = committed.entry.unassigned_reason();
    queue = [this, lead_name, reason, sequence] { unassigned_.Add(lead_name, reason, sequence); };
  }
  if (options_.performance == nullptr) return queue;
  return [performance = options_.performance, queue = std::move(queue),
          facts = FactsOf(committed.entry, committed.lead.lead())] {
    queue();
    performance->Record(facts);
  };
}

}  // namespace leadrouter::server
