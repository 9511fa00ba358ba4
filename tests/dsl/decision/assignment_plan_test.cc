// The plan of an assignment: SLA steps and follow-up tasks with due times in the owner's working
// time, the server's default SLA, a new owner's plan, and whether a rule's review applies.
#include "dsl/decision/assignment_plan.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "dsl/base/diagnostics.h"
#include "dsl/compile/compiler.h"
#include "dsl/eval/eval_context.h"
#include "rfc3339.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::At;

std::shared_ptr<const Program> MustCompile(const std::string& text) {
  const SourceFile source("plan.rules", text);
  CompileResult result = Compile(source);
  EXPECT_NE(result.program, nullptr) << RenderText(source, result.diagnostics);
  return result.program;
}

WorkSchedule MustSchedule(const std::string& zone, const std::string& hours) {
  absl::StatusOr<WorkSchedule> schedule = ParseWorkSchedule(zone, hours);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return schedule.ok() ? *schedule : WorkSchedule{};
}

TEST(PlanAssignmentTest, ChainAndTasksInTheOwnersWorkingTime) {
  const auto program = MustCompile(
      "when true\n"
      "  sla 1 working hour then notify, 4 working hours then reassign, 8 working hours then "
      "escalate \"team:managers\"\n"
      "  followup phone within 1h, email within 1 working day, wechat within 3d\n");
  ASSERT_NE(program, nullptr);
  const WorkSchedule new_york = MustSchedule("America/New_York", "mon-fri 09:00-17:00");
  // Friday 15:00 in New York.
  const absl::StatusOr<AssignmentPlan> plan =
      PlanAssignment(program->rules()[0], At("2026-12-04T15:00:00-05:00"), new_york);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_FALSE(plan->default_sla);
  ASSERT_EQ(plan->sla.size(), 3u);
  EXPECT_EQ(plan->sla[0].due, At("2026-12-04T16:00:00-05:00"));
  EXPECT_EQ(plan->sla[0].step.action, SlaAction::kNotify);
  EXPECT_EQ(plan->sla[1].due, At("2026-12-07T11:00:00-05:00"));
  EXPECT_EQ(plan->sla[2].due, At("2026-12-07T15:00:00-05:00"));
  EXPECT_EQ(plan->sla[2].step.target.name, "managers");
  ASSERT_EQ(plan->tasks.size(), 3u);
  EXPECT_EQ(plan->tasks[0].channel, "phone");
  EXPECT_EQ(plan->tasks[0].due, At("2026-12-04T16:00:00-05:00"));  // wall clock
  EXPECT_EQ(plan->tasks[1].due, At("2026-12-07T15:00:00-05:00"));
  EXPECT_EQ(plan->tasks[2].due, At("2026-12-07T15:00:00-05:00"));  // 72 hours later
}

TEST(PlanAssignmentTest, ARuleWithoutSlaGetsTheDefault) {
  const auto program = MustCompile("when true followup phone within 1h\n");
  ASSERT_NE(program, nullptr);
  const absl::StatusOr<AssignmentPlan> plan =
      PlanAssignment(program->rules()[0], At("2026-12-04T15:00:00Z"), WorkSchedule{});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->default_sla);
  ASSERT_EQ(plan->sla.size(), 1u);
  EXPECT_EQ(plan->sla[0].due, At("2026-12-05T15:00:00Z"));  // 24 h, wall clock
  EXPECT_EQ(plan->sla[0].step.action, SlaAction::kNotify);

  PlanOptions options;
  options.default_sla.steps = {
      SlaStep{{}, WorkDuration::WorkingSeconds(2 * 3600), SlaAction::kReassign, {}}};
  const WorkSchedule utc = MustSchedule("UTC", "mon-fri 09:00-17:00");
  const absl::StatusOr<AssignmentPlan> configured =
      PlanAssignment(program->rules()[0], At("2026-12-04T16:00:00Z"), utc, options);
  ASSERT_TRUE(configured.ok()) << configured.status();
  EXPECT_EQ(configured->sla[0].due, At("2026-12-07T10:00:00Z"));
}

TEST(PlanAssignmentTest, ANewOwnerInAnotherZoneGetsNewDueTimes) {
  const auto program = MustCompile("when true sla 2 working hours then reassign\n");
  ASSERT_NE(program, nullptr);
  const Rule& rule = program->rules()[0];
  const WorkSchedule shanghai = MustSchedule("Asia/Shanghai", "mon-fri 09:00-18:00");
  const WorkSchedule new_york = MustSchedule("America/New_York", "mon-fri 09:00-18:00");
  // Reassigned on Tuesday at 17:00 Shanghai time (09:00Z, 04:00 in New York).
  const absl::Time change = At("2026-12-08T09:00:00Z");
  EXPECT_EQ(PlanAssignment(rule, change, shanghai)->sla[0].due,
            At("2026-12-09T02:00:00Z"));  // Wednesday 10:00 CST
  EXPECT_EQ(PlanAssignment(rule, change, new_york)->sla[0].due,
            At("2026-12-08T16:00:00Z"));  // Tuesday 11:00 EST
}

TEST(PlanAssignmentTest, ErrorsNameTheStep) {
  const auto program = MustCompile("when true followup email within 1 working day\n");
  ASSERT_NE(program, nullptr);
  const absl::StatusOr<AssignmentPlan> plan =
      PlanAssignment(program->rules()[0], At("2026-12-04T15:00:00Z"), WorkSchedule{});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(plan.status().message(),
            "follow-up email within 1 working day: the schedule in UTC has no working hours");
}

TEST(NeedsReviewTest, ReviewAndReviewWhen) {
  const auto program = MustCompile(
      "when quality > 90 review\n"
      "when quality > 50 review when value >= 1_000_000\n"
      "when true cap 1/day\n");
  ASSERT_NE(program, nullptr);
  const Record big = program->BindLead({{"quality", 60.0}, {"value", 2'000'000.0}});
  const Record small = program->BindLead({{"quality", 60.0}, {"value", 10.0}});
  EvalContext big_context;
  big_context.lead = &big;
  EvalContext small_context;
  small_context.lead = &small;
  EXPECT_TRUE(NeedsReview(program->rules()[0], small_context));
  EXPECT_TRUE(NeedsReview(program->rules()[1], big_context));
  EXPECT_FALSE(NeedsReview(program->rules()[1], small_context));
  EXPECT_FALSE(NeedsReview(program->rules()[2], big_context));
}

}  // namespace
}  // namespace leadrouter::dsl
