// RepService through real gRPC, and what rep changes do to leads: the unassigned queue retried
// when a rep becomes available or a new rule version is published; a removed rep's history kept,
// its open leads reported and moved on request.
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "status_matchers.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using ::testing::HasSubstr;

class RepServiceTest : public ::testing::Test {
 protected:
  RepServiceTest() : server_({.rules = kTestRules, .reps_csv = kTestReps}) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  grpc::Status Upsert(const v1::UpsertRepRequest& request, v1::UpsertRepResponse* response) {
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().Upsert(c, request, response); });
  }
  grpc::Status Get(const std::string& name, v1::GetRepResponse* response) {
    v1::GetRepRequest request;
    request.set_name(name);
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().Get(c, request, response); });
  }
  grpc::Status SetStatus(const std::string& name, v1::RepStatus status,
                         v1::SetRepStatusResponse* response) {
    v1::SetRepStatusRequest request;
    request.set_name(name);
    request.set_status(status);
    request.set_actor("manager");
    request.set_reason("roster change");
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().SetStatus(c, request, response); });
  }
  grpc::Status Remove(const v1::RemoveRepRequest& request, v1::RemoveRepResponse* response) {
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().Remove(c, request, response); });
  }
  v1::AssignResponse Assign(const v1::Lead& lead) {
    v1::AssignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(lead), &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  std::string OwnerOf(const std::string& lead) {
    v1::GetLeadRequest request;
    request.set_name(lead);
    v1::GetLeadResponse response;
    server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().GetLead(c, request, &response);
    });
    return response.lead().owner();
  }

  ServerHarness server_;
};

TEST_F(RepServiceTest, UpsertCreatesUpdatesAndChecksEtags) {
  v1::UpsertRepRequest request;
  request.mutable_rep()->set_name("reps/fay");
  request.mutable_rep()->set_team("smb");
  request.mutable_rep()->set_level(3);
  (*request.mutable_rep()->mutable_skills())["tech"] = 4;
  request.mutable_rep()->add_channels(v1::CHANNEL_PHONE);
  v1::UpsertRepResponse created;
  ASSERT_TRUE(Upsert(request, &created).ok());
  EXPECT_TRUE(created.created());
  EXPECT_EQ(created.rep().status(), v1::REP_STATUS_ACTIVE);
  EXPECT_FALSE(created.rep().etag().empty());

  v1::UpsertRepRequest update;
  update.mutable_rep()->set_name("reps/fay");
  update.mutable_rep()->set_level(4);
  update.mutable_rep()->set_etag(created.rep().etag());
  update.mutable_update_mask()->add_paths("level");
  v1::UpsertRepResponse updated;
  ASSERT_TRUE(Upsert(update, &updated).ok());
  EXPECT_FALSE(updated.created());
  EXPECT_EQ(updated.rep().level(), 4);
  EXPECT_EQ(updated.rep().team(), "smb") << "fields outside the mask are kept";
  EXPECT_EQ(updated.rep().skills().at("tech"), 4);

  // The old etag is stale now.
  grpc::Status status = Upsert(update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "ETAG_MISMATCH");

  struct Case {
    std::string label;
    std::function<void(v1::UpsertRepRequest&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no name", [](auto& r) { r.mutable_rep()->clear_name(); }, "rep.name"},
      {"level", [](auto& r) { r.mutable_rep()->set_level(101); }, "rep.level"},
      {"skill level", [](auto& r) { (*r.mutable_rep()->mutable_skills())["tech"] = 0; },
       "rep.skills.tech"},
      {"tag", [](auto& r) { r.mutable_rep()->add_tags("Not OK"); }, "rep.tags[0]"},
      {"duplicate channel",
       [](auto& r) {
         r.mutable_rep()->add_channels(v1::CHANNEL_EMAIL);
         r.mutable_rep()->add_channels(v1::CHANNEL_EMAIL);
       },
       "rep.channels[1]"},
      {"negative cap", [](auto& r) { r.mutable_rep()->set_daily_cap(-1); }, "rep.daily_cap"},
      {"mask", [](auto& r) { r.mutable_update_mask()->add_paths("load"); }, "update_mask.paths[0]"},
      {"performance field as attribute",
       [](auto& r) {
         (*r.mutable_rep()->mutable_attributes())["sla_compliance"].set_number_value(0.9);
       },
       "rep.attributes.sla_compliance"},
  };
  for (const Case& c : cases) {
    v1::UpsertRepRequest bad;
    bad.mutable_rep()->set_name("reps/gil");
    c.mutate(bad);
    status = Upsert(bad, &updated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.label;
    EXPECT_EQ(BadField(status), c.field) << c.label << ": " << status.error_message();
  }

  v1::UpsertRepRequest missing;
  missing.mutable_rep()->set_name("reps/nobody");
  missing.set_require_existing(true);
  EXPECT_EQ(Upsert(missing, &updated).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetRepResponse got;
  EXPECT_EQ(Get("reps/nobody", &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("ana", &got).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// RepLoad reports what the decision reads: a rep that never received an automatic lead has no
// last_assign_time (not its creation time), so it is next in every rotation
// (docs/decision.md#joining-a-rotation).
TEST_F(RepServiceTest, LoadHasNoLastAssignTimeBeforeTheFirstAutomaticLead) {
  v1::GetRepResponse ana;
  ASSERT_TRUE(Get("reps/ana", &ana).ok());
  EXPECT_FALSE(ana.rep().load().has_last_assign_time());
  EXPECT_EQ(ana.rep().load().assigned_today(), 0);

  const v1::AssignResponse assigned = Assign(MakeLead("L1", "ads", 50));
  ASSERT_EQ(assigned.assignment().outcome(), v1::OUTCOME_ASSIGNED);
  const std::string owner = assigned.assignment().rep();
  v1::GetRepResponse got;
  ASSERT_TRUE(Get(owner, &got).ok());
  ASSERT_TRUE(got.rep().load().has_last_assign_time());
  EXPECT_EQ(got.rep().load().last_assign_time().seconds(),
            assigned.assignment().decide_time().seconds());
  EXPECT_EQ(got.rep().load().assigned_today(), 1);
}

TEST_F(RepServiceTest, ListFiltersAndPages) {
  v1::ListRepsRequest request;
  request.set_team("smb");
  request.set_page_size(2);
  std::vector<std::string> names;
  for (int page = 0; page < 5; ++page) {
    v1::ListRepsResponse response;
    ASSERT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.reps().List(c, request, &response);
                    })
                    .ok());
    EXPECT_EQ(response.total_size(), 4);
    for (const auto& rep : response.reps()) names.push_back(rep.name());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"reps/ben", "reps/cara", "reps/dan", "reps/eve"}));

  v1::ListRepsRequest active;
  active.add_statuses(v1::REP_STATUS_ACTIVE);
  v1::ListRepsResponse response;
  ASSERT_TRUE(
      server_
          .Call([&](grpc::ClientContext* c) { return server_.reps().List(c, active, &response); })
          .ok());
  EXPECT_EQ(response.reps_size(), 3);
}

TEST_F(RepServiceTest, SetStatusValidates) {
  v1::SetRepStatusResponse response;
  EXPECT_EQ(SetStatus("reps/nobody", v1::REP_STATUS_AWAY, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(SetStatus("reps/ana", v1::REP_STATUS_UNSPECIFIED, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(SetStatus("reps/ana", v1::REP_STATUS_AWAY, &response).ok());
  EXPECT_EQ(response.rep().status(), v1::REP_STATUS_AWAY);
  EXPECT_EQ(response.rep().status_reason(), "roster change");
  // AWAY reps get no automatic leads from the next decision on.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Assign(MakeLead("s" + std::to_string(i), "ads", 50)).lead().owner(), "reps/ben");
  }
}

TEST_F(RepServiceTest, UnassignedLeadsAreRetriedWhenARepBecomesAvailable) {
  v1::SetRepStatusResponse response;
  ASSERT_TRUE(SetStatus("reps/ana", v1::REP_STATUS_AWAY, &response).ok());
  ASSERT_TRUE(SetStatus("reps/ben", v1::REP_STATUS_AWAY, &response).ok());
  const v1::AssignResponse first = Assign(MakeLead("waiting", "ads", 50));
  ASSERT_EQ(first.assignment().outcome(), v1::OUTCOME_UNASSIGNED);
  EXPECT_EQ(first.assignment().unassigned_reason(), v1::UNASSIGNED_REASON_NO_ELIGIBLE_REP);

  ASSERT_TRUE(SetStatus("reps/ben", v1::REP_STATUS_ACTIVE, &response).ok());
  EXPECT_TRUE(Eventually([&] { return OwnerOf("leads/waiting") == "reps/ben"; }));

  v1::ListAssignmentsRequest history;
  history.set_parent("leads/waiting");
  history.set_oldest_first(true);
  v1::ListAssignmentsResponse entries;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().ListAssignments(c, history, &entries);
                  })
                  .ok());
  ASSERT_EQ(entries.assignments_size(), 2);
  EXPECT_EQ(entries.assignments(1).actor(), "system:retry");
  EXPECT_THAT(entries.assignments(1).reason(), HasSubstr("reps/ben is active"));
}

grpc::Status SetAwayUntil(ServerHarness& server, const std::string& name, absl::Duration from_now,
                          v1::SetRepStatusResponse* response) {
  v1::SetRepStatusRequest request;
  request.set_name(name);
  request.set_status(v1::REP_STATUS_AWAY);
  *request.mutable_until() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(absl::Now() + from_now));
  request.set_actor("manager");
  request.set_reason("training");
  return server.Call(
      [&](grpc::ClientContext* c) { return server.reps().SetStatus(c, request, response); });
}

TEST_F(RepServiceTest, AwayWithAnEndTimeEndsByItselfAndRetriesTheQueue) {
  v1::SetRepStatusResponse response;
  ASSERT_TRUE(SetStatus("reps/ben", v1::REP_STATUS_AWAY, &response).ok());
  // Long enough that even a slow sanitizer run assigns "waiting" while ana is still away.
  ASSERT_TRUE(SetAwayUntil(server_, "reps/ana", absl::Seconds(3), &response).ok());
  EXPECT_TRUE(response.rep().has_away_until());
  ASSERT_EQ(Assign(MakeLead("waiting", "ads", 50)).assignment().outcome(), v1::OUTCOME_UNASSIGNED);

  EXPECT_TRUE(Eventually([&] { return OwnerOf("leads/waiting") == "reps/ana"; }));
  v1::GetRepResponse ana;
  ASSERT_TRUE(Get("reps/ana", &ana).ok());
  EXPECT_EQ(ana.rep().status(), v1::REP_STATUS_ACTIVE);
  EXPECT_FALSE(ana.rep().has_away_until());
  EXPECT_THAT(ana.rep().status_reason(), HasSubstr("ended"));
  v1::GetRepResponse ben;
  ASSERT_TRUE(Get("reps/ben", &ben).ok());
  EXPECT_EQ(ben.rep().status(), v1::REP_STATUS_AWAY);  // no end time: stays away
}

TEST_F(RepServiceTest, AStatusSetLaterWinsOverAnEarlierEndTime) {
  v1::SetRepStatusResponse response;
  ASSERT_TRUE(SetAwayUntil(server_, "reps/ana", absl::Milliseconds(1200), &response).ok());
  ASSERT_TRUE(SetStatus("reps/ana", v1::REP_STATUS_OFF, &response).ok());
  EXPECT_FALSE(response.rep().has_away_until());
  absl::SleepFor(absl::Milliseconds(2500));
  v1::GetRepResponse ana;
  ASSERT_TRUE(Get("reps/ana", &ana).ok());
  EXPECT_EQ(ana.rep().status(), v1::REP_STATUS_OFF);
}

// A restart keeps the status set through the API (the roster file only seeds new reps), and an
// end time that passed while the server was down is honoured at start.
TEST_F(RepServiceTest, StatusesSurviveARestartAndEndTimesPassedWhileDownAreHonoured) {
  v1::SetRepStatusResponse response;
  ASSERT_TRUE(SetStatus("reps/ben", v1::REP_STATUS_OFF, &response).ok());
  ASSERT_TRUE(SetAwayUntil(server_, "reps/ana", absl::Milliseconds(800), &response).ok());
  server_.Shutdown();
  absl::SleepFor(absl::Milliseconds(1200));
  server_.Restart();
  ASSERT_OK(server_.status());
  v1::GetRepResponse ben;
  ASSERT_TRUE(Get("reps/ben", &ben).ok());
  EXPECT_EQ(ben.rep().status(), v1::REP_STATUS_OFF);
  EXPECT_TRUE(Eventually([&] {
    v1::GetRepResponse ana;
    return Get("reps/ana", &ana).ok() && ana.rep().status() == v1::REP_STATUS_ACTIVE;
  }));
}

TEST_F(RepServiceTest, UnassignedLeadsAreRetriedWhenANewVersionIsPublished) {
  ASSERT_EQ(Assign(MakeLead("web", "web", 10)).assignment().unassigned_reason(),
            v1::UNASSIGNED_REASON_NO_RULE_MATCHED);
  v1::PublishRequest publish;
  publish.set_source(std::string(kTestRules) + "\notherwise\n  distribute round_robin\n");
  publish.set_author("ops");
  publish.set_message("catch-all");
  v1::PublishResponse published;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().Publish(c, publish, &published);
                  })
                  .ok());
  EXPECT_TRUE(Eventually([&] { return !OwnerOf("leads/web").empty(); }));
}

TEST_F(RepServiceTest, RemovedRepKeepsHistoryAndItsOpenLeadsAreReportedThenMoved) {
  std::vector<std::string> bens;
  for (int i = 0; i < 6; ++i) {
    const v1::AssignResponse response = Assign(MakeLead("r" + std::to_string(i), "ads", 50));
    if (response.lead().owner() == "reps/ben") bens.push_back(response.lead().name());
  }
  ASSERT_EQ(bens.size(), 3u);

  v1::RemoveRepRequest request;
  request.set_name("reps/ben");
  request.set_actor("admin");
  request.set_reason("left the company");
  v1::RemoveRepResponse response;
  const grpc::Status refused = Remove(request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(refused), "REP_HAS_OPEN_LEADS");
  for (const std::string& lead : bens) EXPECT_THAT(refused.error_message(), HasSubstr(lead));
  int listed = 0;
  const v1::ErrorStatus error_details = Details(refused);
  for (const auto& any : error_details.details()) {
    v1::PreconditionFailure failure;
    if (any.UnpackTo(&failure)) listed = failure.violations_size();
  }
  EXPECT_EQ(listed, 3);

  v1::RemoveRepRequest bad = request;
  bad.clear_reason();
  EXPECT_EQ(Remove(bad, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad = request;
  bad.set_name("reps/nobody");
  EXPECT_EQ(Remove(bad, &response).error_code(), grpc::StatusCode::NOT_FOUND);

  request.set_open_leads(v1::OPEN_LEADS_POLICY_REASSIGN);
  ASSERT_TRUE(Remove(request, &response).ok());
  EXPECT_EQ(response.reassigned_leads(), 3);
  EXPECT_EQ(response.unassigned_leads(), 0);
  EXPECT_EQ(response.rep().name(), "reps/ben");
  for (const std::string& lead : bens) EXPECT_EQ(OwnerOf(lead), "reps/ana");

  v1::GetRepResponse got;
  EXPECT_EQ(Get("reps/ben", &got).error_code(), grpc::StatusCode::NOT_FOUND);
  // History keeps the name.
  v1::ListAssignmentsRequest history;
  history.set_rep("reps/ben");
  v1::ListAssignmentsResponse entries;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().ListAssignments(c, history, &entries);
                  })
                  .ok());
  EXPECT_EQ(entries.assignments_size(), 3);
  // New leads never go to the removed rep.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Assign(MakeLead("after" + std::to_string(i), "ads", 50)).lead().owner(), "reps/ana");
  }
}

TEST_F(RepServiceTest, RemoveWithUnassignReleasesOpenLeads) {
  const v1::AssignResponse assigned = Assign(MakeLead("rel", "web", 95));
  ASSERT_EQ(assigned.lead().owner(), "reps/ana");
  v1::RemoveRepRequest request;
  request.set_name("reps/ana");
  request.set_actor("admin");
  request.set_reason("left");
  request.set_open_leads(v1::OPEN_LEADS_POLICY_UNASSIGN);
  v1::RemoveRepResponse response;
  ASSERT_TRUE(Remove(request, &response).ok());
  EXPECT_EQ(response.unassigned_leads(), 1);
  v1::GetLeadRequest get;
  get.set_name("leads/rel");
  v1::GetLeadResponse lead;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().GetLead(c, get, &lead);
                  })
                  .ok());
  EXPECT_EQ(lead.lead().state(), v1::LEAD_STATE_UNASSIGNED);
  EXPECT_EQ(lead.current_assignment().kind(), v1::ASSIGNMENT_KIND_RELEASE);
  EXPECT_EQ(lead.current_assignment().unassigned_reason(), v1::UNASSIGNED_REASON_OWNER_REMOVED);
}

}  // namespace
}  // namespace leadrouter::testing
