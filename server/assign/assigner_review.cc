// Assigner::Review and Assigner::ExpireReviews: a proposal made by a rule with `review`
// (PENDING_REVIEW, counted against the proposed rep's caps since it was made) approved, rejected to
// another rep or to no one, or, when it waits past the review timeout, escalated.
#include <spdlog/spdlog.h>

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "storage/assignment_store.h"
#include "storage/event_log.h"
#include "storage/lead_index.h"
#include "storage/lead_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using assign_internal::kReviewScope;
using google::protobuf::util::TimeUtil;

constexpr char kTimeoutActor[] = "system:review-timeout";
// Leads a run of ExpireReviews looks at: the oldest proposals come first in no particular order,
// so a backlog larger than this drains over several runs.
constexpr size_t kMaxExpiredPerRun = 1000;

absl::Status CheckReview(const v1::ReviewRequest& request) {
  RETURN_IF_ERROR(ParseName(request.lead(), "leads", "lead").status());
  if (!request.proposal().empty() &&
      !absl::StartsWith(request.proposal(), absl::StrCat(request.lead(), "/assignments/"))) {
    return InvalidField("proposal", absl::StrCat("must be an assignment of ", request.lead(), " (",
                                                 request.lead(), "/assignments/{assignment})"));
  }
  if (request.decision() == v1::REVIEW_DECISION_UNSPECIFIED ||
      !v1::ReviewDecision_IsValid(request.decision())) {
    return InvalidField("decision", "required: APPROVE or REJECT");
  }
  const bool reject = request.decision() == v1::REVIEW_DECISION_REJECT;
  if (!request.rep().empty()) {
    if (!reject) return InvalidField("rep", "only a REJECT names a rep to assign instead");
    RETURN_IF_ERROR(ParseName(request.rep(), "reps", "rep").status());
  } else if (request.force()) {
    return InvalidField("force", "only a REJECT with a rep can force an assignment");
  }
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, reject));
  return assign_internal::CheckKey(request.idempotency_key(), "idempotency_key");
}

// The stored lead if it waits for review (NOT_PENDING_REVIEW otherwise) with the proposal the
// caller expects, if it names one (ABORTED otherwise).
absl::StatusOr<v1::Lead> LeadInReview(const storage::ReadView& view, const std::string& lead_name,
                                      const std::string& proposal) {
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(view, lead_name));
  if (!stored.has_value()) return NotFound(lead_name);
  const v1::Lead& lead = stored->lead();
  if (lead.state() != v1::LEAD_STATE_PENDING_REVIEW) {
    return Precondition("NOT_PENDING_REVIEW", lead.name(),
                        absl::StrCat(lead.name(), " is ", v1::LeadState_Name(lead.state()),
                                     ", not waiting for review"));
  }
  if (!proposal.empty() && proposal != lead.current_assignment()) {
    return Aborted("PROPOSAL_MISMATCH",
                   absl::StrCat(lead.name(), " is in review for its proposal ",
                                lead.current_assignment(), ", not ", proposal));
  }
  return lead;
}

}  // namespace

absl::Status Assigner::ApproveInTxn(storage::WriteTxn& txn, const std::string& actor,
                                    const std::string& reason, int64_t now_us,
                                    storage::AssignmentChange& change) {
  v1::Lead& lead = change.lead;
  // The proposal holds the counts (it moved them when it was made) and the rule's SLA chain and
  // follow-up plan, which start now that the rep owns the lead (CommitChangeInTxn plans them).
  ASSIGN_OR_RETURN(const std::optional<storage::HistoryRecord> proposal,
                   storage::ReadHistoryEntry(
                       txn, lead.name(), assign_internal::SequenceOf(lead.current_assignment())));
  v1::Assignment& entry = change.entry;
  entry.set_outcome(v1::OUTCOME_ASSIGNED);
  if (proposal.has_value()) {
    const v1::Assignment& proposed = proposal->assignment();
    if (proposed.has_rule()) *entry.mutable_rule() = proposed.rule();
    if (proposed.has_sla()) *entry.mutable_sla() = proposed.sla();
    *entry.mutable_followup_plan() = proposed.followup_plan();
  }
  entry.mutable_explanation()->set_text(absl::StrCat(
      "proposal to ", lead.owner(), " approved by ", actor,
      proposal.has_value() ? absl::StrCat(" (", proposal->assignment().explanation().text(), ")")
                           : ""));
  lead.set_state(v1::LEAD_STATE_OPEN);
  assign_internal::ClearReview(lead);
  change.previous = storage::PreviousCounts::kKeep;
  change.change = storage::ChangeInfo{actor, "lead.review.approve", reason, "", now_us};
  return absl::OkStatus();
}

void Assigner::RejectToNoOne(const std::string& actor, const std::string& reason, int64_t now_us,
                             storage::AssignmentChange& change) {
  v1::Lead& lead = change.lead;
  v1::Assignment& entry = change.entry;
  entry.set_outcome(v1::OUTCOME_UNASSIGNED);
  entry.set_unassigned_reason(v1::UNASSIGNED_REASON_REVIEW_REJECTED);
  entry.mutable_explanation()->set_text(
      absl::StrCat("proposal to ", lead.owner(), " rejected by ", actor, ": ", reason));
  lead.add_review_rejected_reps(lead.owner());
  lead.set_owner("");
  lead.set_state(v1::LEAD_STATE_UNASSIGNED);
  assign_internal::ClearReview(lead);
  change.previous = storage::PreviousCounts::kCreditBack;
  change.change = storage::ChangeInfo{actor, "lead.review.reject", reason, "", now_us};
}

absl::StatusOr<v1::ReviewResponse> Assigner::ReviewInTxn(storage::WriteTxn& txn,
                                                         const v1::ReviewRequest& request,
                                                         const std::string& fingerprint,
                                                         const ActiveRules& rules, int64_t now_us,
                                                         Effects& effects) {
  const std::string& key = request.idempotency_key();
  ASSIGN_OR_RETURN(std::optional<v1::ReviewResponse> replay,
                   assign_internal::Replay<v1::ReviewResponse>(txn, kReviewScope, key, fingerprint,
                                                               "review request"));
  if (replay.has_value()) return *std::move(replay);
  storage::AssignmentChange change;
  ASSIGN_OR_RETURN(change.lead, LeadInReview(txn, request.lead(), request.proposal()));
  ASSIGN_OR_RETURN(const storage::NextEntry next, storage::NextAssignment(txn, change.lead.name()));
  change.sequence = next.sequence;
  const std::string proposed = change.lead.owner();
  if (request.decision() == v1::REVIEW_DECISION_APPROVE) {
    change.entry = assign_internal::NewEntry(v1::ASSIGNMENT_KIND_REVIEW, rules.version,
                                             request.actor(), request.reason(), now_us);
    RETURN_IF_ERROR(ApproveInTxn(txn, request.actor(), request.reason(), now_us, change));
  } else if (request.rep().empty()) {
    change.entry = assign_internal::NewEntry(v1::ASSIGNMENT_KIND_RELEASE, rules.version,
                                             request.actor(), request.reason(), now_us);
    RejectToNoOne(request.actor(), request.reason(), now_us, change);
  } else {
    if (request.rep() == proposed) {
      return InvalidField(
          "rep", absl::StrCat(request.rep(), " is the proposed rep: approve the proposal instead"));
    }
    change.entry = assign_internal::NewEntry(v1::ASSIGNMENT_KIND_MANUAL, rules.version,
                                             request.actor(), request.reason(), now_us);
    // The same checks and counts as a manager's Reassign to a named rep.
    v1::ReassignRequest manual;
    manual.set_lead(request.lead());
    manual.set_rep(request.rep());
    manual.set_force(request.force());
    manual.set_actor(request.actor());
    manual.set_reason(request.reason());
    RETURN_IF_ERROR(ReassignToRepInTxn(txn, manual, rules, now_us, change));
    change.lead.add_review_rejected_reps(proposed);
    change.change.action =
        absl::StrCat("lead.review.reject", change.entry.forced() ? ".forced" : "");
  }
  change.entry.set_rep(change.lead.owner());
  std::vector<v1::Task> tasks;
  ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                   CommitChangeInTxn(txn, std::move(change), &tasks));
  v1::ReviewResponse response;
  *response.mutable_assignment() = committed.entry;
  *response.mutable_lead() = committed.lead.lead();
  for (v1::Task& task : tasks) *response.add_tasks() = std::move(task);
  effects.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
  RETURN_IF_ERROR(
      assign_internal::RecordResponse(txn, kReviewScope, key, fingerprint, response, now_us));
  return response;
}

absl::StatusOr<v1::ReviewResponse> Assigner::Review(const v1::ReviewRequest& request,
                                                    const CallContext& call) {
  RETURN_IF_ERROR(CheckReview(request));
  const std::string fingerprint =
      request.idempotency_key().empty() ? "" : assign_internal::Fingerprint(request);
  const std::shared_ptr<const ActiveRules> rules = RulesForCall();
  Effects effects;
  absl::StatusOr<v1::ReviewResponse> result;
  RETURN_IF_ERROR(storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(call.CheckDeadline());
        result = ReviewInTxn(txn, request, fingerprint, *rules, absl::ToUnixMicros(clock().Now()),
                             effects);
        return result.status();
      },
      call.principal));
  effects.Apply();
  spdlog::info("review lead={} decision={} owner={} actor={} replayed={}", request.lead(),
               v1::ReviewDecision_Name(request.decision()), result->lead().owner(), request.actor(),
               result->replayed());
  return result;
}

absl::StatusOr<int> Assigner::ExpireReviews() {
  const absl::Duration timeout = options_.review_timeout;
  if (timeout <= absl::ZeroDuration()) return 0;
  const int64_t timeout_us = absl::ToInt64Microseconds(timeout);
  const int64_t now_us = absl::ToUnixMicros(clock().Now());
  // Only what is due (and not escalated yet) goes to the writer; each is checked again there.
  const auto due = [&](const v1::Lead& lead) {
    return lead.state() == v1::LEAD_STATE_PENDING_REVIEW && lead.has_review_since() &&
           !lead.has_review_escalate_time() &&
           TimeUtil::TimestampToMicroseconds(lead.review_since()) + timeout_us <= now_us;
  };
  std::vector<std::string> expired;
  {
    storage::DatabaseView view(storage_.database());
    RETURN_IF_ERROR(storage::ScanLeadIndex(
        view, storage::LeadIndex::kState,
        storage::LeadStateIndexValue(v1::LEAD_STATE_PENDING_REVIEW), 0,
        std::numeric_limits<int64_t>::max(), std::nullopt,
        [&](const storage::LeadIndexPosition& position) -> absl::StatusOr<bool> {
          ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                           storage::ReadLead(view, position.lead));
          if (stored.has_value() && due(stored->lead())) expired.push_back(position.lead);
          return expired.size() < kMaxExpiredPerRun;
        }));
  }
  int handled = 0;
  for (const std::string& lead_name : expired) {
    const std::shared_ptr<const ActiveRules> rules = rules_.Active();
    Effects effects;
    bool changed = false;
    RETURN_IF_ERROR(storage_.commits().CommitOrRollBack(
        [&](storage::WriteTxn& txn) -> absl::StatusOr<storage::MutationResult> {
          effects.after_commit.clear();
          changed = false;
          ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                           storage::ReadLead(txn, lead_name));
          if (!stored.has_value() || !due(stored->lead())) {
            return storage::MutationResult::kRollBack;  // reviewed meanwhile
          }
          v1::Lead lead = stored->lead();
          const std::string reason =
              absl::StrCat("waited for review longer than ", absl::FormatDuration(timeout));
          RETURN_IF_ERROR(storage::AppendReviewExpiredEvent(
              txn, lead,
              storage::EventContext{now_us, kTimeoutActor, reason, rules->version, "",
                                    v1::ASSIGNMENT_KIND_UNSPECIFIED}));
          if (options_.review_timeout_action == ReviewTimeoutAction::kEscalate) {
            *lead.mutable_review_escalate_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
            RETURN_IF_ERROR(
                storage::PutLead(
                    txn, lead,
                    storage::ChangeInfo{kTimeoutActor, "lead.review.escalate", reason, "", now_us})
                    .status());
            changed = true;
            return storage::MutationResult::kCommit;
          }
          ASSIGN_OR_RETURN(const storage::NextEntry next,
                           storage::NextAssignment(txn, lead.name()));
          storage::AssignmentChange change;
          change.sequence = next.sequence;
          change.lead = std::move(lead);
          if (options_.review_timeout_action == ReviewTimeoutAction::kApprove) {
            change.entry = assign_internal::NewEntry(v1::ASSIGNMENT_KIND_REVIEW, rules->version,
                                                     kTimeoutActor, reason, now_us);
            RETURN_IF_ERROR(ApproveInTxn(txn, kTimeoutActor, reason, now_us, change));
          } else {
            change.entry = assign_internal::NewEntry(v1::ASSIGNMENT_KIND_RELEASE, rules->version,
                                                     kTimeoutActor, reason, now_us);
            RejectToNoOne(kTimeoutActor, reason, now_us, change);
          }
          change.entry.set_rep(change.lead.owner());
          ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                           CommitChangeInTxn(txn, std::move(change)));
          effects.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
          changed = true;
          return storage::MutationResult::kCommit;
        }));
    effects.Apply();
    if (changed) ++handled;
  }
  if (handled > 0) {
    spdlog::info("review_timeout expired={} action={}", handled,
                 ReviewTimeoutActionName(options_.review_timeout_action));
  }
  return handled;
}

}  // namespace leadrouter::server
