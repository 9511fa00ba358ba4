// What an assignment starts, with due times: the SLA steps of the deciding rule (or the server's
// default SLA) and the tasks of its follow-up plan, computed in the owner's working time. Pure:
// the caller (the server) stores the result; nothing here reads a clock or a file.
//
//   ASSIGN_OR_RETURN(AssignmentPlan plan, PlanAssignment(rule, assigned_at, owner_schedule));
//   for (const DueSlaStep& step : plan.sla) ...   // store step.due, indexed by due time
//   for (const DueTask& task : plan.tasks) ...    // a task per channel, due task.due
//
// When the lead changes owner, call PlanAssignment again with the time of the change and the new
// owner's schedule: the SLA clock and the plan's tasks start again from then for the new owner
// (which steps or tasks were already done is the caller's record, not this function's).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dsl/compile/program.h"
#include "dsl/decision/working_time.h"
#include "dsl/eval/eval_context.h"

namespace leadrouter::dsl {

// The SLA of a rule without `sla`: one step, 24 hours (wall-clock) then notify.
SlaPolicy DefaultSlaPolicy();

struct PlanOptions {
  // The server's default SLA, for rules without `sla`: its configured one, at least one step, in
  // the order and with the checks of a rule's `sla` (the caller's configuration check).
  // Default: DefaultSlaPolicy(), `sla 24h then notify`
  SlaPolicy default_sla = DefaultSlaPolicy();
  // Bounds of the working-time search (dsl/decision/working_time.h).
  WorkTimeLimits limits;
};

// One SLA step with its due time.
struct DueSlaStep {
  size_t index = 0;  // position in the chain, from 0
  SlaStep step;
  absl::Time due;
};

// One task of the follow-up plan with its due time.
struct DueTask {
  size_t index = 0;  // position in the plan, from 0
  std::string channel;
  WorkDuration within;
  absl::Time due;
};

struct AssignmentPlan {
  // True when the rule has no `sla` and `sla` holds PlanOptions::default_sla's steps.
  bool default_sla = false;
  // In chain order; due times strictly increase (the checker orders the steps).
  std::vector<DueSlaStep> sla;
  // In plan order.
  std::vector<DueTask> tasks;
};

// The plan of an assignment by `rule` at `start` to an owner working on `owner`. Errors are
// Deadline's (dsl/decision/working_time.h): FailedPrecondition when a working duration meets a
// schedule without working time, OutOfRange when a due time is beyond the search limit; the
// message names the step or task.
absl::StatusOr<AssignmentPlan> PlanAssignment(const Rule& rule, absl::Time start,
                                              const WorkSchedule& owner,
                                              const PlanOptions& options = {});

// The same for an SLA and a follow-up plan given apart from their rule (a proposal's, stored with
// it until its approval); `default_sla` is left false.
absl::StatusOr<AssignmentPlan> PlanSteps(const SlaPolicy& sla,
                                         const std::vector<FollowupStep>& followup,
                                         absl::Time start, const WorkSchedule& owner,
                                         const WorkTimeLimits& limits = {});

// Whether an assignment by `rule` waits for review: the rule has `review`, and its `when` (if
// any) holds for context.lead. Reads no rep.
bool NeedsReview(const Rule& rule, const EvalContext& context);

}  // namespace leadrouter::dsl
