// Assigner::RetryUnassigned: the queued unassigned leads decided again, one commit each; a lead
// that stays unassigned writes nothing.
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/api/dsl_binding.h"
#include "server/api/explanation_proto.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "storage/assignment_store.h"
#include "storage/lead_store.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

namespace {

constexpr char kRetryActor[] = "system:retry";

// The queued lead, while it is still stored and unassigned.
absl::StatusOr<std::optional<v1::Lead>> UnassignedLead(const storage::ReadView& view,
                                                       const std::string& lead_name) {
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(view, lead_name));
  if (!stored.has_value() || stored->lead().state() != v1::LEAD_STATE_UNASSIGNED) {
    return std::nullopt;
  }
  return stored->lead();
}

// The change that gives the lead to the rep the retry decided on, entry `sequence`.
storage::AssignmentChange RetriedChange(v1::Lead lead, assign_internal::Decided decided,
                                        const ActiveRules& rules, const std::string& why,
                                        uint64_t sequence, int64_t now_us) {
  assign_internal::SetDecidedOwner(decided, now_us, lead);
  const std::string reason = absl::StrCat("retried (", why, "): ", decided.summary.text());
  return assign_internal::DecidedAssignChange(std::move(decided), std::move(lead), rules.version,
                                              kRetryActor, reason, sequence, now_us);
}

}  // namespace

absl::StatusOr<int> Assigner::RetryUnassigned(const std::string& why) {
  int assigned = 0;
  for (const UnassignedQueue::Entry& queued : unassigned_.Snapshot()) {
    if (unassigned_.stopped()) break;  // shutting down: the queue is rebuilt at the next start
    const std::shared_ptr<const ActiveRules> rules = rules_.Active();
    if (rules->program == nullptr) return assigned;
    Effects effects;
    bool got_owner = false;
    std::optional<v1::UnassignedReason> still;
    RETURN_IF_ERROR(storage_.commits().CommitOrRollBack(
        [&](storage::WriteTxn& txn) -> absl::StatusOr<storage::MutationResult> {
          effects.after_commit.clear();
          ASSIGN_OR_RETURN(std::optional<v1::Lead> lead, UnassignedLead(txn, queued.lead));
          if (!lead.has_value()) {
            const std::string lead_name = queued.lead;
            effects.after_commit.push_back([this, lead_name] { unassigned_.Remove(lead_name); });
            return storage::MutationResult::kRollBack;
          }
          const int64_t now_us = absl::ToUnixMicros(clock().Now());
          ASSIGN_OR_RETURN(const storage::NextEntry next,
                           storage::NextAssignment(txn, lead->name()));
          ASSIGN_OR_RETURN(Decided decided,
                           DecideInTxn(txn, *rules, *lead, {}, next.sequence, now_us));
          if (!decided.picked()) {
            still = ToUnassignedReasonProto(decided.decision.unassigned_reason);
            return storage::MutationResult::kRollBack;  // nothing changed: no new history entry
          }
          ASSIGN_OR_RETURN(
              const storage::CommittedAssignment committed,
              CommitChangeInTxn(txn, RetriedChange(std::move(*lead), std::move(decided), *rules,
                                                   why, next.sequence, now_us)));
          got_owner = true;
          effects.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
          return storage::MutationResult::kCommit;
        }));
    effects.Apply();
    if (still) unassigned_.Add(queued.lead, *still, queued.since);
    if (got_owner) ++assigned;
  }
  if (assigned > 0) {
    spdlog::info("retry_unassigned why=\"{}\" assigned={} still_unassigned={}", why, assigned,
                 unassigned_.size());
  }
  return assigned;
}

}  // namespace leadrouter::server
