// Assigner::Reassign: a lead moved to whom the rules pick now (by_rule) or to the rep a manager
// names (rep), with its pin set or cleared as the request says.
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dsl/decision/availability.h"
#include "dsl/decision/decision_state.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/explanation_proto.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_fields.h"
#include "storage/assignment_store.h"
#include "storage/counter_store.h"
#include "storage/lead_store.h"
#include "storage/rep_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using assign_internal::kReassignScope;
using google::protobuf::util::TimeUtil;

absl::Status CheckReassign(const v1::ReassignRequest& request) {
  RETURN_IF_ERROR(ParseName(request.lead(), "leads", "lead").status());
  switch (request.target_case()) {
    case v1::ReassignRequest::kByRule:
      if (request.by_rule().exclude_reps_size() > 1000) {
        return InvalidField("by_rule.exclude_reps", "at most 1000 reps");
      }
      for (int i = 0; i < request.by_rule().exclude_reps_size(); ++i) {
        RETURN_IF_ERROR(ParseName(request.by_rule().exclude_reps(i), "reps",
                                  absl::StrCat("by_rule.exclude_reps[", i, "]"))
                            .status());
      }
      break;
    case v1::ReassignRequest::kRep:
      RETURN_IF_ERROR(ParseName(request.rep(), "reps", "rep").status());
      break;
    case v1::ReassignRequest::TARGET_NOT_SET:
      return InvalidField("target", "set by_rule or rep");
  }
  RETURN_IF_ERROR(CheckText(request.actor(), "actor", 128, true));
  RETURN_IF_ERROR(CheckText(request.reason(), "reason", 1024, true));
  return assign_internal::CheckKey(request.idempotency_key(), "idempotency_key");
}

// The stored lead, if a reassign may move it: not closed, not pinned (unless overridden), still at
// the assignment the caller expects.
absl::StatusOr<v1::Lead> MovableLead(const storage::ReadView& view,
                                     const v1::ReassignRequest& request) {
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(view, request.lead()));
  if (!stored.has_value()) return NotFound(request.lead());
  const v1::Lead& lead = stored->lead();
  if (IsClosed(lead)) {
    return Precondition("LEAD_CLOSED", lead.name(),
                        absl::StrCat(lead.name(), " is closed and is never moved"));
  }
  if (IsPinned(lead) && !request.override_pin()) {
    return Precondition("LEAD_PINNED", lead.name(),
                        absl::StrCat(lead.name(), " is pinned to ", lead.owner(), " by ",
                                     lead.pin().actor(), "; pass override_pin to move it"));
  }
  if (!request.expected_assignment().empty() &&
      request.expected_assignment() != lead.current_assignment()) {
    return Aborted(
        "ASSIGNMENT_MISMATCH",
        absl::StrCat(lead.name(), " moved since: its current assignment is ",
                     lead.current_assignment().empty() ? "none" : lead.current_assignment()));
  }
  return lead;
}

// The reps the rules must not pick (bare ids): the current owner, those the request names and,
// with exclude_previous_owners, every rep that ever owned the lead.
absl::StatusOr<std::vector<std::string>> ExcludedReps(const storage::ReadView& view,
                                                      const v1::ReassignRequest& request,
                                                      const v1::Lead& lead) {
  std::vector<std::string> excluded;
  if (!lead.owner().empty()) excluded.push_back(IdOf(lead.owner()));
  for (const std::string& rep : request.by_rule().exclude_reps()) excluded.push_back(IdOf(rep));
  if (request.by_rule().exclude_previous_owners()) {
    RETURN_IF_ERROR(
        storage::ListLeadHistory(view, lead.name(), [&](const storage::HistoryRecord& history) {
          if (!history.assignment().rep().empty()) {
            excluded.push_back(IdOf(history.assignment().rep()));
          }
          return true;
        }));
  }
  return excluded;
}

// The target of a manual reassign as its explanation shows it: picked, and either ranked alone or
// removed for why it is unavailable (then the reassign was forced past it).
v1::CandidateTrace ManualTargetTrace(const std::string& rep_name, const v1::Rep& target,
                                     const std::string& rep_id,
                                     const dsl::Availability& availability) {
  v1::CandidateTrace trace;
  trace.set_rep(rep_name);
  trace.set_display_name(target.display_name().empty() ? rep_id : target.display_name());
  if (availability.available()) {
    trace.mutable_ranked()->set_tie_group(1);
  } else {
    *trace.mutable_removed() = ToRemovalProto(availability);
  }
  trace.set_picked(true);
  return trace;
}

// The full explanation of a manual assignment: no rules ran, the target's trace says why.
v1::Explanation ManualExplanation(const v1::Lead& lead, const std::string& rep_name,
                                  int64_t rule_version, int64_t now_us,
                                  const v1::CandidateTrace& manual) {
  v1::Explanation explanation;
  explanation.set_lead(lead.name());
  explanation.set_rule_version(rule_version);
  explanation.mutable_decide_time()->set_seconds(now_us / 1'000'000);
  *explanation.mutable_lead_snapshot() = InputSnapshot(lead);
  explanation.set_outcome(v1::OUTCOME_ASSIGNED);
  explanation.set_rep(rep_name);
  *explanation.mutable_manual_target() = manual;
  return explanation;
}

// A lead that moved is pinned to its new owner when the request asks, and unpinned otherwise.
void ApplyPin(const v1::ReassignRequest& request, int64_t now_us, v1::Assignment& entry,
              v1::Lead& lead) {
  if (request.pin() && entry.outcome() == v1::OUTCOME_ASSIGNED) {
    v1::Pin* pin = lead.mutable_pin();
    pin->set_actor(request.actor());
    pin->set_reason(request.reason());
    *pin->mutable_pin_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    entry.set_pinned(true);
  } else {
    lead.clear_pin();
  }
}

}  // namespace

absl::StatusOr<bool> Assigner::ReassignByRuleInTxn(storage::WriteTxn& txn,
                                                   const v1::ReassignRequest& request,
                                                   const ActiveRules& rules,
                                                   const std::string& entry_name, int64_t now_us,
                                                   storage::AssignmentChange& change,
                                                   const std::optional<LeadScore>& rescored) {
  v1::Lead& lead = change.lead;
  if (rescored.has_value()) {
    lead.set_score(rescored->score);
    change.entry.set_score(rescored->score);
    change.entry.set_score_model_version(rescored->model_version);
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> excluded, ExcludedReps(txn, request, lead));
  ASSIGN_OR_RETURN(Decided decided,
                   DecideInTxn(txn, rules, lead, excluded, change.sequence, now_us));
  assign_internal::RecordDecision(decided, change.entry);
  change.explanation = std::move(decided.explanation);
  if (decided.picked()) {
    assign_internal::SetDecidedOwner(decided, now_us, lead);
    change.delta = decided.decision.delta;
    change.previous = storage::PreviousCounts::kCreditBack;
    assign_internal::RecordPlan(decided, change.entry);
    return true;
  }
  if (!request.by_rule().release_if_none() || lead.owner().empty()) return false;
  assign_internal::SetDecidedOwner(decided, now_us, lead);
  lead.clear_sla_deadline();
  change.previous = storage::PreviousCounts::kCreditBack;
  lead.set_current_assignment(entry_name);
  return true;
}

absl::Status Assigner::ReassignToRepInTxn(storage::WriteTxn& txn,
                                          const v1::ReassignRequest& request,
                                          const ActiveRules& rules, int64_t now_us,
                                          storage::AssignmentChange& change) {
  const std::string& rep_name = request.rep();
  ASSIGN_OR_RETURN(const std::optional<storage::RepRecord> rep, storage::ReadRep(txn, rep_name));
  if (!rep.has_value()) return NotFound(rep_name);
  const v1::Rep& target = rep->rep();
  if (target.status() == v1::REP_STATUS_OFF) {
    return Precondition("REP_OFF", rep_name,
                        absl::StrCat(rep_name, " is OFF and may not receive leads"));
  }
  const std::string rep_id = IdOf(rep_name);
  const dsl::PeriodIds periods = options_.calendar.Locate(now_us / 1'000'000);
  dsl::RepCounters counters;
  const std::string_view ids[] = {rep_id};
  RETURN_IF_ERROR(storage::StoredDecisionState(txn).ReadRepCounters(ids, periods, {&counters, 1}));
  // Available as the decision would judge it (an OFF rep was refused above).
  const dsl::Availability availability = dsl::CheckAvailability(ToRepInfo(target), counters);
  const std::string unavailable = dsl::AvailabilityMessage(availability);
  v1::Assignment& entry = change.entry;
  if (availability.available()) {
    change.change.action = "lead.manual_assign";
  } else {
    if (!request.force()) {
      return Precondition("REP_UNAVAILABLE", rep_name,
                          absl::StrCat(rep_name, " is unavailable (", unavailable,
                                       "); pass force to assign anyway"));
    }
    entry.set_forced(true);
    change.change.action = "lead.manual_assign.forced";
    change.change.detail = absl::StrCat(request.reason(), " [forced past: ", unavailable, "]");
  }
  entry.set_outcome(v1::OUTCOME_ASSIGNED);
  entry.mutable_explanation()->set_text(
      absl::StrCat("manual assignment to ", rep_name, " by ", request.actor(),
                   entry.forced() ? absl::StrCat(" (forced past: ", unavailable, ")") : ""));
  entry.mutable_explanation()->set_candidates(1);
  v1::Lead& lead = change.lead;
  lead.set_owner(rep_name);
  lead.set_state(v1::LEAD_STATE_OPEN);
  lead.clear_first_contact_time();  // the new owner has not contacted it yet
  lead.clear_sla_deadline();
  assign_internal::ClearReview(lead);
  change.delta = dsl::ManualAssignmentDelta(
      rep_id, periods, lead.has_quality() ? std::optional<double>(lead.quality()) : std::nullopt);
  change.previous = storage::PreviousCounts::kCreditBack;
  change.explanation =
      storage::Built(ManualExplanation(lead, rep_name, rules.version, now_us,
                                       ManualTargetTrace(rep_name, target, rep_id, availability)));
  return absl::OkStatus();
}

absl::StatusOr<v1::ReassignResponse> Assigner::ReassignInTxn(
    storage::WriteTxn& txn, const v1::ReassignRequest& request, const std::string& fingerprint,
    const ActiveRules& rules, int64_t now_us, Effects& effects,
    const std::optional<LeadScore>& rescored) {
  const std::string& key = request.idempotency_key();
  ASSIGN_OR_RETURN(std::optional<v1::ReassignResponse> replay,
                   assign_internal::Replay<v1::ReassignResponse>(txn, kReassignScope, key,
                                                                 fingerprint, "reassign request"));
  if (replay.has_value()) return *std::move(replay);
  storage::AssignmentChange change;
  ASSIGN_OR_RETURN(change.lead, MovableLead(txn, request));
  ASSIGN_OR_RETURN(const storage::NextEntry next, storage::NextAssignment(txn, change.lead.name()));
  change.sequence = next.sequence;
  change.entry = assign_internal::NewEntry(
      request.has_by_rule() ? v1::ASSIGNMENT_KIND_REASSIGN : v1::ASSIGNMENT_KIND_MANUAL,
      rules.version, request.actor(), request.reason(), now_us);
  change.change =
      storage::ChangeInfo{request.actor(), "lead.reassign", request.reason(), "", now_us};
  bool moved = true;
  if (request.has_by_rule()) {
    ASSIGN_OR_RETURN(moved,
                     ReassignByRuleInTxn(txn, request, rules, next.name, now_us, change, rescored));
  } else {
    RETURN_IF_ERROR(ReassignToRepInTxn(txn, request, rules, now_us, change));
  }
  if (moved) ApplyPin(request, now_us, change.entry, change.lead);
  change.entry.set_rep(change.lead.owner());
  std::vector<v1::Task> tasks;
  ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                   CommitChangeInTxn(txn, std::move(change), &tasks));
  v1::ReassignResponse response;
  *response.mutable_assignment() = committed.entry;
  *response.mutable_lead() = committed.lead.lead();
  for (v1::Task& task : tasks) *response.add_tasks() = std::move(task);
  effects.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
  RETURN_IF_ERROR(
      assign_internal::RecordResponse(txn, kReassignScope, key, fingerprint, response, now_us));
  return response;
}

absl::StatusOr<v1::ReassignResponse> Assigner::Reassign(const v1::ReassignRequest& request,
                                                        const CallContext& call) {
  RETURN_IF_ERROR(CheckReassign(request));
  const std::string fingerprint =
      request.idempotency_key().empty() ? "" : assign_internal::Fingerprint(request);

  std::optional<LeadScore> rescored;
  if (request.has_by_rule()) {
    ASSIGN_OR_RETURN(rescored, RescoreStoredLead(request.lead()));
  }
  const std::shared_ptr<const ActiveRules> rules = RulesForCall();
  Effects effects;
  absl::StatusOr<v1::ReassignResponse> result;
  RETURN_IF_ERROR(storage_.commits().Commit(
      [&](storage::WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(call.CheckDeadline());
        result = ReassignInTxn(txn, request, fingerprint, *rules, absl::ToUnixMicros(clock().Now()),
                               effects, rescored);
        return result.status();
      },
      call.principal));
  effects.Apply();
  spdlog::info("reassign lead={} rep={} previous={} kind={} outcome={} forced={} actor={}",
               request.lead(), result->assignment().rep(), result->assignment().previous_rep(),
               v1::AssignmentKind_Name(result->assignment().kind()),
               v1::Outcome_Name(result->assignment().outcome()), result->assignment().forced(),
               request.actor());
  return result;
}

}  // namespace leadrouter::server
