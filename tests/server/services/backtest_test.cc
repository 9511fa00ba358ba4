// RuleService.Backtest against a real server seeded over several simulated days (the server's
// test clock): a rep away for part of a day, another off for a day, caps reached, a manual
// reassignment and a close in between. The active version's backtest reproduces history exactly;
// a changed rule moves exactly the leads computed here from history alone; nothing is written;
// bad requests name their field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/api/clock.h"
#include "status_matchers.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

constexpr char kRules[] = R"(rule "big"
  when quality >= 50
  cap 2/day
  distribute round_robin

rule "rest"
  when true
  distribute least_loaded
)";

constexpr char kReps[] =
    "id,name,team,status\nana,Ana,a,active\nbob,Bob,b,active\ncy,Cy,b,active\n";

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);  // 2027-01-15 08:00 UTC
constexpr int kDays = 3;
constexpr int kLeadsPerDay = 10;

class BacktestTest : public ::testing::Test {
 protected:
  BacktestTest()
      : clock_(kStart),
        server_({.rules = kRules, .reps_csv = kReps, .configure = [this](server::ServerOptions& o) {
                   o.clock = &clock_;
                 }}) {}
  void SetUp() override {
    ASSERT_OK(server_.status());
    Seed();
  }

  void Assign(const std::string& id, double quality) {
    v1::AssignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(MakeLead(id, "web", quality)), &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  void SetStatus(const std::string& rep, v1::RepStatus status) {
    v1::SetRepStatusRequest request;
    request.set_name("reps/" + rep);
    request.set_status(status);
    request.set_actor("test");
    v1::SetRepStatusResponse response;
    const grpc::Status done = server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().SetStatus(c, request, &response); });
    ASSERT_TRUE(done.ok()) << done.error_message();
  }
  void Reassign(const std::string& lead, const std::string& rep) {
    v1::ReassignRequest request;
    request.set_lead("leads/" + lead);
    request.set_rep("reps/" + rep);
    request.set_actor("test");
    request.set_reason("customer asked");
    request.set_force(true);
    v1::ReassignResponse response;
    const grpc::Status done = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Reassign(c, request, &response);
    });
    ASSERT_TRUE(done.ok()) << done.error_message();
  }
  void Close(const std::string& lead) {
    v1::CloseLeadRequest request;
    request.set_lead("leads/" + lead);
    request.set_resolution(v1::CLOSE_RESOLUTION_WON);
    request.set_actor("test");
    request.set_reason("signed");
    v1::CloseLeadResponse response;
    const grpc::Status done = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().CloseLead(c, request, &response);
    });
    ASSERT_TRUE(done.ok()) << done.error_message();
  }

  // Three days of leads, 30 minutes apart; every third is low quality. Day 0: a manual
  // reassignment and a close between decisions. Day 1: bob away from the fourth lead to the
  // eighth. Day 2: cy off all day.
  void Seed() {
    for (int day = 0; day < kDays; ++day) {
      clock_.Set(kStart + absl::Hours(24 * day));
      if (day == 2) SetStatus("cy", v1::REP_STATUS_OFF);
      for (int i = 0; i < kLeadsPerDay; ++i) {
        if (day == 1 && i == 3) SetStatus("bob", v1::REP_STATUS_AWAY);
        if (day == 1 && i == 8) SetStatus("bob", v1::REP_STATUS_ACTIVE);
        Assign(absl::StrCat("d", day, "-", i), i % 3 == 2 ? 20 : 80);
        if (day == 0 && i == 4) Reassign("d0-1", "cy");
        if (day == 0 && i == 6) Close("d0-3");
        clock_.Advance(absl::Minutes(30));
      }
    }
    clock_.Set(kStart + absl::Hours(24 * kDays));
  }

  grpc::Status Backtest(v1::BacktestRequest request, v1::BacktestResponse* response) {
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.rules().Backtest(c, request, response); });
  }
  static v1::BacktestRequest Range(absl::Time from, absl::Time to) {
    v1::BacktestRequest request;
    request.mutable_decide_time()->mutable_start_time()->set_seconds(absl::ToUnixSeconds(from));
    request.mutable_decide_time()->mutable_end_time()->set_seconds(absl::ToUnixSeconds(to));
    request.set_max_changes(1000);
    return request;
  }
  v1::ListAssignmentsResponse History(v1::ListAssignmentsRequest request) {
    request.set_page_size(1000);
    v1::ListAssignmentsResponse response;
    EXPECT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().ListAssignments(c, request, &response);
                    })
                    .ok());
    return response;
  }
  // Every first automatic decision, oldest first.
  std::vector<v1::Assignment> FirstDecisions() {
    v1::ListAssignmentsRequest request;
    request.add_kinds(v1::ASSIGNMENT_KIND_ASSIGN);
    request.set_oldest_first(true);
    const v1::ListAssignmentsResponse response = History(request);
    return {response.assignments().begin(), response.assignments().end()};
  }
  v1::ListAssignmentsResponse AllHistory() { return History({}); }

  server::SimulatedClock clock_;
  ServerHarness server_;
};

void ExpectSidesEqual(const v1::BacktestResponse& r) {
  ASSERT_EQ(r.actual().reps_size(), r.candidate().reps_size());
  for (int i = 0; i < r.actual().reps_size(); ++i) {
    EXPECT_EQ(r.actual().reps(i).count(), r.candidate().reps(i).count())
        << r.actual().reps(i).rep();
    EXPECT_DOUBLE_EQ(r.actual().reps(i).quality_sum(), r.candidate().reps(i).quality_sum());
  }
  EXPECT_EQ(r.actual().unassigned(), r.candidate().unassigned());
  EXPECT_DOUBLE_EQ(r.actual().gini_count(), r.candidate().gini_count());
  EXPECT_DOUBLE_EQ(r.actual().gini_quality(), r.candidate().gini_quality());
}

TEST_F(BacktestTest, TheSeedHitsCapsAndRepChanges) {
  // The history the exactness tests stand on: the cap sent good leads to "rest", bob got nothing
  // while away, cy nothing while off.
  int capped = 0;
  for (const v1::Assignment& entry : FirstDecisions()) {
    const std::string lead(entry.lead());
    if (entry.rule().name() == "rest" && lead.back() != '2' && lead.back() != '5' &&
        lead.back() != '8') {
      ++capped;
    }
    if (lead >= "leads/d1-3" && lead <= "leads/d1-7") {
      EXPECT_NE(entry.rep(), "reps/bob") << lead;
    }
    if (lead.starts_with("leads/d2-")) {
      EXPECT_NE(entry.rep(), "reps/cy") << lead;
    }
  }
  EXPECT_GT(capped, 0);
}

TEST_F(BacktestTest, TheActiveVersionReproducesHistoryExactly) {
  v1::BacktestResponse response;
  ASSERT_TRUE(Backtest(Range(kStart, kStart + absl::Hours(24 * kDays)), &response).ok());
  EXPECT_EQ(response.leads(), kDays * kLeadsPerDay);
  EXPECT_EQ(response.changed(), 0);
  EXPECT_EQ(response.changes_size(), 0) << response.changes(0).DebugString();
  EXPECT_EQ(response.version(), 1);
  EXPECT_FALSE(response.truncated());
  ExpectSidesEqual(response);
}

TEST_F(BacktestTest, ARangeStartingMidHistoryStartsFromTheCountersOfItsStart) {
  // Day 1 onwards: the round-robin turns, open leads and day-0 history come from before the range.
  for (const absl::Time from : {kStart + absl::Hours(24), kStart + absl::Hours(24 + 2)}) {
    v1::BacktestResponse response;
    ASSERT_TRUE(Backtest(Range(from, kStart + absl::Hours(24 * kDays)), &response).ok());
    EXPECT_GT(response.leads(), 0);
    EXPECT_EQ(response.changed(), 0) << absl::FormatTime(from);
    ExpectSidesEqual(response);
  }
}

TEST_F(BacktestTest, TheRosterEachDecisionSawIsReplayedNotTodays) {
  // With today's roster (cy off) forced on the whole range, the same rules decide differently:
  // the replay's exactness above comes from the rep changes being replayed at their times.
  v1::ListRepsRequest list;
  list.set_page_size(100);
  v1::ListRepsResponse reps;
  ASSERT_TRUE(
      server_.Call([&](grpc::ClientContext* c) { return server_.reps().List(c, list, &reps); })
          .ok());
  v1::BacktestRequest request = Range(kStart, kStart + absl::Hours(24 * kDays));
  *request.mutable_reps() = reps.reps();
  v1::BacktestResponse response;
  ASSERT_TRUE(Backtest(request, &response).ok());
  EXPECT_GT(response.changed(), 0);
  for (const v1::BacktestChange& change : response.changes()) {
    EXPECT_NE(change.candidate_rep(), "reps/cy") << change.lead();
  }
}

TEST_F(BacktestTest, AChangedRuleMovesExactlyTheLeadsItShould) {
  // Everything to ana (team "a"), at most 4 a day, the rest unassigned. Computed here from history:
  // each day's first 4 leads go to ana, the others to nobody.
  v1::BacktestRequest request = Range(kStart, kStart + absl::Hours(24 * kDays));
  request.set_source(R"(rule "ana"
  when true
  team "a"
  cap 4/day

otherwise unassigned
)");
  v1::BacktestResponse response;
  const grpc::Status status = Backtest(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::set<std::string> expected;
  int ana = 0;
  for (const v1::Assignment& entry : FirstDecisions()) {
    const std::string lead = entry.lead();
    const int index = std::stoi(lead.substr(lead.find('-') + 1));
    const std::string candidate = index < 4 ? "reps/ana" : "";
    ana += candidate.empty() ? 0 : 1;
    if (entry.rep() != candidate) expected.insert(lead);
  }
  std::set<std::string> moved;
  for (const v1::BacktestChange& change : response.changes()) {
    moved.insert(change.lead());
    EXPECT_FALSE(change.candidate_summary().text().empty());
    EXPECT_FALSE(change.actual_summary().text().empty());
    if (change.candidate_rep().empty()) {
      EXPECT_EQ(change.candidate_outcome(), v1::OUTCOME_UNASSIGNED);
      EXPECT_NE(change.candidate_unassigned_reason(), v1::UNASSIGNED_REASON_UNSPECIFIED);
      EXPECT_FALSE(change.candidate_why().empty());
    } else {
      EXPECT_EQ(change.candidate_rule().name(), "ana");
    }
  }
  EXPECT_EQ(moved, expected);
  EXPECT_EQ(response.changed(), static_cast<int>(expected.size()));
  EXPECT_EQ(response.version(), 0);
  EXPECT_EQ(response.candidate().unassigned(), kDays * kLeadsPerDay - ana);
  int candidate_ana = -1;
  for (const v1::RepTally& rep : response.candidate().reps()) {
    if (rep.rep() == "reps/ana") candidate_ana = rep.count();
  }
  EXPECT_EQ(candidate_ana, ana);
  ASSERT_EQ(response.candidate().rules_size(), 2);
  EXPECT_EQ(response.candidate().rules(0).count(), ana);
}

TEST_F(BacktestTest, NothingIsWritten) {
  const v1::ListAssignmentsResponse before = AllHistory();
  v1::BacktestRequest request = Range(kStart, kStart + absl::Hours(24 * kDays));
  request.set_source("rule \"all\"\n  when true\n  team \"b\"\n");
  v1::BacktestResponse first;
  ASSERT_TRUE(Backtest(request, &first).ok());
  v1::BacktestResponse second;
  ASSERT_TRUE(Backtest(request, &second).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(first, second));
  EXPECT_TRUE(MessageDifferencer::Equals(before, AllHistory()));
  // The counters still agree with history (the check stops the server), and the replay after a
  // restart is still exact.
  ExpectCountersAgree(server_);
  server_.Restart();
  ASSERT_OK(server_.status());
  v1::BacktestResponse again;
  ASSERT_TRUE(Backtest(Range(kStart, kStart + absl::Hours(24 * kDays)), &again).ok());
  EXPECT_EQ(again.changed(), 0);
}

TEST_F(BacktestTest, MaxLeadsReplaysTheOldestAndSaysTruncated) {
  v1::BacktestRequest request = Range(kStart, kStart + absl::Hours(24 * kDays));
  request.set_max_leads(7);
  v1::BacktestResponse response;
  ASSERT_TRUE(Backtest(request, &response).ok());
  EXPECT_EQ(response.leads(), 7);
  EXPECT_TRUE(response.truncated());
  EXPECT_EQ(response.changed(), 0);
}

TEST_F(BacktestTest, BadRulesAreInvalidArgumentWithLineAndColumn) {
  v1::BacktestRequest request = Range(kStart, kStart + absl::Hours(1));
  request.set_source("rule \"x\"\n  when quality >= \n");
  request.set_file_name("new.rules");
  v1::BacktestResponse response;
  const grpc::Status status = Backtest(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("new.rules:"));
  EXPECT_EQ(ErrorReason(status), "RULE_ERRORS");
  v1::RuleDiagnostics diagnostics;
  bool found = false;
  const v1::ErrorStatus details = Details(status);
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&diagnostics)) found = true;
  }
  ASSERT_TRUE(found);
  ASSERT_GT(diagnostics.diagnostics_size(), 0);
  EXPECT_GT(diagnostics.diagnostics(0).range().line(), 0);
  EXPECT_GT(diagnostics.diagnostics(0).range().column(), 0);
}

TEST_F(BacktestTest, UnknownVersionIsNotFound) {
  v1::BacktestRequest request = Range(kStart, kStart + absl::Hours(1));
  request.set_version(99);
  v1::BacktestResponse response;
  const grpc::Status status = Backtest(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("rules/versions/99"));
}

TEST_F(BacktestTest, BadRangeAndLimitsAreInvalidArgumentNamingTheField) {
  v1::BacktestResponse response;
  grpc::Status status =
      Backtest(Range(kStart + absl::Hours(2), kStart + absl::Hours(1)), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadField(status), HasSubstr("decide_time"));
  status = Backtest(Range(kStart, kStart), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "decide_time");
  v1::BacktestRequest request = Range(kStart, kStart + absl::Hours(1));
  request.set_max_leads(-1);
  status = Backtest(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "max_leads");
}

}  // namespace
}  // namespace leadrouter::testing
