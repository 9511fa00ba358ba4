// RuleService through real gRPC: Check, DryRun, Publish (and its atomic swap under calls in
// flight), GetRules, ListVersions, Rollback, and the start on the stored version.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "status_matchers.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOtherRules[] = R"(rule "everyone"
  when true
  distribute round_robin
)";

class RuleServiceTest : public ::testing::Test {
 protected:
  RuleServiceTest() : server_({.rules = kTestRules, .reps_csv = kTestReps}) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  grpc::Status Publish(const v1::PublishRequest& request, v1::PublishResponse* response) {
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.rules().Publish(c, request, response); });
  }
  v1::PublishRequest PublishOf(const std::string& source) {
    v1::PublishRequest request;
    request.set_source(source);
    request.set_file_name("team.rules");
    request.set_author("ops");
    request.set_message("change");
    return request;
  }
  grpc::Status GetRules(const std::string& name, v1::GetRulesResponse* response) {
    v1::GetRulesRequest request;
    request.set_name(name);
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.rules().GetRules(c, request, response); });
  }

  ServerHarness server_;
};

TEST_F(RuleServiceTest, CheckReturnsDiagnosticsAsData) {
  v1::CheckRequest request;
  request.set_source("rule \"x\"\n  when qualty > 3\n");
  request.set_file_name("bad.rules");
  v1::CheckResponse response;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().Check(c, request, &response);
                  })
                  .ok());
  EXPECT_TRUE(response.has_errors());
  ASSERT_GT(response.diagnostics_size(), 0);
  EXPECT_EQ(response.diagnostics(0).range().file(), "bad.rules");
  EXPECT_EQ(response.diagnostics(0).range().line(), 2);
  EXPECT_EQ(response.diagnostics(0).severity(), v1::SEVERITY_ERROR);

  request.set_source(kTestRules);
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().Check(c, request, &response);
                  })
                  .ok());
  EXPECT_FALSE(response.has_errors());
  EXPECT_THAT(response.content_hash(), StartsWith("sha256:"));
  ASSERT_EQ(response.rules_size(), 2);
  EXPECT_EQ(response.rules(0).rule().name(), "vip");
  EXPECT_EQ(response.rules(0).require(), "level >= 3");
  ASSERT_EQ(response.rules(0).caps_size(), 1);
  EXPECT_EQ(response.rules(0).caps(0).limit(), 2);

  request.set_source(std::string((1 << 20) + 1, ' '));
  const grpc::Status status = server_.Call(
      [&](grpc::ClientContext* c) { return server_.rules().Check(c, request, &response); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(status), "SOURCE_TOO_LARGE");
}

TEST_F(RuleServiceTest, CheckRosterWarnsAboutNamesNoStoredRepHas) {
  v1::CheckRequest request;
  request.set_source("rule \"x\"\n  when true\n  team \"enterprize\"\n  require level >= 1\n");
  v1::CheckResponse response;
  const auto check = [&] {
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return server_.rules().Check(c, request, &response); });
    EXPECT_TRUE(status.ok()) << status.error_message();
  };
  check();
  EXPECT_EQ(response.diagnostics_size(), 0) << "a pure check of the text knows no roster";

  request.set_check_roster(true);
  check();
  EXPECT_FALSE(response.has_errors());
  ASSERT_EQ(response.diagnostics_size(), 1);
  const v1::Diagnostic& warning = response.diagnostics(0);
  EXPECT_EQ(warning.severity(), v1::SEVERITY_WARNING);
  EXPECT_EQ(warning.code(), "unknown-team");
  EXPECT_EQ(warning.range().line(), 3);
  EXPECT_EQ(warning.range().column(), 8);
  EXPECT_THAT(warning.message(), HasSubstr("enterprize"));
}

TEST_F(RuleServiceTest, PublishStoresANewActiveVersion) {
  v1::PublishResponse response;
  ASSERT_TRUE(Publish(PublishOf(kOtherRules), &response).ok());
  EXPECT_EQ(response.version().version(), 2);
  EXPECT_EQ(response.version().name(), "rules/versions/2");
  EXPECT_EQ(response.version().author(), "ops");
  EXPECT_TRUE(response.version().active());
  EXPECT_FALSE(response.unchanged());

  // Byte-identical source publishes nothing.
  ASSERT_TRUE(Publish(PublishOf(kOtherRules), &response).ok());
  EXPECT_TRUE(response.unchanged());
  EXPECT_EQ(response.version().version(), 2);

  // New decisions use it.
  v1::AssignResponse assigned;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().Assign(c, AssignOf(MakeLead("n", "web", 10)),
                                                        &assigned);
                  })
                  .ok());
  EXPECT_EQ(assigned.assignment().rule_version(), 2);
  EXPECT_EQ(assigned.assignment().rule().name(), "everyone");
}

TEST_F(RuleServiceTest, PublishRefusesBadRequestsPrecisely) {
  v1::PublishResponse response;
  grpc::Status status = Publish(PublishOf("rule \"x\" when qualty > 3"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("team.rules:1:"));
  EXPECT_EQ(ErrorReason(status), "RULE_ERRORS");
  bool diagnostics = false;
  const v1::ErrorStatus error_details = Details(status);
  for (const auto& any : error_details.details()) {
    v1::RuleDiagnostics detail;
    diagnostics |= any.UnpackTo(&detail) && detail.diagnostics_size() > 0;
  }
  EXPECT_TRUE(diagnostics);

  v1::PublishRequest request = PublishOf(kOtherRules);
  request.clear_author();
  status = Publish(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "author");

  request = PublishOf(kOtherRules);
  request.set_expected_active_version(7);
  status = Publish(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "VERSION_MISMATCH");

  request = PublishOf(std::string((1 << 20) + 1, '#'));
  EXPECT_EQ(Publish(request, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  v1::GetRulesResponse active;
  ASSERT_TRUE(GetRules("", &active).ok());
  EXPECT_EQ(active.version().version(), 1) << "nothing above was published";
}

TEST(RuleServiceSwapTest, CallInFlightFinishesOnTheVersionItStartedWith) {
  std::mutex mu;
  std::condition_variable changed;
  bool held = false;
  bool release = false;
  bool hold_next = true;
  ServerHarness server({.rules = kTestRules, .reps_csv = kTestReps, .before_decide = [&] {
                          std::unique_lock lock(mu);
                          if (!hold_next) return;
                          hold_next = false;
                          held = true;
                          changed.notify_all();
                          changed.wait(lock, [&] { return release; });
                        }});
  ASSERT_OK(server.status());

  v1::AssignResponse in_flight;
  std::future<grpc::Status> call = std::async(std::launch::async, [&] {
    return server.Call([&](grpc::ClientContext* c) {
      return server.assignments().Assign(c, AssignOf(MakeLead("flight", "ads", 50)), &in_flight);
    });
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return held; }));
  }
  v1::PublishRequest publish;
  publish.set_source(kOtherRules);
  publish.set_author("ops");
  publish.set_message("swap");
  v1::PublishResponse published;
  ASSERT_TRUE(server
                  .Call([&](grpc::ClientContext* c) {
                    return server.rules().Publish(c, publish, &published);
                  })
                  .ok());
  ASSERT_EQ(published.version().version(), 2);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  changed.notify_all();
  ASSERT_TRUE(call.get().ok());
  EXPECT_EQ(in_flight.assignment().rule_version(), 1);
  EXPECT_EQ(in_flight.assignment().rule().name(), "ads");

  v1::AssignResponse after;
  ASSERT_TRUE(server
                  .Call([&](grpc::ClientContext* c) {
                    return server.assignments().Assign(c, AssignOf(MakeLead("after", "ads", 50)),
                                                       &after);
                  })
                  .ok());
  EXPECT_EQ(after.assignment().rule_version(), 2);
  EXPECT_EQ(after.assignment().rule().name(), "everyone");
}

TEST_F(RuleServiceTest, VersionsListRollBackAndSurviveRestart) {
  v1::PublishResponse published;
  ASSERT_TRUE(Publish(PublishOf(kOtherRules), &published).ok());
  ASSERT_TRUE(Publish(PublishOf(std::string(kOtherRules) + "\n# v3\n"), &published).ok());
  ASSERT_EQ(published.version().version(), 3);

  v1::ListVersionsRequest list;
  list.set_page_size(2);
  v1::ListVersionsResponse page;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().ListVersions(c, list, &page);
                  })
                  .ok());
  ASSERT_EQ(page.versions_size(), 2);
  EXPECT_EQ(page.versions(0).version(), 3);
  EXPECT_TRUE(page.versions(0).source().empty());
  EXPECT_EQ(page.active_version(), 3);
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().ListVersions(c, list, &page);
                  })
                  .ok());
  ASSERT_EQ(page.versions_size(), 1);
  EXPECT_EQ(page.versions(0).version(), 1);
  EXPECT_EQ(page.versions(0).author(), "leadrouterd");
  EXPECT_TRUE(page.next_page_token().empty());

  v1::RollbackRequest rollback;
  rollback.set_name("rules/versions/1");
  rollback.set_actor("ops");
  rollback.set_reason("v2 starves newcomers");
  v1::RollbackResponse rolled;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().Rollback(c, rollback, &rolled);
                  })
                  .ok());
  EXPECT_EQ(rolled.version().version(), 4);
  EXPECT_EQ(rolled.version().restored_from(), 1);
  EXPECT_EQ(rolled.previous().version(), 3);
  EXPECT_EQ(rolled.version().message(), "rollback to version 1: v2 starves newcomers");
  // Again: the source is already active.
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().Rollback(c, rollback, &rolled);
                  })
                  .ok());
  EXPECT_TRUE(rolled.unchanged());

  rollback.set_name("rules/versions/99");
  EXPECT_EQ(server_
                .Call([&](grpc::ClientContext* c) {
                  return server_.rules().Rollback(c, rollback, &rolled);
                })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  rollback.set_name("versions/1");
  EXPECT_EQ(server_
                .Call([&](grpc::ClientContext* c) {
                  return server_.rules().Rollback(c, rollback, &rolled);
                })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::GetRulesResponse active;
  ASSERT_TRUE(GetRules("rules/versions/active", &active).ok());
  EXPECT_EQ(active.version().version(), 4);
  EXPECT_EQ(active.version().source(), kTestRules);
  EXPECT_EQ(active.rules_size(), 2);
  EXPECT_EQ(GetRules("rules/versions/42", &active).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetRules("rules/7", &active).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The server starts on the active stored version, not on --rules.
  server_.Restart();
  ASSERT_OK(server_.status());
  ASSERT_TRUE(GetRules("", &active).ok());
  EXPECT_EQ(active.version().version(), 4);
}

TEST_F(RuleServiceTest, DryRunDecidesWithoutStoring) {
  v1::DryRunRequest request;
  request.set_source(kOtherRules);
  for (int i = 0; i < 4; ++i) *request.add_leads() = MakeLead("d" + std::to_string(i), "ads", 50);
  v1::DryRunResponse response;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().DryRun(c, request, &response);
                  })
                  .ok());
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.summary().leads(), 4);
  EXPECT_EQ(response.summary().assigned(), 4);
  EXPECT_EQ(response.summary().reps_size(), 5);
  EXPECT_EQ(response.version(), 0);
  // Fairness over the reps that could receive them, as `leadctl dry-run` counts it: ana and ben
  // took two each; away cara, off dan and eve (a cap of 0) could not, and do not count.
  EXPECT_EQ(response.summary().reps(0).count(), 2);
  EXPECT_EQ(response.summary().reps(1).count(), 2);
  EXPECT_DOUBLE_EQ(response.summary().gini_count(), 0);
  EXPECT_DOUBLE_EQ(response.summary().reps(0).quality_mean(), 50);

  v1::GetLeadRequest get;
  get.set_name("leads/d0");
  v1::GetLeadResponse lead;
  EXPECT_EQ(server_
                .Call([&](grpc::ClientContext* c) {
                  return server_.assignments().GetLead(c, get, &lead);
                })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  request.set_version(42);
  EXPECT_EQ(server_
                .Call([&](grpc::ClientContext* c) {
                  return server_.rules().DryRun(c, request, &response);
                })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.clear_leads();
  request.set_version(1);
  EXPECT_EQ(server_
                .Call([&](grpc::ClientContext* c) {
                  return server_.rules().DryRun(c, request, &response);
                })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RuleServiceTest, DryRunCanStartFromTheCurrentLoad) {
  // Stored: "vip" used its 2/day on ana; "ads" gave its round-robin turns to two reps in a row.
  std::vector<std::string> owners;
  for (const v1::Lead& lead : {MakeLead("v1", "web", 95), MakeLead("v2", "web", 95),
                               MakeLead("a1", "ads", 10), MakeLead("a2", "ads", 10)}) {
    v1::AssignResponse assigned;
    ASSERT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().Assign(c, AssignOf(lead), &assigned);
                    })
                    .ok());
    owners.push_back(assigned.lead().owner());
  }
  ASSERT_EQ(owners[0], "reps/ana");
  ASSERT_EQ(owners[1], "reps/ana");
  ASSERT_NE(owners[2], owners[3]);

  v1::DryRunRequest request;
  *request.add_leads() = MakeLead("vip", "web", 95);
  *request.add_leads() = MakeLead("ads1", "ads", 10);
  *request.add_leads() = MakeLead("ads2", "ads", 10);
  const auto dry_run = [&](bool from_current_load) {
    request.set_start_from_current_load(from_current_load);
    v1::DryRunResponse response;
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return server_.rules().DryRun(c, request, &response); });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };

  const v1::DryRunResponse empty = dry_run(false);
  ASSERT_EQ(empty.results_size(), 3);
  EXPECT_EQ(empty.results(0).rep(), "reps/ana");  // every cap starts empty

  const v1::DryRunResponse current = dry_run(true);
  ASSERT_EQ(current.results_size(), 3);
  EXPECT_EQ(current.results(0).outcome(), v1::OUTCOME_UNASSIGNED);  // ana's vip cap is used up
  // Round robin continues from the stored turns: the rep who waited longest first, then the other.
  EXPECT_EQ(current.results(1).rep(), owners[2]);
  EXPECT_EQ(current.results(2).rep(), owners[3]);
}

TEST(RuleServiceEmptyTest, NoRulesMeansUnassignedAndNoActiveVersion) {
  ServerHarness server({.reps_csv = kTestReps});
  ASSERT_OK(server.status());
  v1::GetRulesRequest get;
  v1::GetRulesResponse rules;
  EXPECT_EQ(
      server.Call([&](grpc::ClientContext* c) { return server.rules().GetRules(c, get, &rules); })
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::AssignResponse response;
  ASSERT_TRUE(server
                  .Call([&](grpc::ClientContext* c) {
                    return server.assignments().Assign(c, AssignOf(MakeLead("x", "ads", 50)),
                                                       &response);
                  })
                  .ok());
  EXPECT_EQ(response.assignment().unassigned_reason(), v1::UNASSIGNED_REASON_NO_ACTIVE_RULES);
  v1::DryRunRequest dry;
  *dry.add_leads() = MakeLead("y", "ads", 50);
  v1::DryRunResponse dry_response;
  const grpc::Status status = server.Call(
      [&](grpc::ClientContext* c) { return server.rules().DryRun(c, dry, &dry_response); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NO_ACTIVE_RULES");
}

}  // namespace
}  // namespace leadrouter::testing
