#include "dsl/decision/assignment_plan.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"
#include "dsl/decision/rule_eval.h"

namespace leadrouter::dsl {
namespace {

absl::Status Naming(std::string_view what, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(Piece(what), ": ", status.message()));
}

}  // namespace

SlaPolicy DefaultSlaPolicy() {
  SlaPolicy policy;
  policy.steps.push_back(SlaStep{{}, WorkDuration::WallClock(24 * 3600), SlaAction::kNotify, {}});
  return policy;
}

absl::StatusOr<AssignmentPlan> PlanAssignment(const Rule& rule, absl::Time start,
                                              const WorkSchedule& owner,
                                              const PlanOptions& options) {
  ASSIGN_OR_RETURN(AssignmentPlan plan, PlanSteps(rule.sla ? *rule.sla : options.default_sla,
                                                  rule.followup, start, owner, options.limits));
  plan.default_sla = !rule.sla.has_value();
  return plan;
}

absl::StatusOr<AssignmentPlan> PlanSteps(const SlaPolicy& sla,
                                         const std::vector<FollowupStep>& followup,
                                         absl::Time start, const WorkSchedule& owner,
                                         const WorkTimeLimits& limits) {
  AssignmentPlan plan;
  for (size_t i = 0; i < sla.steps.size(); ++i) {
    const SlaStep& step = sla.steps[i];
    absl::StatusOr<absl::Time> due = Deadline(start, step.after, owner, limits);
    if (!due.ok()) {
      return Naming(absl::StrCat("sla step ", i + 1, " (", WorkDurationText(step.after), ")"),
                    due.status());
    }
    plan.sla.push_back(DueSlaStep{i, step, *due});
  }
  for (size_t i = 0; i < followup.size(); ++i) {
    const FollowupStep& step = followup[i];
    absl::StatusOr<absl::Time> due = Deadline(start, step.within, owner, limits);
    if (!due.ok()) {
      return Naming(
          absl::StrCat("follow-up ", step.channel, " within ", WorkDurationText(step.within)),
          due.status());
    }
    plan.tasks.push_back(DueTask{i, step.channel, step.within, *due});
  }
  return plan;
}

bool NeedsReview(const Rule& rule, const EvalContext& context) {
  if (!rule.review) return false;
  return !rule.review->when || Holds(*rule.review->when, context);
}

}  // namespace leadrouter::dsl
