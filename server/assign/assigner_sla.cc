// Assigner::SweepDue: the SLA sweeper. It reads the due index (storage/due_index.h) up to now and
// applies each row in a mutation that deletes the row, so a step is applied once whatever crashes
// or restarts happen around it: before the commit the row is still there and the step is done at
// the next run; after it the row is gone.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dsl/base/escalation_target.h"
#include "dsl/base/status_macros.h"
#include "dsl/decision/availability.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/dsl_binding.h"
#include "server/api/errors.h"
#include "server/api/plan_proto.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "storage/assignment_store.h"
#include "storage/counter_store.h"
#include "storage/event_log.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"
#include "storage/rep_store.h"
#include "storage/span_facts.h"
#include "storage/task_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

constexpr char kSlaActor[] = "system:sla";

// The pending step of `lead` that `item` is the row of; nullptr when the row is stale.
v1::SlaStep* StepOf(v1::Lead& lead, const storage::DueItem& item) {
  for (v1::SlaStep& step : *lead.mutable_sla_steps()) {
    if (static_cast<uint64_t>(step.index()) == item.id && storage::SlaStepPending(lead, step) &&
        TimeUtil::TimestampToMicroseconds(step.due_time()) == item.due_us) {
      return &step;
    }
  }
  return nullptr;
}

std::string StepText(const v1::SlaStep& step) {
  const char* unit = step.unit() == v1::DURATION_UNIT_WORKING_DAYS      ? " working days"
                     : step.unit() == v1::DURATION_UNIT_WORKING_SECONDS ? " working seconds"
                                                                        : "s";
  return absl::StrCat("sla step ", step.index() + 1, " (", step.after(), unit, ")");
}

}  // namespace

absl::StatusOr<int> Assigner::SweepDue(size_t max_items) {
  const int64_t now_us = absl::ToUnixMicros(clock().Now());
  std::vector<storage::DueItem> due;
  {
    storage::DatabaseView view(storage_.database());
    ASSIGN_OR_RETURN(due, storage::ListDue(view, now_us, max_items));
  }
  int handled = 0;
  for (const storage::DueItem& item : due) {
    const std::shared_ptr<const ActiveRules> rules = rules_.Active();
    Effects effects;
    bool acted = false;
    const absl::Status status = storage_.commits().CommitOrRollBack(
        [&](storage::WriteTxn& txn) -> absl::StatusOr<storage::MutationResult> {
          effects.after_commit.clear();
          acted = false;
          ASSIGN_OR_RETURN(const bool present, storage::HasDue(txn, item));
          if (!present) return storage::MutationResult::kRollBack;  // done meanwhile
          RETURN_IF_ERROR(storage::DeleteDue(txn, item));
          ASSIGN_OR_RETURN(acted, ApplyDueInTxn(txn, item, *rules, now_us, effects));
          return storage::MutationResult::kCommit;
        });
    if (!status.ok()) {
      // The row stays: the next run tries again. Other rows are not held up by this one.
      spdlog::error("sla_sweep lead={} kind={} id={}: {}", item.lead, static_cast<int>(item.kind),
                    item.id, status.ToString());
      continue;
    }
    effects.Apply();
    if (acted) ++handled;
  }
  if (handled > 0) spdlog::info("sla_sweep handled={} due={}", handled, due.size());
  return handled;
}

absl::StatusOr<bool> Assigner::ApplyDueInTxn(storage::WriteTxn& txn, const storage::DueItem& item,
                                             const ActiveRules& rules, int64_t now_us,
                                             Effects& effects) {
  if (item.kind == storage::DueKind::kSlaStep) {
    return ApplySlaStepInTxn(txn, item, rules, now_us, effects);
  }
  ASSIGN_OR_RETURN(const std::optional<v1::Task> task, storage::ReadTask(txn, item.lead, item.id));
  if (!task.has_value() || task->state() != v1::TASK_STATE_OPEN) return false;
  RETURN_IF_ERROR(storage::AppendTaskEvent(
      txn, v1::EVENT_KIND_TASK_OVERDUE, *task,
      storage::EventContext{now_us, kSlaActor, "due without the follow-up that completes it",
                            rules.version, task->assignment(), v1::ASSIGNMENT_KIND_UNSPECIFIED}));
  return true;
}

absl::StatusOr<bool> Assigner::ApplySlaStepInTxn(storage::WriteTxn& txn,
                                                 const storage::DueItem& item,
                                                 const ActiveRules& rules, int64_t now_us,
                                                 Effects& effects) {
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> stored,
                   storage::ReadLead(txn, item.lead));
  if (!stored.has_value()) return false;
  v1::Lead lead = stored->lead();
  v1::SlaStep* found = StepOf(lead, item);
  if (found == nullptr) return false;  // a row the lead no longer has (cannot happen: PutLead)
  *found->mutable_apply_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  const v1::SlaStep step = *found;
  const std::string late = lead.owner();
  const std::string missed =
      absl::StrCat(late, " missed ", StepText(step), ", due ", TimeUtil::ToString(step.due_time()));
  storage::EventContext context{now_us,        kSlaActor, missed,
                                rules.version, "",        v1::ASSIGNMENT_KIND_UNSPECIFIED};

  // The step changes the lead in place (notify, or a move that could not happen): its result is
  // on the lead, and the event says what happened.
  const auto record_in_place = [&](v1::EventKind kind, const std::string& result) -> absl::Status {
    found->set_result(result);
    context.reason = absl::StrCat(missed, ": ", result);
    *lead.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    RETURN_IF_ERROR(
        storage::PutLead(
            txn, lead, storage::ChangeInfo{kSlaActor, "lead.sla_step", context.reason, "", now_us})
            .status());
    return storage::AppendSlaStepEvent(txn, kind, lead, step, context);
  };

  if (step.action() == v1::SLA_ACTION_NOTIFY) {
    RETURN_IF_ERROR(record_in_place(v1::EVENT_KIND_SLA_WARNING, absl::StrCat("reminded ", late)));
    return true;
  }
  const v1::EventKind kind = step.action() == v1::SLA_ACTION_REASSIGN
                                 ? v1::EVENT_KIND_SLA_BREACHED
                                 : v1::EVENT_KIND_SLA_ESCALATED;
  // A breach of the owner's span whether the lead then moves or stays (pinned, nobody qualifies).
  RETURN_IF_ERROR(storage::CountSpanBreach(txn, *stored, step.action()));
  if (lead.has_pin()) {
    RETURN_IF_ERROR(record_in_place(
        kind, absl::StrCat("pinned to ", late, " by ", lead.pin().actor(), ": not moved")));
    return true;
  }

  ASSIGN_OR_RETURN(const storage::NextEntry next, storage::NextAssignment(txn, lead.name()));
  storage::AssignmentChange change;
  change.sequence = next.sequence;
  change.lead = lead;
  change.entry = assign_internal::NewEntry(v1::ASSIGNMENT_KIND_SLA_BREACH, rules.version, kSlaActor,
                                           absl::StrCat("sla_breach: ", missed), now_us);
  change.change =
      storage::ChangeInfo{kSlaActor, "lead.sla_breach", change.entry.reason(), "", now_us};
  bool moved = false;
  std::string result;
  if (step.action() == v1::SLA_ACTION_REASSIGN) {
    v1::ReassignRequest request;
    request.set_lead(lead.name());
    request.mutable_by_rule()->set_exclude_previous_owners(true);
    request.set_actor(kSlaActor);
    request.set_reason(change.entry.reason());
    if (rules.program == nullptr) {
      result = "no rule version is published: the lead stays";
    } else {
      ASSIGN_OR_RETURN(moved, ReassignByRuleInTxn(txn, request, rules, next.name, now_us, change));
      result = moved ? absl::StrCat("reassigned to ", change.lead.owner())
                     : absl::StrCat("no rep who never owned the lead qualifies (",
                                    change.entry.explanation().text(), "): it stays with ", late);
    }
  } else {
    dsl::EscalationTarget target;
    if (!step.target().empty()) {
      absl::StatusOr<dsl::EscalationTarget> parsed = dsl::ParseEscalationTarget(step.target());
      if (!parsed.ok()) {
        return absl::DataLossError(absl::StrCat("stored escalation target of ", lead.name(), ": ",
                                                parsed.status().message()));
      }
      target = *std::move(parsed);
    }
    if (target.kind == dsl::EscalationTarget::Kind::kDefault) target = options_.escalation_target;
    ASSIGN_OR_RETURN(result, EscalateInTxn(txn, target, rules, now_us, change, moved));
  }
  if (!moved) {
    RETURN_IF_ERROR(record_in_place(kind, result));
    return true;
  }
  // The event of the breach first, then the move's own (REASSIGNED).
  context.reason = absl::StrCat(missed, ": ", result);
  RETURN_IF_ERROR(storage::AppendSlaStepEvent(txn, kind, lead, step, context));
  change.entry.set_rep(change.lead.owner());
  ASSIGN_OR_RETURN(const storage::CommittedAssignment committed,
                   CommitChangeInTxn(txn, std::move(change)));
  effects.after_commit.push_back(UpdateQueueAfter(committed, next.sequence));
  return true;
}

absl::StatusOr<std::string> Assigner::EscalateInTxn(storage::WriteTxn& txn,
                                                    const dsl::EscalationTarget& target,
                                                    const ActiveRules& rules, int64_t now_us,
                                                    storage::AssignmentChange& change,
                                                    bool& moved) {
  moved = false;
  const std::string owner = change.lead.owner();
  std::string rep_name;
  switch (target.kind) {
    case dsl::EscalationTarget::Kind::kDefault:
      return std::string(
          "no escalation target is configured (leadrouterd --escalation-target): the lead stays");
    case dsl::EscalationTarget::Kind::kRep: {
      rep_name = RepName(target.name);
      ASSIGN_OR_RETURN(const std::optional<storage::RepRecord> rep,
                       storage::ReadRep(txn, rep_name));
      if (!rep.has_value()) return absl::StrCat(rep_name, " does not exist: the lead stays");
      if (rep->rep().status() == v1::REP_STATUS_OFF) {
        return absl::StrCat(rep_name, " is OFF: the lead stays");
      }
      break;
    }
    case dsl::EscalationTarget::Kind::kTeam: {
      // The team's ACTIVE rep with the fewest open leads (then by name), the late owner aside.
      std::vector<std::string> names;
      RETURN_IF_ERROR(storage::ListReps(txn, "", [&](const storage::RepRecord& record) {
        const v1::Rep& rep = record.rep();
        if (rep.team() == target.name && rep.status() == v1::REP_STATUS_ACTIVE &&
            rep.name() != owner) {
          names.push_back(rep.name());
        }
        return true;
      }));
      if (names.empty()) {
        return absl::StrCat("team ", target.name, " has no other ACTIVE rep: the lead stays");
      }
      std::vector<std::string> ids;
      for (const std::string& name : names) ids.push_back(IdOf(name));
      std::vector<std::string_view> views(ids.begin(), ids.end());
      std::vector<dsl::RepCounters> counters(ids.size());
      RETURN_IF_ERROR(storage::StoredDecisionState(txn).ReadRepCounters(
          views, options_.calendar.Locate(now_us / 1'000'000), counters));
      size_t best = 0;
      for (size_t i = 1; i < names.size(); ++i) {
        if (counters[i].open < counters[best].open) best = i;
      }
      rep_name = names[best];
      break;
    }
  }
  if (rep_name == owner) return absl::StrCat(owner, " already owns the lead: it stays");
  // An escalation is not a routine assignment: it goes past the target's caps.
  v1::ReassignRequest manual;
  manual.set_lead(change.lead.name());
  manual.set_rep(rep_name);
  manual.set_force(true);
  manual.set_actor(kSlaActor);
  manual.set_reason(change.entry.reason());
  RETURN_IF_ERROR(ReassignToRepInTxn(txn, manual, rules, now_us, change));
  moved = true;
  return absl::StrCat("escalated to ", rep_name);
}

}  // namespace leadrouter::server
