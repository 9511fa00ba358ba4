// Rep performance fields on a real server with a simulated clock: outcomes recorded through the
// API change the next decision (shrunk figures asserted from the stored explanation), a restart
// rebuilds the same figures from history, leads older than the window stop counting, and the
// fields work in `require`, `prefer` and `weighted`.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/api/clock.h"
#include "status_matchers.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

// "ann" / "bob" leads go to that rep; the others rank or filter by the performance fields.
constexpr char kRules[] = R"(rule "to ann"
  when source == "ann"
  require id == "ann"

rule "to bob"
  when source == "bob"
  require id == "bob"

rule "best"
  when source == "best"
  prefer conversion_rate

rule "reliable"
  when source == "reliable"
  require sla_compliance > 0.8

rule "fast"
  when source == "fast"
  prefer -median_first_contact_hours

rule "weighted"
  when source == "weighted"
  distribute weighted(conversion_rate)
)";

constexpr char kReps[] = "id,name,team,status\nann,Ann,east,active\nbob,Bob,east,active\n";

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

class RepPerformanceTest : public ::testing::Test {
 protected:
  RepPerformanceTest()
      : clock_(kStart),
        server_({.rules = kRules, .reps_csv = kReps, .configure = [this](server::ServerOptions& o) {
                   o.clock = &clock_;
                   o.sla_sweep_interval = std::chrono::milliseconds(0);
                   o.performance_window = std::chrono::hours(24 * 30);
                 }}) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  // Assigns lead `id` from `source`; returns the owner's id ("" when unassigned).
  std::string Assign(const std::string& id, const std::string& source) {
    v1::AssignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(MakeLead(id, source, 50)), &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    const std::string& rep = response.assignment().rep();
    return rep.empty() ? "" : rep.substr(std::string("reps/").size());
  }
  void Close(const std::string& id, bool won) {
    v1::CloseLeadRequest close;
    close.set_lead("leads/" + id);
    close.set_resolution(won ? v1::CLOSE_RESOLUTION_WON : v1::CLOSE_RESOLUTION_LOST);
    close.set_actor("crm");
    close.set_reason("outcome from the CRM");
    v1::CloseLeadResponse closed;
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return server_.assignments().CloseLead(c, close, &closed); });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  void Contact(const std::string& id, const std::string& rep) {
    v1::RecordFollowUpRequest request;
    v1::FollowUp& followup = *request.mutable_followup();
    followup.set_lead("leads/" + id);
    followup.set_rep("reps/" + rep);
    followup.set_channel(v1::CHANNEL_PHONE);
    followup.set_outcome(v1::FOLLOW_UP_OUTCOME_NO_ANSWER);
    v1::RecordFollowUpResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.followups().RecordFollowUp(c, request, &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // rep id -> the first rank key of the deciding rule's candidates in the stored explanation.
  std::map<std::string, double> RankKeys(const std::string& id) {
    v1::ExplainRequest request;
    request.set_name("leads/" + id);
    v1::ExplainResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Explain(c, request, &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, double> keys;
    for (const v1::RuleTrace& rule : response.explanation().rules()) {
      for (const v1::CandidateTrace& candidate : rule.candidates()) {
        if (candidate.has_ranked() && candidate.ranked().rank_keys_size() > 0) {
          keys[candidate.rep().substr(std::string("reps/").size())] =
              candidate.ranked().rank_keys(0);
        }
      }
    }
    return keys;
  }

  server::SimulatedClock clock_;
  ServerHarness server_;
};

// ann converted 3 of 3, bob 1 of 3; k = 10, team east = both:
//   org  = (4 + 10 * 0.5) / 16           = 0.5625
//   team = (4 + 10 * 0.5625) / 16        = 0.6015625
//   ann  = (3 + 10 * 0.6015625) / 13     = 9.015625 / 13
//   bob  = (1 + 10 * 0.6015625) / 13     = 7.015625 / 13
TEST_F(RepPerformanceTest, OutcomesChangeTheNextDecisionSurviveARestartAndLeaveTheWindow) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Assign("a" + std::to_string(i), "ann"), "ann");
    ASSERT_EQ(Assign("b" + std::to_string(i), "bob"), "bob");
  }
  // Before any outcome both have the neutral rate.
  ASSERT_NE(Assign("before", "best"), "");
  EXPECT_EQ(RankKeys("before"), (std::map<std::string, double>{{"ann", 0.5}, {"bob", 0.5}}));

  for (int i = 0; i < 3; ++i) {
    Close("a" + std::to_string(i), true);
    Close("b" + std::to_string(i), i == 0);
  }
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(Assign("after", "best"), "ann");
  std::map<std::string, double> keys = RankKeys("after");
  EXPECT_NEAR(keys["ann"], 9.015625 / 13, 1e-12);
  EXPECT_NEAR(keys["bob"], 7.015625 / 13, 1e-12);

  server_.Restart();
  ASSERT_OK(server_.status());
  EXPECT_EQ(Assign("restarted", "best"), "ann");
  keys = RankKeys("restarted");
  EXPECT_NEAR(keys["ann"], 9.015625 / 13, 1e-12);
  EXPECT_NEAR(keys["bob"], 7.015625 / 13, 1e-12);

  // The window is 30 days from when the reps got the leads.
  clock_.Advance(absl::Hours(24 * 30));
  ASSERT_NE(Assign("later", "best"), "");
  EXPECT_EQ(RankKeys("later"), (std::map<std::string, double>{{"ann", 0.5}, {"bob", 0.5}}));
}

TEST_F(RepPerformanceTest, SlaComplianceAndFirstContactInRequireAndPrefer) {
  // Every lead has the server's default SLA (24h). ann contacts hers after 2h, within it; bob
  // never contacts his, and his deadline passes.
  ASSERT_EQ(Assign("a", "ann"), "ann");
  ASSERT_EQ(Assign("b", "bob"), "bob");
  clock_.Advance(absl::Hours(2));
  Contact("a", "ann");
  clock_.Advance(absl::Hours(23));

  // sla: org = (1 + 10 * 1) / 12 = 11/12; team = (1 + 10 * 11/12) / 12 = 10.1667 / 12 = 0.847;
  // bob = (0 + 10 * team) / 11 = 0.770 < 0.8, ann = (1 + 10 * team) / 11 = 0.861.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Assign("r" + std::to_string(i), "reliable"), "ann");

  // first contact: org = (1 * 2 + 10 * 0) / 11; team = (2 + 10 * org) / 11; bob has no contact:
  // the team's figure; ann = (2 + 10 * team) / 11, above it (slower).
  EXPECT_EQ(Assign("f", "fast"), "bob");
  const double org = 2.0 / 11;
  const double team = (2 + 10 * org) / 11;
  const std::map<std::string, double> keys = RankKeys("f");
  EXPECT_NEAR(keys.at("bob"), -team, 1e-12);
  EXPECT_NEAR(keys.at("ann"), -(2 + 10 * team) / 11, 1e-12);

  // weighted(conversion_rate): nobody closed a lead, both weigh the neutral 0.5 and share.
  std::map<std::string, int> shares;
  for (int i = 0; i < 4; ++i) ++shares[Assign("w" + std::to_string(i), "weighted")];
  EXPECT_EQ(shares, (std::map<std::string, int>{{"ann", 2}, {"bob", 2}}));
}

}  // namespace
}  // namespace leadrouter::testing
