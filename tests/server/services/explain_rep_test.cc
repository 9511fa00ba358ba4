// AssignmentService.Explain with `rep`: the stored explanation is bounded, and "why not rep X" is
// still answered exactly for every rep of the roster, also after the rep and the roster changed:
// the trace equals the one a full explanation of the same decision gives, computed here by a twin
// of the server that runs dsl's Decide on an in-memory state fed with the same decisions.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/api/dsl_binding.h"
#include "server/api/explanation_proto.h"
#include "server/rules/rule_registry.h"
#include "status_matchers.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

constexpr char kRules[] = R"(rule "big"
  when quality >= 50
  require level >= 2
  cap 3/day
  prefer level
  distribute round_robin

rule "rest"
  when true
  distribute least_loaded
)";

// 40 reps r00..r39: level i % 5, every ninth away, every seventh with a daily_cap of 1.
std::string Roster() {
  std::string csv = "id,name,team,status,level,daily_cap\n";
  for (int i = 0; i < 40; ++i) {
    absl::StrAppendFormat(&csv, "r%02d,Rep %d,,%s,%d,%s\n", i, i, i % 9 == 4 ? "away" : "active",
                          i % 5, i % 7 == 6 ? "1" : "");
  }
  return csv;
}

uint64_t SequenceOf(const std::string& assignment) {
  uint64_t sequence = 0;
  const size_t at = assignment.find("/assignments/");
  EXPECT_NE(at, std::string::npos);
  EXPECT_TRUE(absl::SimpleHexAtoi(assignment.substr(at + 13), &sequence)) << assignment;
  return sequence;
}

class ExplainRepTest : public ::testing::Test {
 protected:
  ExplainRepTest() : server_({.rules = kRules, .reps_csv = Roster()}) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  grpc::Status Explain(const std::string& name, const std::string& rep,
                       v1::ExplainResponse* response) {
    v1::ExplainRequest request;
    request.set_name(name);
    request.set_rep(rep);
    return server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Explain(c, request, response);
    });
  }
  std::string Assign(const std::string& id, double quality) {
    v1::AssignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(MakeLead(id, "web", quality)), &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.assignment().name();
  }
  std::vector<v1::Rep> Reps() {
    v1::ListRepsRequest request;
    request.set_page_size(1000);
    v1::ListRepsResponse response;
    EXPECT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.reps().List(c, request, &response);
                    })
                    .ok());
    return {response.reps().begin(), response.reps().end()};
  }

  ServerHarness server_;
};

TEST_F(ExplainRepTest, AnyRepsTraceIsTheFullExplanationsEvenAfterTheRosterChanged) {
  // Decisions that fill caps and turns; the last one is the one explained.
  std::vector<std::string> entries;
  for (int i = 0; i <= 30; ++i) {
    entries.push_back(Assign(absl::StrCat("l", i), i % 3 == 2 ? 20 : 80));
  }
  const std::string target = entries.back();
  const std::vector<v1::Rep> reps_then = Reps();
  ASSERT_EQ(reps_then.size(), 40u);

  // The twin: the published rules, the roster, and every decision replayed on an in-memory state.
  v1::GetRulesResponse rules;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.rules().GetRules(c, v1::GetRulesRequest(), &rules);
                  })
                  .ok());
  const server::RuleRegistry::Compiled compiled =
      server::RuleRegistry::CompileSource(rules.version().file_name(), rules.version().source());
  ASSERT_NE(compiled.program, nullptr);
  std::vector<dsl::RepInfo> infos;
  for (const v1::Rep& rep : reps_then) infos.push_back(server::ToRepInfo(rep));
  absl::StatusOr<dsl::Roster> roster = dsl::Roster::Bind(compiled.program, infos);
  ASSERT_TRUE(roster.ok()) << roster.status();
  dsl::InMemoryDecisionState state;
  dsl::DecisionWorkspace workspace;
  v1::Explanation full;
  v1::Explanation stored;
  for (const std::string& entry : entries) {
    v1::ExplainResponse explained;
    ASSERT_TRUE(Explain(entry, "", &explained).ok());
    const v1::Explanation& ex = explained.explanation();
    dsl::DecideOptions options;
    options.rule_version = ex.rule_version();
    options.lead_id = server::IdOf(ex.lead());
    options.max_explained_candidates = std::numeric_limits<size_t>::max();
    absl::StatusOr<dsl::Decision> d = dsl::Decide(
        *compiled.program, compiled.program->BindLead(server::LeadAttributes(ex.lead_snapshot())),
        *roster, state, {ex.decide_time().seconds(), SequenceOf(entry)}, dsl::PeriodCalendar(),
        options, workspace);
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_EQ(server::RepName(d->rep_id), ex.rep()) << entry;
    if (d->delta) state.Apply(*d->delta);
    if (entry == target) {
      full = server::ToExplanationProto(d->explanation, *compiled.source);
      stored = ex;
    }
  }
  ASSERT_EQ(full.rules_size(), stored.rules_size());
  // Stored without the file in each range, read back with it.
  EXPECT_EQ(stored.rules(0).rule().range().file(), rules.version().file_name());
  EXPECT_TRUE(MessageDifferencer::Equals(stored.rules(0).rule(), full.rules(0).rule()));

  // Afterwards the roster changes: a rep goes away, one is created, one removed, and more leads
  // move the counters on.
  const std::string changed = "reps/r09";
  const std::string removed = "reps/r13";  // away, owns no lead
  {
    v1::SetRepStatusRequest request;
    request.set_name(changed);
    request.set_status(v1::REP_STATUS_AWAY);
    request.set_actor("test");
    request.set_reason("lunch");
    v1::SetRepStatusResponse response;
    ASSERT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.reps().SetStatus(c, request, &response);
                    })
                    .ok());
  }
  {
    v1::UpsertRepRequest request;
    request.mutable_rep()->set_name("reps/zz");
    request.mutable_rep()->set_level(4);
    request.set_actor("test");
    v1::UpsertRepResponse response;
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().Upsert(c, request, &response); });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    v1::RemoveRepRequest request;
    request.set_name(removed);
    request.set_actor("test");
    request.set_reason("left");
    v1::RemoveRepResponse response;
    const grpc::Status status = server_.Call(
        [&](grpc::ClientContext* c) { return server_.reps().Remove(c, request, &response); });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (int i = 0; i < 5; ++i) Assign(absl::StrCat("later", i), 80);

  // Every rep of the roster then, listed in the stored explanation or not: its trace in each rule
  // is the full explanation's.
  std::set<std::string> listed;
  for (const v1::RuleTrace& rule : stored.rules()) {
    for (const v1::CandidateTrace& c : rule.candidates()) listed.insert(c.rep());
  }
  int unlisted = 0;
  for (const v1::Rep& rep : reps_then) {
    SCOPED_TRACE(rep.name());
    unlisted += !listed.contains(rep.name());
    v1::ExplainResponse explained;
    const grpc::Status status = Explain(target, rep.name(), &explained);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const v1::Explanation& ex = explained.explanation();
    EXPECT_EQ(ex.rep(), stored.rep());
    EXPECT_EQ(ex.assignment(), target);
    ASSERT_EQ(ex.rules_size(), full.rules_size());
    for (int r = 0; r < full.rules_size(); ++r) {
      const v1::RuleTrace& f = full.rules(r);
      const v1::RuleTrace& got = ex.rules(r);
      EXPECT_EQ(got.rule().name(), f.rule().name());
      EXPECT_EQ(got.result(), f.result());
      EXPECT_EQ(got.candidate_count(), f.candidate_count());
      const v1::CandidateTrace* expected = nullptr;
      for (const v1::CandidateTrace& c : f.candidates()) {
        if (c.rep() == rep.name()) expected = &c;
      }
      if (expected == nullptr) {
        EXPECT_EQ(got.candidates_size(), 0);
        continue;
      }
      ASSERT_EQ(got.candidates_size(), 1);
      EXPECT_TRUE(MessageDifferencer::Equals(got.candidates(0), *expected))
          << got.candidates(0).ShortDebugString() << "\nvs\n"
          << expected->ShortDebugString();
    }
    EXPECT_THAT(explained.text(), HasSubstr(rep.name()));
  }
  // The bounded explanation left some reps out: those were recomputed.
  EXPECT_GT(unlisted, 10);
  EXPECT_LT(listed.size(), reps_then.size());
}

TEST_F(ExplainRepTest, UnknownRepIsNotFoundAndABadOneInvalid) {
  const std::string entry = Assign("l1", 80);
  {
    v1::UpsertRepRequest request;
    request.mutable_rep()->set_name("reps/newcomer");
    request.set_actor("test");
    v1::UpsertRepResponse response;
    ASSERT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.reps().Upsert(c, request, &response);
                    })
                    .ok());
  }
  v1::ExplainResponse response;
  // Created after the decision: not on its roster.
  grpc::Status status = Explain(entry, "reps/newcomer", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("rep: reps/newcomer"));
  status = Explain(entry, "reps/nobody", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("rep: reps/nobody"));
  for (const std::string bad : {"nobody", "leads/l1", "reps/", "reps/a b"}) {
    status = Explain(entry, bad, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(BadField(status), "rep") << bad;
  }
  // The lead's name works as for Explain without a rep.
  status = Explain("leads/l1", "reps/r00", &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.assignment().name(), entry);
}

TEST_F(ExplainRepTest, AManualAssignmentHasNoRepTraces) {
  Assign("l1", 80);
  v1::ReassignRequest request;
  request.set_lead("leads/l1");
  request.set_rep("reps/r00");
  request.set_actor("maria");
  request.set_reason("asked for her");
  v1::ReassignResponse reassigned;
  const grpc::Status moved = server_.Call([&](grpc::ClientContext* c) {
    return server_.assignments().Reassign(c, request, &reassigned);
  });
  ASSERT_TRUE(moved.ok()) << moved.error_message();
  v1::ExplainResponse response;
  const grpc::Status status = Explain(reassigned.assignment().name(), "reps/r01", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NOT_DECIDED_BY_RULES");
}

// Removing a rep with REASSIGN re-decides its leads with the rep still on the roster, excluded:
// the rebuilt roster of those decisions has it too.
TEST_F(ExplainRepTest, TheRosterOfAReassignOnRemovalStillHasTheRemovedRep) {
  const std::string first = Assign("l1", 80);
  v1::ExplainResponse explained;
  ASSERT_TRUE(Explain(first, "", &explained).ok());
  const std::string owner = explained.explanation().rep();
  v1::RemoveRepRequest request;
  request.set_name(owner);
  request.set_open_leads(v1::OPEN_LEADS_POLICY_REASSIGN);
  request.set_actor("test");
  request.set_reason("left");
  v1::RemoveRepResponse removed;
  const grpc::Status status = server_.Call(
      [&](grpc::ClientContext* c) { return server_.reps().Remove(c, request, &removed); });
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(removed.reassigned_leads(), 1);
  // The lead's current assignment is the reassign made by the removal.
  v1::ExplainResponse why;
  const grpc::Status traced = Explain("leads/l1", owner, &why);
  ASSERT_TRUE(traced.ok()) << traced.error_message();
  EXPECT_NE(why.assignment().name(), first);
  ASSERT_GE(why.explanation().rules_size(), 1);
  const v1::RuleTrace& rule = why.explanation().rules(0);
  ASSERT_EQ(rule.candidates_size(), 1);
  EXPECT_EQ(rule.candidates(0).rep(), owner);
  EXPECT_EQ(rule.candidates(0).removed().reason(), v1::REMOVAL_REASON_EXCLUDED);
  EXPECT_EQ(rule.candidate_count(), 40);
}

}  // namespace
}  // namespace leadrouter::testing
