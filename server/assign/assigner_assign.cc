// Assigner::Assign: one lead, decided inside the writer (or, when it has an owner already, only
// its fields updated).
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_fields.h"
#include "server/assign/lead_lifecycle.h"
#include "storage/assignment_store.h"
#include "storage/lead_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using assign_internal::kAssignScope;
using google::protobuf::util::TimeUtil;

// The stored lead (or a new one received now) with the item's input fields merged in. A closed
// lead is refused (LEAD_CLOSED).
absl::StatusOr<v1::Lead> LeadWithInput(storage::WriteTxn& txn,
                                       const assign_internal::BatchItem& item, int64_t now_us) {
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(txn, item.lead.name()));
  if (!stored.has_value()) {
    v1::Lead lead;
    lead.set_name(item.lead.name());
    *lead.mutable_receive_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    *lead.mutable_create_time() = lead.receive_time();
    MergeLeadInput(item.lead, google::protobuf::FieldMask(), lead);
    assign_internal::ApplyScore(item, lead);
    return lead;
  }
  v1::Lead lead = stored->lead();
  if (IsClosed(lead)) {
    return Precondition("LEAD_CLOSED", lead.name(),
                        absl::StrCat(lead.name(), " is closed (", v1::LeadState_Name(lead.state()),
                                     ") and is never moved"));
  }
  MergeLeadInput(item.lead, item.mask, lead);
  assign_internal::ApplyScore(item, lead);
  return lead;
}

bool HasOwner(const v1::Lead& lead) {
  return IsOwnedOpen(lead.state()) || lead.state() == v1::LEAD_STATE_PENDING_REVIEW;
}

// A lead with an owner gets its fields updated; the owner is not re-decided (Reassign moves
// leads). The response shows its current assignment as ALREADY_ASSIGNED.
absl::StatusOr<v1::AssignResponse> UpdateOwnedLead(storage::WriteTxn& txn, v1::Lead lead,
                                                   const std::string& actor, int64_t now_us) {
  const storage::ChangeInfo change{actor, "lead.upsert", "Assign of a lead that has an owner", "",
                                   now_us};
  *lead.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  ASSIGN_OR_RETURN(const storage::LeadRecord written, storage::PutLead(txn, lead, change));
  ASSIGN_OR_RETURN(const std::optional<storage::HistoryRecord> current,
                   storage::ReadHistoryEntry(
                       txn, lead.name(), assign_internal::SequenceOf(lead.current_assignment())));
  v1::AssignResponse response;
  if (current.has_value()) *response.mutable_assignment() = current->assignment();
  response.mutable_assignment()->set_outcome(v1::OUTCOME_ALREADY_ASSIGNED);
  *response.mutable_lead() = written.lead();
  return response;
}

}  // namespace

absl::StatusOr<v1::AssignResponse> Assigner::AssignInTxn(storage::WriteTxn& txn,
                                                         const BatchItem& item,
                                                         const ActiveRules& rules,
                                                         const std::string& actor, int64_t now_us,
                                                         Effects& effects) {
  ASSIGN_OR_RETURN(std::optional<v1::AssignResponse> replay,
                   assign_internal::Replay<v1::AssignResponse>(txn, kAssignScope, item.key,
                                                               item.fingerprint, "lead"));
  if (replay.has_value()) return *std::move(replay);
  ASSIGN_OR_RETURN(v1::Lead lead, LeadWithInput(txn, item, now_us));
  v1::AssignResponse response;
  if (HasOwner(lead)) {
    ASSIGN_OR_RETURN(response, UpdateOwnedLead(txn, std::move(lead), actor, now_us));
  } else {
    ASSIGN_OR_RETURN(
        response, DecideNewOwnerInTxn(txn, item, std::move(lead), rules, actor, now_us, effects));
  }
  RETURN_IF_ERROR(assign_internal::RecordResponse(txn, kAssignScope, item.key, item.fingerprint,
                                                  response, now_us));
  return response;
}

absl::StatusOr<v1::AssignResponse> Assigner::DecideNewOwnerInTxn(
    storage::WriteTxn& txn, const BatchItem& item, v1::Lead lead, const ActiveRules& rules,
    const std::string& actor, int64_t now_us, Effects& effects) {
  ASSIGN_OR_RETURN(const storage::NextEntry next, storage::NextAssignment(txn, lead.name()));
  ASSIGN_OR_RETURN(Decided decided, DecideInTxn(txn, rules, lead, {}, next.sequence, now_us));
  assign_internal::SetDecidedOwner(decided, now_us, lead);
  // An unassigned decision moves no counts, so the commit would not make it current: it is
  // still what the lead's state comes from.
  lead.set_current_assignment(next.name);

  const std::string reason = decided.summary.text();
  storage::AssignmentChange change = assign_internal::DecidedAssignChange(
      std::move(decided), std::move(lead), rules.version, actor, reason, next.sequence, now_us);
  assign_internal::RecordScore(item, change.lead, change.entry);
  std::vector<v1::Task> tasks;
  ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                   CommitChangeInTxn(txn, std::move(change), &tasks));
  if (!item.validate_only)
    effects.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
  v1::AssignResponse response;
  *response.mutable_assignment() = committed.entry;
  *response.mutable_lead() = committed.lead.lead();
  for (v1::Task& task : tasks) *response.add_tasks() = std::move(task);
  assign_internal::CopyScore(committed.entry, response);
  return response;
}

absl::StatusOr<v1::AssignResponse> Assigner::Assign(const v1::AssignRequest& request,
                                                    const CallContext& call) {
  RETURN_IF_ERROR(
      assign_internal::CheckItem(request.lead(), request.update_mask(), request.idempotency_key()));
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, false));
  const std::string actor = assign_internal::ActorOrApi(request.actor());
  BatchItem item = assign_internal::MakeBatchItem(
      request.lead(), request.update_mask(), request.idempotency_key(), request.validate_only());
  RETURN_IF_ERROR(ScoreItem(item));

  const std::shared_ptr<const ActiveRules> rules = RulesForCall();
  const absl::Time start = absl::Now();
  Effects effects;
  absl::StatusOr<v1::AssignResponse> result;
  RETURN_IF_ERROR(storage_.commits().CommitOrRollBack(
      [&](storage::WriteTxn& txn) -> absl::StatusOr<storage::MutationResult> {
        RETURN_IF_ERROR(call.CheckDeadline());
        result = AssignInTxn(txn, item, *rules, actor, absl::ToUnixMicros(clock().Now()), effects);
        RETURN_IF_ERROR(result.status());
        return item.validate_only ? storage::MutationResult::kRollBack
                                  : storage::MutationResult::kCommit;
      },
      call.principal));
  if (item.validate_only) result->mutable_assignment()->clear_name();
  effects.Apply();
  spdlog::debug("assign lead={} rep={} rule={} version={} outcome={} replayed={} micros={}",
                request.lead().name(), result->assignment().rep(),
                result->assignment().rule().name(), result->assignment().rule_version(),
                v1::Outcome_Name(result->assignment().outcome()), result->replayed(),
                absl::ToInt64Microseconds(absl::Now() - start));
  return result;
}

}  // namespace leadrouter::server
