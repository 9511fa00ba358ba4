// After the assignment, through real gRPC with a simulated clock: SLA chains applied by the
// sweeper (notify, reassign without any earlier owner, escalate to a team), stopped by the owner's
// first follow-up, exactly once across a restart; deadlines in the owner's working time (a
// weekend, both daylight-saving changes in America/New_York, a rep in Asia/Shanghai while the
// server runs in UTC); follow-up plans as tasks that complete, go overdue and are cancelled;
// ListTasks; and 10,000 deadlines due in the same second.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/api/clock.h"
#include "status_matchers.h"
#include "storage/counter_recovery.h"
#include "storage/database.h"
#include "storage/due_index.h"
#include "storage/read_view.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;

// "chain" leads run a three-step chain; "escalate" leads go to the managers after an hour;
// "plan" leads get follow-up tasks; anything else gets the server's default SLA (24h notify).
constexpr char kRules[] = R"(rule "chain"
  when source == "chain"
  team "sales"
  sla 15m then notify, 1h then reassign, 4h then escalate "team:managers"
  distribute round_robin

rule "escalate"
  when source == "escalate"
  team "sales"
  sla 1h then escalate "team:managers"
  distribute round_robin

rule "plan"
  when source == "plan"
  team "sales"
  followup phone within 1h, email within 1 working day
  distribute round_robin

rule "working"
  when source == "working"
  team "sales"
  sla 2 working hours then notify
  distribute round_robin

otherwise team "sales" distribute round_robin
)";
constexpr char kReps[] =
    "id,name,team,status,level\nana,Ana,sales,active,1\nben,Ben,sales,active,1\n"
    "max,Max,managers,active,9\nmia,Mia,managers,active,9\n";

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);  // 2027-01-15 08:00 UTC, a Friday

absl::Time Utc(const char* rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) << error;
  return t;
}

class SlaTest : public ::testing::Test {
 protected:
  SlaTest()
      : clock_(kStart),
        server_({.rules = kRules, .reps_csv = kReps, .configure = [this](server::ServerOptions& o) {
                   o.clock = &clock_;
                   o.sla_sweep_interval = std::chrono::milliseconds(0);  // the test sweeps
                 }}) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  v1::AssignResponse MustAssign(const std::string& id, const std::string& source) {
    v1::AssignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(MakeLead(id, source, 50)), &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  int Sweep() {
    absl::StatusOr<int> handled = server_.server().SweepDue();
    EXPECT_TRUE(handled.ok()) << handled.status();
    return handled.value_or(-1);
  }
  v1::GetLeadResponse GetLead(const std::string& name) {
    v1::GetLeadRequest request;
    request.set_name(name);
    v1::GetLeadResponse response;
    EXPECT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().GetLead(c, request, &response);
                    })
                    .ok());
    return response;
  }
  grpc::Status FollowUp(const std::string& lead, const std::string& rep, v1::Channel channel,
                        v1::FollowUpOutcome outcome, v1::RecordFollowUpResponse* response,
                        const std::string& task = "") {
    v1::RecordFollowUpRequest request;
    v1::FollowUp& followup = *request.mutable_followup();
    followup.set_lead(lead);
    followup.set_rep(rep);
    followup.set_channel(channel);
    followup.set_outcome(outcome);
    followup.set_task(task);
    return server_.Call([&](grpc::ClientContext* c) {
      return server_.followups().RecordFollowUp(c, request, response);
    });
  }
  std::vector<v1::Event> EventsOf(const std::string& lead) { return LeadEvents(server_, lead); }
  grpc::Status ListTasks(const v1::ListTasksRequest& request, v1::ListTasksResponse* response) {
    return server_.Call([&](grpc::ClientContext* c) {
      return server_.followups().ListTasks(c, request, response);
    });
  }
  void ExpectCountersAgree() { testing::ExpectCountersAgree(server_); }

  server::SimulatedClock clock_;
  ServerHarness server_;
};

TEST_F(SlaTest, TheDefaultSlaNotifiesAt24HoursAndNotASecondBefore) {
  const v1::AssignResponse assigned = MustAssign("d1", "web");
  ASSERT_EQ(assigned.lead().sla_steps_size(), 1);
  EXPECT_TRUE(assigned.assignment().sla().server_default());
  EXPECT_EQ(TimeUtil::TimestampToSeconds(assigned.lead().sla_deadline()),
            absl::ToUnixSeconds(kStart + absl::Hours(24)));

  clock_.Set(kStart + absl::Hours(24) - absl::Seconds(1));
  EXPECT_EQ(Sweep(), 0);
  EXPECT_THAT(KindsOf(EventsOf("leads/d1")), ElementsAre(v1::EVENT_KIND_ASSIGNED));

  clock_.Set(kStart + absl::Hours(24) + absl::Seconds(1));
  EXPECT_EQ(Sweep(), 1);
  const std::vector<v1::Event> events = EventsOf("leads/d1");
  ASSERT_THAT(KindsOf(events), ElementsAre(v1::EVENT_KIND_ASSIGNED, v1::EVENT_KIND_SLA_WARNING));
  EXPECT_EQ(events[1].rep(), assigned.lead().owner());
  EXPECT_EQ(events[1].sla_step(), 0);
  const v1::Lead lead = GetLead("leads/d1").lead();
  ASSERT_EQ(lead.sla_steps_size(), 1);
  EXPECT_TRUE(lead.sla_steps(0).has_apply_time());
  EXPECT_EQ(lead.owner(), assigned.lead().owner()) << "notify moves nothing";
  EXPECT_EQ(Sweep(), 0) << "a step is applied once";
}

TEST_F(SlaTest, AFollowUpInTheLastSecondStopsTheClock) {
  const v1::AssignResponse assigned = MustAssign("d2", "web");
  clock_.Set(kStart + absl::Hours(24) - absl::Seconds(1));
  v1::RecordFollowUpResponse followed;
  ASSERT_TRUE(FollowUp("leads/d2", assigned.lead().owner(), v1::CHANNEL_PHONE,
                       v1::FOLLOW_UP_OUTCOME_NO_ANSWER, &followed)
                  .ok());
  EXPECT_TRUE(followed.followup().within_sla());
  EXPECT_TRUE(followed.lead().has_sla_stop_time());
  clock_.Set(kStart + absl::Hours(48));
  EXPECT_EQ(Sweep(), 0);
  EXPECT_FALSE(GetLead("leads/d2").lead().sla_steps(0).has_apply_time());
}

TEST_F(SlaTest, AChainAppliesItsStepsInOrderAndNeverReturnsTheLeadToAnEarlierOwner) {
  const v1::AssignResponse assigned = MustAssign("c1", "chain");
  const std::string first = assigned.lead().owner();
  ASSERT_EQ(assigned.lead().sla_steps_size(), 3);
  EXPECT_EQ(assigned.lead().sla_steps(1).action(), v1::SLA_ACTION_REASSIGN);
  EXPECT_EQ(assigned.lead().sla_steps(2).target(), "team:managers");

  clock_.Set(kStart + absl::Minutes(16));
  EXPECT_EQ(Sweep(), 1);  // 15m notify
  clock_.Set(kStart + absl::Minutes(61));
  EXPECT_EQ(Sweep(), 1);  // 1h reassign: to the other sales rep, with a fresh chain
  const v1::Lead moved = GetLead("leads/c1").lead();
  const std::string second = moved.owner();
  EXPECT_NE(second, first);
  EXPECT_THAT(second, ::testing::AnyOf("reps/ana", "reps/ben"));
  ASSERT_EQ(moved.sla_steps_size(), 3);
  EXPECT_EQ(TimeUtil::TimestampToSeconds(moved.sla_steps(0).due_time()),
            absl::ToUnixSeconds(kStart + absl::Minutes(61) + absl::Minutes(15)));

  // The second owner misses the reassign too: no sales rep is left who never owned it.
  clock_.Set(kStart + absl::Minutes(61 + 61));
  EXPECT_EQ(Sweep(), 2);  // notify and reassign of the second chain
  const v1::Lead stayed = GetLead("leads/c1").lead();
  EXPECT_EQ(stayed.owner(), second);
  EXPECT_THAT(stayed.sla_steps(1).result(), ::testing::HasSubstr("never owned"));

  // The escalation hands it to a manager.
  clock_.Set(kStart + absl::Minutes(61) + absl::Hours(4) + absl::Seconds(1));
  EXPECT_EQ(Sweep(), 1);
  const v1::Lead escalated = GetLead("leads/c1").lead();
  EXPECT_THAT(escalated.owner(), ::testing::AnyOf("reps/max", "reps/mia"));

  const std::vector<v1::Event> events = EventsOf("leads/c1");
  EXPECT_THAT(KindsOf(events),
              ElementsAre(v1::EVENT_KIND_ASSIGNED, v1::EVENT_KIND_SLA_WARNING,
                          v1::EVENT_KIND_SLA_BREACHED, v1::EVENT_KIND_REASSIGNED,
                          v1::EVENT_KIND_SLA_WARNING, v1::EVENT_KIND_SLA_BREACHED,
                          v1::EVENT_KIND_SLA_ESCALATED, v1::EVENT_KIND_REASSIGNED));
  EXPECT_EQ(events[3].assignment_kind(), v1::ASSIGNMENT_KIND_SLA_BREACH);
  EXPECT_EQ(events[2].rep(), first) << "the breach names the late owner";
  ExpectCountersAgree();
}

TEST_F(SlaTest, EscalateHandsTheLeadToTheLeastLoadedRepOfTheTeam) {
  MustAssign("e1", "escalate");
  clock_.Set(kStart + absl::Hours(1));
  EXPECT_EQ(Sweep(), 1);
  const std::string first_manager = GetLead("leads/e1").lead().owner();
  EXPECT_THAT(first_manager, ::testing::AnyOf("reps/max", "reps/mia"));
  MustAssign("e2", "escalate");
  clock_.Set(kStart + absl::Hours(3));
  EXPECT_EQ(Sweep(), 1);
  const std::string second_manager = GetLead("leads/e2").lead().owner();
  EXPECT_THAT(second_manager, ::testing::AnyOf("reps/max", "reps/mia"));
  EXPECT_NE(second_manager, first_manager) << "the other manager had fewer open leads";
  const std::vector<v1::Event> events = EventsOf("leads/e2");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[1].kind(), v1::EVENT_KIND_SLA_ESCALATED);
  EXPECT_THAT(events[1].reason(), ::testing::HasSubstr("escalated to " + second_manager));
  ExpectCountersAgree();
}

TEST_F(SlaTest, AStepDueAcrossARestartIsAppliedExactlyOnce) {
  MustAssign("r1", "web");
  clock_.Set(kStart + absl::Hours(25));
  server_.Restart();
  ASSERT_OK(server_.status());
  EXPECT_EQ(Sweep(), 1);
  server_.Restart();
  ASSERT_OK(server_.status());
  EXPECT_EQ(Sweep(), 0);
  EXPECT_THAT(KindsOf(EventsOf("leads/r1")),
              ElementsAre(v1::EVENT_KIND_ASSIGNED, v1::EVENT_KIND_SLA_WARNING));
}

// Reps with their own schedules; the server and its caps run in UTC.
class WorkingTimeTest : public SlaTest {
 protected:
  void UseSchedule(const std::string& rep, const std::string& zone, const std::string& hours) {
    v1::UpsertRepRequest request;
    v1::Rep& upsert = *request.mutable_rep();
    upsert.set_name(rep);
    upsert.set_team("sales");
    upsert.mutable_schedule()->set_time_zone(zone);
    upsert.mutable_schedule()->set_hours(hours);
    v1::UpsertRepResponse response;
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().Upsert(c, request, &response); });
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Only this rep can take the next leads.
    for (const char* other : {"reps/ana", "reps/ben"}) {
      if (rep == other) continue;
      v1::SetRepStatusRequest off;
      off.set_name(other);
      off.set_status(v1::REP_STATUS_OFF);
      off.set_actor("test");
      off.set_reason("only one rep takes leads in this test");
      v1::SetRepStatusResponse done;
      ASSERT_TRUE(
          server_
              .Call([&](grpc::ClientContext* c) { return server_.reps().SetStatus(c, off, &done); })
              .ok());
    }
  }
  absl::Time DeadlineOf(const std::string& id, absl::Time assigned_at) {
    clock_.Set(assigned_at);
    const v1::AssignResponse response = MustAssign(id, "working");
    return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(response.lead().sla_deadline()));
  }
};

TEST_F(WorkingTimeTest, TwoWorkingHoursFromFridayAfternoonAreDueOnMonday) {
  UseSchedule("reps/ana", "America/New_York", "mon-fri 09:00-17:00");
  // Friday 2027-01-15 16:00 EST: one hour on Friday, one on Monday.
  EXPECT_EQ(DeadlineOf("w1", Utc("2027-01-15T21:00:00Z")), Utc("2027-01-18T15:00:00Z"));
}

TEST_F(WorkingTimeTest, AcrossTheMarchDaylightSavingChange) {
  UseSchedule("reps/ana", "America/New_York", "mon-fri 09:00-17:00");
  // Friday 2027-03-12 16:00 EST; clocks go forward on Sunday the 14th: Monday 10:00 EDT.
  EXPECT_EQ(DeadlineOf("w2", Utc("2027-03-12T21:00:00Z")), Utc("2027-03-15T14:00:00Z"));
}

TEST_F(WorkingTimeTest, AcrossTheNovemberDaylightSavingChange) {
  UseSchedule("reps/ana", "America/New_York", "mon-fri 09:00-17:00");
  // Friday 2027-11-05 16:00 EDT; clocks go back on Sunday the 7th: Monday 10:00 EST.
  EXPECT_EQ(DeadlineOf("w3", Utc("2027-11-05T20:00:00Z")), Utc("2027-11-08T15:00:00Z"));
}

TEST_F(WorkingTimeTest, ARepInShanghaiWorksShanghaiHoursWhileTheServerRunsInUtc) {
  UseSchedule("reps/ben", "Asia/Shanghai", "mon-fri 09:00-18:00");
  // Friday 2027-01-15 17:00 CST (09:00 UTC): one hour on Friday, one on Monday 09:00-10:00 CST.
  EXPECT_EQ(DeadlineOf("w4", Utc("2027-01-15T09:00:00Z")), Utc("2027-01-18T02:00:00Z"));
}

TEST_F(WorkingTimeTest, ABadScheduleIsRefusedNamingItsField) {
  v1::UpsertRepRequest request;
  request.mutable_rep()->set_name("reps/zed");
  request.mutable_rep()->mutable_schedule()->set_time_zone("Asia/Shanghai");
  request.mutable_rep()->mutable_schedule()->set_hours("mon-fri 09:00-25:00");
  v1::UpsertRepResponse response;
  grpc::Status status = server_.Call(
      [&](grpc::ClientContext* c) { return server_.reps().Upsert(c, request, &response); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "rep.schedule.hours") << status.error_message();

  request.mutable_rep()->mutable_schedule()->set_hours("mon-fri 09:00-18:00");
  request.mutable_rep()->mutable_schedule()->set_time_zone("Mars/Olympus");
  status = server_.Call(
      [&](grpc::ClientContext* c) { return server_.reps().Upsert(c, request, &response); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "rep.schedule.time_zone") << status.error_message();

  request.mutable_rep()->mutable_schedule()->set_time_zone("Asia/Shanghai");
  request.mutable_rep()->mutable_schedule()->add_holidays("2027-02-30");
  status = server_.Call(
      [&](grpc::ClientContext* c) { return server_.reps().Upsert(c, request, &response); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "rep.schedule.holidays[0]") << status.error_message();
}

TEST_F(SlaTest, APlanCreatesTasksThatCompleteGoOverdueAndAreCancelled) {
  const v1::AssignResponse assigned = MustAssign("p1", "plan");
  const std::string owner = assigned.lead().owner();
  ASSERT_EQ(assigned.tasks_size(), 2);
  EXPECT_EQ(assigned.tasks(0).channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(assigned.tasks(0).rep(), owner);
  EXPECT_EQ(TimeUtil::TimestampToSeconds(assigned.tasks(0).due_time()),
            absl::ToUnixSeconds(kStart + absl::Hours(1)));
  EXPECT_EQ(assigned.tasks(1).channel_name(), "email");

  v1::ListTasksRequest mine;
  mine.set_rep(owner);
  v1::ListTasksResponse listed;
  ASSERT_TRUE(ListTasks(mine, &listed).ok());
  ASSERT_EQ(listed.tasks_size(), 2);
  EXPECT_EQ(listed.tasks(0).name(), assigned.tasks(0).name()) << "soonest due first";

  // A phone call completes the phone task.
  v1::RecordFollowUpResponse called;
  ASSERT_TRUE(
      FollowUp("leads/p1", owner, v1::CHANNEL_PHONE, v1::FOLLOW_UP_OUTCOME_REACHED, &called).ok());
  EXPECT_EQ(called.followup().task(), assigned.tasks(0).name());

  // The e-mail task goes overdue a day later, and the sweeper says so once.
  clock_.Set(kStart + absl::Hours(25));
  ASSERT_TRUE(ListTasks(mine, &listed).ok());
  ASSERT_EQ(listed.tasks_size(), 1);
  EXPECT_EQ(listed.tasks(0).state(), v1::TASK_STATE_OVERDUE);
  EXPECT_EQ(GetLead("leads/p1").open_tasks_size(), 1);
  EXPECT_EQ(Sweep(), 1);
  EXPECT_EQ(Sweep(), 0);

  // A reassign cancels what is left.
  v1::ReassignRequest reassign;
  reassign.set_lead("leads/p1");
  reassign.mutable_by_rule();
  reassign.set_actor("manager:mia");
  reassign.set_reason("rebalancing");
  v1::ReassignResponse moved;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().Reassign(c, reassign, &moved);
                  })
                  .ok());
  EXPECT_EQ(moved.tasks_size(), 2) << "the new owner gets the plan afresh";
  mine.add_states(v1::TASK_STATE_DONE);
  mine.add_states(v1::TASK_STATE_CANCELLED);
  ASSERT_TRUE(ListTasks(mine, &listed).ok());
  ASSERT_EQ(listed.tasks_size(), 2);
  EXPECT_EQ(listed.tasks(0).state(), v1::TASK_STATE_DONE);
  EXPECT_EQ(listed.tasks(1).state(), v1::TASK_STATE_CANCELLED);

  EXPECT_THAT(
      KindsOf(EventsOf("leads/p1")),
      ElementsAre(v1::EVENT_KIND_ASSIGNED, v1::EVENT_KIND_TASK_CREATED, v1::EVENT_KIND_TASK_CREATED,
                  v1::EVENT_KIND_FOLLOW_UP_RECORDED, v1::EVENT_KIND_TASK_DONE,
                  v1::EVENT_KIND_TASK_OVERDUE, v1::EVENT_KIND_REASSIGNED,
                  v1::EVENT_KIND_TASK_CREATED, v1::EVENT_KIND_TASK_CREATED));
}

TEST_F(SlaTest, BadTaskRequestsNameTheirField) {
  v1::ListTasksRequest request;
  request.add_states(v1::TASK_STATE_UNSPECIFIED);
  v1::ListTasksResponse response;
  grpc::Status status = ListTasks(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "states[0]");
  request.Clear();
  request.set_rep("ana");
  status = ListTasks(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "rep");

  const v1::AssignResponse assigned = MustAssign("p2", "plan");
  v1::RecordFollowUpResponse followed;
  status = FollowUp("leads/p2", assigned.lead().owner(), v1::CHANNEL_EMAIL,
                    v1::FOLLOW_UP_OUTCOME_REACHED, &followed, assigned.tasks(0).name());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "a phone task";
  EXPECT_EQ(BadField(status), "followup.task");
  status = FollowUp("leads/p2", assigned.lead().owner(), v1::CHANNEL_PHONE,
                    v1::FOLLOW_UP_OUTCOME_REACHED, &followed, "leads/p2/tasks/oops");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "followup.task");
}

TEST_F(SlaTest, TenThousandDeadlinesDueInTheSameSecondAreAllProcessed) {
  constexpr int kLeads = 10'000;
  for (int batch = 0; batch < kLeads / 500; ++batch) {
    v1::AssignBatchRequest request;
    for (int i = 0; i < 500; ++i) {
      *request.add_items()->mutable_lead() =
          MakeLead("bulk-" + std::to_string(batch * 500 + i), "web", 50);
    }
    request.set_actor("test");
    v1::AssignBatchResponse response;
    ASSERT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().AssignBatch(c, request, &response);
                    })
                    .ok());
  }
  clock_.Set(kStart + absl::Hours(24) + absl::Seconds(1));
  EXPECT_EQ(Sweep(), kLeads);
  EXPECT_EQ(Sweep(), 0);
  server_.Shutdown();
  server_.server().Wait();
  absl::StatusOr<std::unique_ptr<storage::Database>> db =
      storage::Database::Open(server_.db_path());
  ASSERT_OK(db);
  storage::DatabaseView view(**db);
  absl::StatusOr<uint64_t> left = storage::CountDue(view);
  ASSERT_OK(left);
  EXPECT_EQ(*left, 0u);
}

TEST(SlaOptionsTest, ABadDefaultSlaOrScheduleRefusesToStart) {
  ServerHarness bad_sla(
      {.configure = [](server::ServerOptions& o) { o.default_sla = "24h then wait"; }});
  EXPECT_EQ(bad_sla.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_sla.status().message(), ::testing::HasSubstr("--default-sla"));
  ServerHarness bad_schedule(
      {.configure = [](server::ServerOptions& o) { o.work_schedule = R"({"time_zone": "UTC"})"; }});
  EXPECT_EQ(bad_schedule.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_schedule.status().message(), ::testing::HasSubstr("--work-schedule"));
}

}  // namespace
}  // namespace leadrouter::testing
