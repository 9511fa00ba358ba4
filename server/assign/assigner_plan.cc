// Assigner::CommitChangeInTxn: what a change of owner starts and ends. Every history entry the
// Assigner writes goes through it, so no path can give a lead an owner without its SLA chain and
// tasks, or take the owner away and leave them running.

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/plan_proto.h"
#include "server/api/validation.h"
#include "server/assign/assigner.h"
#include "server/assign/internal/assigner_internal.h"
#include "server/assign/lead_lifecycle.h"
#include "storage/event_log.h"
#include "storage/lead_store.h"
#include "storage/rep_store.h"
#include "storage/task_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

bool HasRunningOwner(const v1::Lead& lead) {
  return !lead.owner().empty() && IsOwnedOpen(lead.state());
}

}  // namespace

dsl::WorkSchedule AroundTheClock() {
  static const dsl::WorkSchedule* const kAlways = [] {
    absl::StatusOr<dsl::WorkSchedule> schedule =
        dsl::ParseWorkSchedule("UTC", "mon-sun 00:00-24:00");
    return new dsl::WorkSchedule(*std::move(schedule));
  }();
  return *kAlways;
}

absl::StatusOr<dsl::WorkSchedule> Assigner::ScheduleOf(const storage::ReadView& view,
                                                       const std::string& rep) const {
  ASSIGN_OR_RETURN(const std::optional<storage::RepRecord> record, storage::ReadRep(view, rep));
  if (!record.has_value() || !record->rep().has_schedule()) return options_.default_schedule;
  absl::StatusOr<dsl::WorkSchedule> schedule =
      FromWorkScheduleProto(record->rep().schedule(), "rep.schedule");
  if (!schedule.ok()) {
    // Upsert checked it; a stored schedule that no longer reads is damage, not the caller's.
    return absl::DataLossError(
        absl::StrCat("stored schedule of ", rep, ": ", schedule.status().message()));
  }
  return schedule;
}

absl::StatusOr<storage::CommittedAssignment> Assigner::CommitChangeInTxn(
    storage::WriteTxn& txn, storage::AssignmentChange change, std::vector<v1::Task>* tasks) {
  const int64_t now_us = change.change.now_us;
  v1::Lead& lead = change.lead;
  v1::Assignment& entry = change.entry;
  ASSIGN_OR_RETURN(const std::optional<storage::LeadRecord> before,
                   storage::ReadLead(txn, lead.name()));
  const bool had_owner = before.has_value() && HasRunningOwner(before->lead());
  const bool has_owner = HasRunningOwner(lead);
  const bool same_owner = before.has_value() && before->lead().owner() == lead.owner();
  const bool starts = has_owner && !(had_owner && same_owner);
  const bool ends = had_owner && !(has_owner && same_owner);

  std::optional<dsl::AssignmentPlan> plan;
  if (starts) {
    const bool own_sla = entry.has_sla() && entry.sla().steps_size() > 0;
    v1::Sla sla = own_sla ? entry.sla() : ToSlaProto(options_.default_sla, true);
    ASSIGN_OR_RETURN(const dsl::SlaPolicy policy, FromSlaProto(sla));
    ASSIGN_OR_RETURN(const std::vector<dsl::FollowupStep> followup,
                     FromFollowUpPlanProto(entry.followup_plan()));
    ASSIGN_OR_RETURN(const dsl::WorkSchedule schedule, ScheduleOf(txn, lead.owner()));
    absl::StatusOr<dsl::AssignmentPlan> planned = dsl::PlanSteps(
        policy, followup, absl::FromUnixMicros(now_us), schedule, options_.work_time_limits);
    if (!planned.ok()) {
      return Precondition("SCHEDULE_WITHOUT_WORKING_TIME", lead.owner(),
                          absl::StrCat("cannot plan ", lead.name(), " for ", lead.owner(), ": ",
                                       planned.status().message()));
    }
    plan = *std::move(planned);
    lead.clear_sla_steps();
    lead.clear_sla_stop_time();
    for (const dsl::DueSlaStep& due : plan->sla) {
      v1::SlaStep& step = *sla.mutable_steps(static_cast<int>(due.index));
      *step.mutable_due_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(due.due));
      *lead.add_sla_steps() = step;
    }
    *entry.mutable_sla() = std::move(sla);
    if (lead.sla_steps_size() > 0) {
      *entry.mutable_sla_deadline() = lead.sla_steps(0).due_time();
      *lead.mutable_sla_deadline() = lead.sla_steps(0).due_time();
    }
  } else if (!has_owner) {
    if (IsClosedState(lead.state())) {
      // A closed lead keeps its chain for the record; nothing of it is applied any more.
      if (lead.sla_steps_size() > 0 && !lead.has_sla_stop_time()) {
        *lead.mutable_sla_stop_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
      }
    } else {
      lead.clear_sla_steps();
      lead.clear_sla_stop_time();
    }
    lead.clear_sla_deadline();
  }
  if (ends) {
    RETURN_IF_ERROR(CancelOpenTasks(txn, lead.name(), now_us));
  }

  ASSIGN_OR_RETURN(storage::CommittedAssignment committed,
                   storage::CommitAssignment(txn, std::move(change)));
  if (!plan.has_value()) return committed;
  const v1::Lead& stored = committed.lead.lead();
  const storage::EventContext context{now_us,
                                      committed.entry.actor(),
                                      "",
                                      committed.entry.rule_version(),
                                      committed.entry.name(),
                                      committed.entry.kind()};
  for (const dsl::DueTask& due : plan->tasks) {
    ASSIGN_OR_RETURN(const uint64_t sequence, storage::NextTaskSequence(txn));
    v1::Task task;
    task.set_name(storage::TaskName(stored.name(), sequence));
    task.set_lead(stored.name());
    task.set_rep(stored.owner());
    task.set_kind(v1::TASK_KIND_PLAN_STEP);
    task.set_channel(ChannelFromName(due.channel).value_or(v1::CHANNEL_UNSPECIFIED));
    task.set_channel_name(due.channel);
    *task.mutable_due_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(due.due));
    task.set_state(v1::TASK_STATE_OPEN);
    task.set_step(static_cast<int32_t>(due.index) + 1);
    task.set_assignment(committed.entry.name());
    if (committed.entry.has_rule()) *task.mutable_rule() = committed.entry.rule();
    *task.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    RETURN_IF_ERROR(storage::PutTask(txn, sequence, task));
    RETURN_IF_ERROR(storage::AppendTaskEvent(txn, v1::EVENT_KIND_TASK_CREATED, task, context));
    if (tasks != nullptr) tasks->push_back(std::move(task));
  }
  return committed;
}

absl::Status Assigner::CancelOpenTasks(storage::WriteTxn& txn, const std::string& lead,
                                       int64_t now_us) {
  std::vector<std::pair<uint64_t, v1::Task>> open;
  RETURN_IF_ERROR(storage::ListLeadTasks(
      txn, lead, [&](uint64_t sequence, const v1::Task& task) -> absl::StatusOr<bool> {
        if (task.state() == v1::TASK_STATE_OPEN) open.emplace_back(sequence, task);
        return true;
      }));
  for (auto& [sequence, task] : open) {
    task.set_state(v1::TASK_STATE_CANCELLED);
    *task.mutable_close_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
    RETURN_IF_ERROR(storage::PutTask(txn, sequence, task));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Task>> Assigner::CompleteTaskInTxn(storage::WriteTxn& txn,
                                                                    const v1::Lead& lead,
                                                                    const v1::FollowUp& followup,
                                                                    int64_t now_us) {
  std::optional<std::pair<uint64_t, v1::Task>> chosen;
  if (!followup.task().empty()) {
    absl::StatusOr<std::pair<std::string, uint64_t>> parsed =
        storage::ParseTaskName(followup.task());
    if (!parsed.ok()) return InvalidField("followup.task", parsed.status().message());
    if (parsed->first != lead.name()) {
      return InvalidField("followup.task",
                          absl::StrCat(followup.task(), " is not a task of ", lead.name()));
    }
    ASSIGN_OR_RETURN(const std::optional<v1::Task> task,
                     storage::ReadTask(txn, parsed->first, parsed->second));
    if (!task.has_value()) return NotFound(followup.task());
    if (task->state() != v1::TASK_STATE_OPEN) {
      return Precondition(
          "TASK_NOT_OPEN", followup.task(),
          absl::StrCat(followup.task(), " is ", v1::TaskState_Name(task->state()), ", not open"));
    }
    if (task->channel_name() != followup.channel_name()) {
      return InvalidField("followup.task",
                          absl::StrCat(followup.task(), " is on ", task->channel_name(),
                                       ", the follow-up on ", followup.channel_name()));
    }
    chosen.emplace(parsed->second, *task);
  } else {
    if (followup.rep() != lead.owner()) return std::nullopt;
    RETURN_IF_ERROR(storage::ListLeadTasks(
        txn, lead.name(), [&](uint64_t sequence, const v1::Task& task) -> absl::StatusOr<bool> {
          if (task.state() != v1::TASK_STATE_OPEN || task.rep() != lead.owner() ||
              task.channel_name() != followup.channel_name()) {
            return true;
          }
          if (!chosen.has_value() || task.due_time() < chosen->second.due_time()) {
            chosen.emplace(sequence, task);
          }
          return true;
        }));
    if (!chosen.has_value()) return std::nullopt;
  }
  v1::Task& task = chosen->second;
  task.set_state(v1::TASK_STATE_DONE);
  *task.mutable_close_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
  task.set_followup(followup.name());
  RETURN_IF_ERROR(storage::PutTask(txn, chosen->first, task));
  return std::move(task);
}

}  // namespace leadrouter::server
