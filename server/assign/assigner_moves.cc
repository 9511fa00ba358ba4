// Assigner::MoveOpenLeadsInTxn: the open leads of a rep being removed, re-decided without the rep
// or released, inside RepService.Remove's mutation.
#include "absl/strings/str_cat.h"
#include "server/api/dsl_binding.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "storage/assignment_store.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

absl::StatusOr<Assigner::MovedLeads> Assigner::MoveOpenLeadsInTxn(
    storage::WriteTxn& txn, const std::vector<storage::LeadRecord>& leads,
    const std::string& rep_name, bool reassign, const std::string& actor, const std::string& reason,
    int64_t now_us) {
  MovedLeads moved;
  const std::shared_ptr<const ActiveRules> rules = rules_.Active();
  const std::vector<std::string> excluded = {IdOf(rep_name)};
  const std::string entry_reason = absl::StrCat("owner ", rep_name, " removed: ", reason);
  for (const storage::LeadRecord& record : leads) {
    storage::AssignmentChange change;
    change.lead = record.lead();
    v1::Lead& lead = change.lead;
    ASSIGN_OR_RETURN(const storage::NextEntry next, storage::NextAssignment(txn, lead.name()));
    change.sequence = next.sequence;
    change.previous = storage::PreviousCounts::kCreditBack;
    change.entry = assign_internal::NewEntry(
        reassign ? v1::ASSIGNMENT_KIND_REASSIGN : v1::ASSIGNMENT_KIND_RELEASE, rules->version,
        actor, entry_reason, now_us);
    bool picked = false;
    lead.clear_sla_deadline();
    if (reassign) {
      ASSIGN_OR_RETURN(Decided decided,
                       DecideInTxn(txn, *rules, lead, excluded, next.sequence, now_us));
      picked = decided.picked();
      assign_internal::RecordDecision(decided, change.entry);
      assign_internal::SetDecidedOwner(decided, now_us, lead);
      if (picked) change.delta = decided.decision.delta;
      change.explanation = std::move(decided.explanation);
    } else {
      change.entry.set_outcome(v1::OUTCOME_UNASSIGNED);
      change.entry.set_unassigned_reason(v1::UNASSIGNED_REASON_OWNER_REMOVED);
      lead.set_owner("");
      lead.set_state(v1::LEAD_STATE_UNASSIGNED);
      assign_internal::ClearReview(lead);
    }
    if (picked) {
      ++moved.reassigned;
    } else {
      lead.set_current_assignment(next.name);
      ++moved.unassigned;
    }
    change.entry.set_rep(lead.owner());
    change.change = storage::ChangeInfo{actor, reassign ? "lead.reassign" : "lead.release",
                                        change.entry.reason(), "", now_us};
    ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                     CommitChangeInTxn(txn, std::move(change)));
    moved.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
  }
  return moved;
}

}  // namespace leadrouter::server
