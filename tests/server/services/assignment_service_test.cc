// AssignmentService through real gRPC: Assign, AssignBatch, Reassign, SetPin, GetLead,
// ListAssignments, Explain; happy paths and every error status.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "status_matchers.h"
#include "storage/audit_log.h"
#include "storage/read_view.h"
#include "storage/storage.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class AssignmentServiceTest : public ::testing::Test {
 protected:
  AssignmentServiceTest() : server_({.rules = kTestRules, .reps_csv = kTestReps}) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  grpc::Status Assign(const v1::AssignRequest& request, v1::AssignResponse* response) {
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.assignments().Assign(c, request, response); });
  }
  v1::AssignResponse MustAssign(const v1::Lead& lead, const std::string& key = "") {
    v1::AssignResponse response;
    const grpc::Status status = Assign(AssignOf(lead, key), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  grpc::Status Reassign(const v1::ReassignRequest& request, v1::ReassignResponse* response) {
    return server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Reassign(c, request, response);
    });
  }
  grpc::Status GetLead(const std::string& name, v1::GetLeadResponse* response) {
    v1::GetLeadRequest request;
    request.set_name(name);
    return server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().GetLead(c, request, response);
    });
  }
  grpc::Status List(const v1::ListAssignmentsRequest& request,
                    v1::ListAssignmentsResponse* response) {
    return server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().ListAssignments(c, request, response);
    });
  }

  ServerHarness server_;
};

TEST_F(AssignmentServiceTest, AssignDecidesStoresAndExplains) {
  const v1::AssignResponse response = MustAssign(MakeLead("l1", "web", 95));
  const v1::Assignment& entry = response.assignment();
  EXPECT_EQ(entry.outcome(), v1::OUTCOME_ASSIGNED);
  EXPECT_EQ(entry.rep(), "reps/ana");
  EXPECT_EQ(entry.rule().name(), "vip");
  EXPECT_EQ(entry.rule().index(), 1);
  EXPECT_EQ(entry.rule_version(), 1);
  EXPECT_EQ(entry.kind(), v1::ASSIGNMENT_KIND_ASSIGN);
  EXPECT_EQ(entry.actor(), "test");
  EXPECT_THAT(entry.name(), StartsWith("leads/l1/assignments/"));
  EXPECT_THAT(entry.explanation().text(), HasSubstr("vip"));
  EXPECT_FALSE(response.replayed());
  EXPECT_EQ(response.lead().owner(), "reps/ana");
  EXPECT_EQ(response.lead().state(), v1::LEAD_STATE_OPEN);

  v1::GetLeadResponse lead;
  ASSERT_TRUE(GetLead("leads/l1", &lead).ok());
  EXPECT_EQ(lead.lead().owner(), "reps/ana");
  EXPECT_EQ(lead.lead().current_assignment(), entry.name());
  EXPECT_EQ(lead.current_assignment().name(), entry.name());
  EXPECT_TRUE(lead.lead().has_receive_time());

  v1::ExplainRequest explain_request;
  explain_request.set_name(entry.name());
  v1::ExplainResponse explained;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().Explain(c, explain_request, &explained);
                  })
                  .ok());
  EXPECT_EQ(explained.assignment().name(), entry.name());
  EXPECT_EQ(explained.explanation().rep(), "reps/ana");
  EXPECT_EQ(explained.explanation().lead_snapshot().quality(), 95);
  ASSERT_GE(explained.explanation().rules_size(), 1);
  // Every rep of the roster is a candidate of the deciding rule, with a reason when removed.
  EXPECT_EQ(explained.explanation().rules(0).candidates_size(), 5);
  EXPECT_THAT(explained.text(), HasSubstr("reps/ben: removed, require failed"));

  // By lead name: its current assignment.
  explain_request.set_name("leads/l1");
  v1::ExplainResponse by_lead;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().Explain(c, explain_request, &by_lead);
                  })
                  .ok());
  EXPECT_EQ(by_lead.assignment().name(), entry.name());
}

TEST_F(AssignmentServiceTest, BadInputIsInvalidArgumentNamingTheField) {
  struct Case {
    std::string label;
    std::function<void(v1::AssignRequest&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"missing name", [](auto& r) { r.mutable_lead()->clear_name(); }, "lead.name"},
      {"wrong collection", [](auto& r) { r.mutable_lead()->set_name("reps/x"); }, "lead.name"},
      {"id starting with a dot", [](auto& r) { r.mutable_lead()->set_name("leads/.x"); },
       "lead.name"},
      {"id with a space", [](auto& r) { r.mutable_lead()->set_name("leads/a b"); }, "lead.name"},
      {"quality above 100", [](auto& r) { r.mutable_lead()->set_quality(140); }, "lead.quality"},
      {"quality NaN", [](auto& r) { r.mutable_lead()->set_quality(std::nan("")); }, "lead.quality"},
      {"negative value", [](auto& r) { r.mutable_lead()->set_value(-1); }, "lead.value"},
      {"attribute key", [](auto& r) { (*r.mutable_lead()->mutable_attributes())["Bad"]; },
       "lead.attributes.Bad"},
      {"attribute shadows a field",
       [](auto& r) { (*r.mutable_lead()->mutable_attributes())["quality"].set_number_value(1); },
       "lead.attributes.quality"},
      {"attribute NaN",
       [](auto& r) {
         (*r.mutable_lead()->mutable_attributes())["budget"].set_number_value(std::nan(""));
       },
       "lead.attributes.budget"},
      {"unknown mask path", [](auto& r) { r.mutable_update_mask()->add_paths("owner"); },
       "update_mask.paths[0]"},
      {"long idempotency key", [](auto& r) { r.set_idempotency_key(std::string(129, 'k')); },
       "idempotency_key"},
      {"long source", [](auto& r) { r.mutable_lead()->set_source(std::string(129, 's')); },
       "lead.source"},
  };
  for (const Case& c : cases) {
    v1::AssignRequest request = AssignOf(MakeLead("bad", "ads", 50));
    c.mutate(request);
    v1::AssignResponse response;
    const grpc::Status status = Assign(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.label;
    EXPECT_EQ(BadField(status), c.field) << c.label << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), StartsWith(c.field)) << c.label;
  }
}

TEST_F(AssignmentServiceTest, NoMatchingRuleIsAnOutcomeNotAnError) {
  const v1::AssignResponse response = MustAssign(MakeLead("nomatch", "web", 10));
  EXPECT_EQ(response.assignment().outcome(), v1::OUTCOME_UNASSIGNED);
  EXPECT_EQ(response.assignment().unassigned_reason(), v1::UNASSIGNED_REASON_NO_RULE_MATCHED);
  EXPECT_EQ(response.lead().state(), v1::LEAD_STATE_UNASSIGNED);
  EXPECT_EQ(response.lead().current_assignment(), response.assignment().name());
}

TEST_F(AssignmentServiceTest, OwnedLeadIsUpdatedButNotRedecided) {
  const v1::AssignResponse first = MustAssign(MakeLead("owned", "ads", 50));
  v1::Lead update = MakeLead("owned", "ads", 70);
  v1::AssignRequest request = AssignOf(update);
  request.mutable_update_mask()->add_paths("quality");
  v1::AssignResponse second;
  ASSERT_TRUE(Assign(request, &second).ok());
  EXPECT_EQ(second.assignment().outcome(), v1::OUTCOME_ALREADY_ASSIGNED);
  EXPECT_EQ(second.assignment().name(), first.assignment().name());
  EXPECT_EQ(second.lead().owner(), first.lead().owner());
  EXPECT_EQ(second.lead().quality(), 70);
}

TEST_F(AssignmentServiceTest, IdempotencyKeyReplaysAlsoAfterRestart) {
  const v1::AssignResponse first = MustAssign(MakeLead("idem", "ads", 50), "key-1");
  ASSERT_FALSE(first.replayed());
  const v1::AssignResponse again = MustAssign(MakeLead("idem", "ads", 50), "key-1");
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.assignment().name(), first.assignment().name());
  EXPECT_EQ(again.lead().owner(), first.lead().owner());

  v1::AssignResponse other;
  const grpc::Status reused = Assign(AssignOf(MakeLead("another", "ads", 50), "key-1"), &other);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(reused), "idempotency_key");
  EXPECT_EQ(ErrorReason(reused), "IDEMPOTENCY_KEY_REUSED");
  v1::GetLeadResponse missing;
  EXPECT_EQ(GetLead("leads/another", &missing).error_code(), grpc::StatusCode::NOT_FOUND);

  server_.Restart();
  ASSERT_OK(server_.status());
  const v1::AssignResponse after_restart = MustAssign(MakeLead("idem", "ads", 50), "key-1");
  EXPECT_TRUE(after_restart.replayed());
  EXPECT_EQ(after_restart.assignment().name(), first.assignment().name());

  v1::ListAssignmentsRequest history;
  history.set_parent("leads/idem");
  v1::ListAssignmentsResponse entries;
  ASSERT_TRUE(List(history, &entries).ok());
  EXPECT_EQ(entries.assignments_size(), 1) << "a replay must not decide again";
}

TEST(AssignmentIdempotencyRetentionTest, KeysArePurgedAfterTheRetention) {
  ServerHarness server(
      {.rules = kTestRules, .reps_csv = kTestReps, .configure = [](server::ServerOptions& options) {
         options.idempotency_retention = std::chrono::seconds(2);
         options.idempotency_purge_interval = std::chrono::milliseconds(100);
       }});
  ASSERT_OK(server.status());
  const auto assign = [&](const std::string& lead) {
    v1::AssignResponse response;
    return server.Call([&](grpc::ClientContext* c) {
      return server.assignments().Assign(c, AssignOf(MakeLead(lead, "ads", 50), "key-1"),
                                         &response);
    });
  };
  ASSERT_TRUE(assign("first").ok());
  EXPECT_EQ(assign("second").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Within the retention the key belongs to "first"; once purged it is free again.
  EXPECT_TRUE(Eventually([&] { return assign("second").ok(); }));
}

TEST_F(AssignmentServiceTest, CapsHoldUnderConcurrentCalls) {
  // Only ana passes `require level >= 3`, and "vip" caps her at 2 a day.
  std::vector<std::thread> threads;
  std::vector<v1::AssignResponse> responses(8);
  std::vector<grpc::Status> statuses(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = Assign(AssignOf(MakeLead("vip" + std::to_string(i), "web", 95)), &responses[i]);
    });
  }
  for (auto& thread : threads) thread.join();
  int assigned = 0;
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    if (responses[i].assignment().outcome() == v1::OUTCOME_ASSIGNED) {
      ++assigned;
      EXPECT_EQ(responses[i].assignment().rep(), "reps/ana");
    } else {
      EXPECT_EQ(responses[i].assignment().unassigned_reason(),
                v1::UNASSIGNED_REASON_NO_ELIGIBLE_REP);
    }
  }
  EXPECT_EQ(assigned, 2);
  v1::GetRepRequest get;
  get.set_name("reps/ana");
  v1::GetRepResponse ana;
  ASSERT_TRUE(
      server_.Call([&](grpc::ClientContext* c) { return server_.reps().Get(c, get, &ana); }).ok());
  EXPECT_EQ(ana.rep().load().assigned_today(), 2);
  EXPECT_EQ(ana.rep().load().open_leads(), 2);
}

// With the calls' threads encoding their groups' records (--encode-on-callers on), every
// concurrent Assign still stores its history entry, explanation and events, and the counters agree
// with history.
TEST(AssignmentEncodeOnCallersTest, ConcurrentAssignsStoreEveryRecordWhoeverEncodesIt) {
  ServerHarness server(
      {.rules = kTestRules, .reps_csv = kTestReps, .configure = [](server::ServerOptions& options) {
         options.encode_on_callers = true;
       }});
  ASSERT_OK(server.status());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 15;
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::AssignResponse response;
        const v1::AssignRequest request =
            AssignOf(MakeLead(absl::StrCat("enc", t, "-", i), "ads", 40 + i));
        statuses[t * kPerThread + i] = server.Call([&](grpc::ClientContext* c) {
          return server.assignments().Assign(c, request, &response);
        });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const grpc::Status& status : statuses) ASSERT_TRUE(status.ok()) << status.error_message();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const std::string lead = absl::StrCat("leads/enc", t, "-", i);
      v1::ExplainRequest request;
      request.set_name(lead);
      v1::ExplainResponse explained;
      const grpc::Status status = server.Call([&](grpc::ClientContext* c) {
        return server.assignments().Explain(c, request, &explained);
      });
      ASSERT_TRUE(status.ok()) << lead << ": " << status.error_message();
      EXPECT_EQ(explained.explanation().lead(), lead);
      EXPECT_THAT(explained.explanation().assignment(), StartsWith(lead + "/assignments/"));
      EXPECT_FALSE(LeadEvents(server, lead).empty()) << lead;
    }
  }
  ExpectCountersAgree(server);
}

TEST_F(AssignmentServiceTest, AssignBatchDecidesInOrderAndReportsItemErrors) {
  v1::AssignBatchRequest request;
  request.set_actor("importer");
  for (int i = 0; i < 4; ++i) {
    *request.add_items()->mutable_lead() = MakeLead("b" + std::to_string(i), "ads", 50);
  }
  request.mutable_items(2)->mutable_lead()->set_quality(500);
  v1::AssignBatchResponse response;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().AssignBatch(c, request, &response);
                  })
                  .ok());
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_TRUE(response.results(2).has_error());
  EXPECT_EQ(response.results(2).error().code(),
            static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(response.results(2).error().message(), StartsWith("lead.quality"));
  // Round robin over ana and ben, in request order: never all to one rep.
  std::set<std::string> reps;
  for (int i : {0, 1, 3}) {
    ASSERT_TRUE(response.results(i).has_response());
    EXPECT_EQ(response.results(i).response().assignment().actor(), "importer");
    reps.insert(response.results(i).response().assignment().rep());
  }
  EXPECT_EQ(reps, (std::set<std::string>{"reps/ana", "reps/ben"}));
  EXPECT_LT(response.results(0).response().assignment().name().substr(12),
            response.results(1).response().assignment().name().substr(12));

  v1::AssignBatchRequest empty;
  grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
    return server_.assignments().AssignBatch(c, empty, &response);
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::AssignBatchRequest too_many;
  for (int i = 0; i < 501; ++i) {
    *too_many.add_items()->mutable_lead() = MakeLead("m" + std::to_string(i), "ads", 50);
  }
  status = server_.Call([&](grpc::ClientContext* c) {
    return server_.assignments().AssignBatch(c, too_many, &response);
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(status), "BATCH_TOO_LARGE");

  v1::AssignBatchRequest twice;
  *twice.add_items()->mutable_lead() = MakeLead("same", "ads", 50);
  *twice.add_items()->mutable_lead() = MakeLead("same", "ads", 50);
  status = server_.Call([&](grpc::ClientContext* c) {
    return server_.assignments().AssignBatch(c, twice, &response);
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "items[1].lead.name");
}

TEST_F(AssignmentServiceTest, ValidateOnlyStoresNothing) {
  v1::AssignRequest request = AssignOf(MakeLead("dry", "ads", 50));
  request.set_validate_only(true);
  v1::AssignResponse response;
  ASSERT_TRUE(Assign(request, &response).ok());
  EXPECT_EQ(response.assignment().outcome(), v1::OUTCOME_ASSIGNED);
  EXPECT_TRUE(response.assignment().name().empty());
  v1::GetLeadResponse lead;
  EXPECT_EQ(GetLead("leads/dry", &lead).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AssignmentServiceTest, ListAssignmentsPagesWithoutRepeatsOrGaps) {
  for (int i = 0; i < 5; ++i) MustAssign(MakeLead("p" + std::to_string(i), "ads", 50));
  for (const bool oldest_first : {false, true}) {
    v1::ListAssignmentsRequest request;
    request.set_page_size(2);
    request.set_oldest_first(oldest_first);
    std::vector<std::string> seen;
    for (int page = 0; page < 10; ++page) {
      v1::ListAssignmentsResponse response;
      ASSERT_TRUE(List(request, &response).ok());
      for (const auto& entry : response.assignments()) seen.push_back(entry.name());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);
    EXPECT_EQ(oldest_first, seen.front() < seen.back());
  }

  v1::ListAssignmentsRequest by_rep;
  by_rep.set_rep("reps/ben");
  by_rep.set_page_size(1);
  v1::ListAssignmentsResponse first_page;
  ASSERT_TRUE(List(by_rep, &first_page).ok());
  ASSERT_EQ(first_page.assignments_size(), 1);
  EXPECT_EQ(first_page.assignments(0).rep(), "reps/ben");
  ASSERT_FALSE(first_page.next_page_token().empty());

  // A token is bound to its filters.
  v1::ListAssignmentsRequest changed;
  changed.set_rep("reps/ana");
  changed.set_page_token(first_page.next_page_token());
  v1::ListAssignmentsResponse response;
  grpc::Status status = List(changed, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "page_token");

  v1::ListAssignmentsRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(List(negative, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListAssignmentsRequest unknown_lead;
  unknown_lead.set_parent("leads/nobody");
  EXPECT_EQ(List(unknown_lead, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListAssignmentsRequest bad_parent;
  bad_parent.set_parent("reps/ana");
  EXPECT_EQ(List(bad_parent, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AssignmentServiceTest, ReadErrors) {
  v1::GetLeadResponse lead;
  EXPECT_EQ(GetLead("leads/nobody", &lead).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetLead("nobody", &lead).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  for (const std::string name : {"", "reps/ana", "leads/x/assignments/zz"}) {
    v1::ExplainRequest request;
    request.set_name(name);
    v1::ExplainResponse response;
    EXPECT_EQ(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().Explain(c, request, &response);
                  })
                  .error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << name;
  }
  v1::ExplainRequest missing;
  missing.set_name("leads/nobody/assignments/00000000000000ff");
  v1::ExplainResponse response;
  EXPECT_EQ(server_
                .Call([&](grpc::ClientContext* c) {
                  return server_.assignments().Explain(c, missing, &response);
                })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AssignmentServiceTest, ReassignByRuleExcludesTheOwnerAndCreditsTheCap) {
  const v1::AssignResponse first = MustAssign(MakeLead("move", "ads", 50));
  const std::string owner = first.lead().owner();
  v1::ReassignRequest request;
  request.set_lead("leads/move");
  request.mutable_by_rule();
  request.set_actor("manager");
  request.set_reason("escalated");
  v1::ReassignResponse response;
  ASSERT_TRUE(Reassign(request, &response).ok());
  EXPECT_EQ(response.assignment().kind(), v1::ASSIGNMENT_KIND_REASSIGN);
  EXPECT_EQ(response.assignment().previous_rep(), owner);
  EXPECT_NE(response.lead().owner(), owner);
  EXPECT_EQ(response.assignment().actor(), "manager");
  EXPECT_EQ(response.assignment().reason(), "escalated");

  v1::GetRepRequest get;
  get.set_name(owner);
  v1::GetRepResponse rep;
  ASSERT_TRUE(
      server_.Call([&](grpc::ClientContext* c) { return server_.reps().Get(c, get, &rep); }).ok());
  EXPECT_EQ(rep.rep().load().open_leads(), 0) << "the previous owner's open lead is credited back";

  struct Case {
    std::string label;
    std::function<void(v1::ReassignRequest&)> mutate;
    grpc::StatusCode code;
  };
  const std::vector<Case> cases = {
      {"no target", [](auto& r) { r.clear_target(); }, grpc::StatusCode::INVALID_ARGUMENT},
      {"no actor", [](auto& r) { r.clear_actor(); }, grpc::StatusCode::INVALID_ARGUMENT},
      {"no reason", [](auto& r) { r.clear_reason(); }, grpc::StatusCode::INVALID_ARGUMENT},
      {"unknown lead", [](auto& r) { r.set_lead("leads/nobody"); }, grpc::StatusCode::NOT_FOUND},
      {"bad exclude", [](auto& r) { r.mutable_by_rule()->add_exclude_reps("ana"); },
       grpc::StatusCode::INVALID_ARGUMENT},
      {"stale expectation", [](auto& r) { r.set_expected_assignment("leads/move/assignments/1"); },
       grpc::StatusCode::ABORTED},
  };
  for (const Case& c : cases) {
    v1::ReassignRequest bad = request;
    c.mutate(bad);
    EXPECT_EQ(Reassign(bad, &response).error_code(), c.code) << c.label;
  }
}

TEST_F(AssignmentServiceTest, ManualReassignChecksTheRepAndAuditsForce) {
  MustAssign(MakeLead("manual", "ads", 50));
  v1::ReassignRequest request;
  request.set_lead("leads/manual");
  request.set_actor("manager");
  request.set_reason("customer asked");
  v1::ReassignResponse response;

  request.set_rep("reps/nobody");
  EXPECT_EQ(Reassign(request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  request.set_rep("reps/dan");
  grpc::Status status = Reassign(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "REP_OFF");
  request.set_force(true);
  EXPECT_EQ(Reassign(request, &response).error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "OFF reps take no leads, not even with force";
  request.set_force(false);
  for (const std::string rep : {"reps/cara", "reps/eve"}) {  // away; daily_cap 0 reached
    request.set_rep(rep);
    status = Reassign(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << rep;
    EXPECT_EQ(ErrorReason(status), "REP_UNAVAILABLE") << rep;
  }

  request.set_rep("reps/cara");
  request.set_force(true);
  ASSERT_TRUE(Reassign(request, &response).ok());
  EXPECT_EQ(response.assignment().kind(), v1::ASSIGNMENT_KIND_MANUAL);
  EXPECT_TRUE(response.assignment().forced());
  EXPECT_EQ(response.lead().owner(), "reps/cara");

  v1::ExplainRequest explain;
  explain.set_name(response.assignment().name());
  v1::ExplainResponse explained;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().Explain(c, explain, &explained);
                  })
                  .ok());
  EXPECT_EQ(explained.explanation().manual_target().removed().reason(),
            v1::REMOVAL_REASON_STATUS_AWAY);

  // The forced move is in the audit log, with what force overrode.
  server_.Shutdown();
  server_.server().Wait();
  auto storage = storage::Storage::Open(server_.db_path());
  ASSERT_OK(storage);
  bool audited = false;
  {
    storage::DatabaseView view((*storage)->database());
    ASSERT_OK(storage::ReadAudit(view, 1, [&](const storage::AuditRecord& record) {
      if (record.action() == "lead.manual_assign.forced") {
        audited = true;
        EXPECT_EQ(record.actor(), "manager");
        EXPECT_EQ(record.entity(), "leads/manual");
        EXPECT_THAT(record.detail(), HasSubstr("forced past: status away"));
      }
      return true;
    }));
  }
  EXPECT_TRUE(audited);
  EXPECT_OK((*storage)->Close());
}

// A rep at one of its own caps is unavailable to a manual reassign exactly as the decision words
// it (dsl/decision/availability.h): the error and the audit say the cap and its numbers, and the
// forced move's explanation shows the target removed at that cap.
TEST_F(AssignmentServiceTest, ManualReassignNamesTheRepCapItForcedPast) {
  v1::UpsertRepRequest upsert;
  upsert.mutable_rep()->set_name("reps/fay");
  upsert.mutable_rep()->set_team("smb");
  upsert.mutable_rep()->set_status(v1::REP_STATUS_ACTIVE);
  upsert.mutable_rep()->set_max_open(0);
  v1::UpsertRepResponse upserted;
  ASSERT_TRUE(
      server_
          .Call([&](grpc::ClientContext* c) { return server_.reps().Upsert(c, upsert, &upserted); })
          .ok());
  MustAssign(MakeLead("capped", "ads", 50));

  struct Case {
    std::string rep;
    std::string unavailable;
    v1::CapUnit unit;
  };
  const std::vector<Case> cases = {
      {"reps/eve", "rep daily_cap reached (0 of 0 today)", v1::CAP_UNIT_DAY},
      {"reps/fay", "rep max_open reached (0 of 0 open)", v1::CAP_UNIT_OPEN},
  };
  for (const Case& c : cases) {
    v1::ReassignRequest request;
    request.set_lead("leads/capped");
    request.set_rep(c.rep);
    request.set_actor("manager");
    request.set_reason("customer asked");
    v1::ReassignResponse response;
    const grpc::Status refused = Reassign(request, &response);
    EXPECT_EQ(ErrorReason(refused), "REP_UNAVAILABLE") << c.rep;
    EXPECT_EQ(refused.error_message(),
              c.rep + " is unavailable (" + c.unavailable + "); pass force to assign anyway");

    request.set_force(true);
    ASSERT_TRUE(Reassign(request, &response).ok()) << c.rep;
    EXPECT_TRUE(response.assignment().forced());
    EXPECT_EQ(response.assignment().explanation().text(),
              "manual assignment to " + c.rep + " by manager (forced past: " + c.unavailable + ")");

    v1::ExplainRequest explain;
    explain.set_name(response.assignment().name());
    v1::ExplainResponse explained;
    ASSERT_TRUE(server_
                    .Call([&](grpc::ClientContext* ctx) {
                      return server_.assignments().Explain(ctx, explain, &explained);
                    })
                    .ok());
    const v1::CandidateTrace& target = explained.explanation().manual_target();
    EXPECT_EQ(target.rep(), c.rep);
    EXPECT_TRUE(target.picked());
    EXPECT_EQ(target.removed().reason(), v1::REMOVAL_REASON_CAP_REACHED) << c.rep;
    EXPECT_EQ(target.removed().message(), c.unavailable);
    EXPECT_EQ(target.removed().cap().count(), 0);
    EXPECT_EQ(target.removed().cap().cap().limit(), 0);
    EXPECT_EQ(target.removed().cap().cap().unit(), c.unit) << c.rep;
    EXPECT_EQ(target.removed().cap().cap().scope(), v1::CAP_SCOPE_REP);
  }
}

TEST_F(AssignmentServiceTest, PinnedLeadIsNeverMovedAutomatically) {
  MustAssign(MakeLead("pinned", "ads", 50));
  v1::ReassignRequest pin;
  pin.set_lead("leads/pinned");
  pin.set_rep("reps/ben");
  pin.set_pin(true);
  pin.set_actor("manager");
  pin.set_reason("key account");
  v1::ReassignResponse response;
  ASSERT_TRUE(Reassign(pin, &response).ok());
  EXPECT_TRUE(response.assignment().pinned());
  EXPECT_EQ(response.lead().pin().actor(), "manager");

  v1::ReassignRequest by_rule;
  by_rule.set_lead("leads/pinned");
  by_rule.mutable_by_rule();
  by_rule.set_actor("system");
  by_rule.set_reason("rebalance");
  grpc::Status status = Reassign(by_rule, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "LEAD_PINNED");

  // Removing the owner does not move it either.
  v1::RemoveRepRequest remove;
  remove.set_name("reps/ben");
  remove.set_open_leads(v1::OPEN_LEADS_POLICY_REASSIGN);
  remove.set_actor("admin");
  remove.set_reason("left");
  v1::RemoveRepResponse removed;
  status = server_.Call(
      [&](grpc::ClientContext* c) { return server_.reps().Remove(c, remove, &removed); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "REP_HAS_PINNED_LEADS");

  v1::GetLeadResponse lead;
  ASSERT_TRUE(GetLead("leads/pinned", &lead).ok());
  EXPECT_EQ(lead.lead().owner(), "reps/ben");

  // A person may move it explicitly; the pin is dropped.
  by_rule.set_override_pin(true);
  ASSERT_TRUE(Reassign(by_rule, &response).ok());
  EXPECT_EQ(response.lead().owner(), "reps/ana");
  EXPECT_FALSE(response.lead().has_pin());
}

TEST_F(AssignmentServiceTest, SetPinPinsAndUnpins) {
  MustAssign(MakeLead("sp", "ads", 50));
  v1::SetPinRequest request;
  request.set_lead("leads/sp");
  request.set_pinned(true);
  request.set_actor("manager");
  request.set_reason("vip");
  v1::SetPinResponse response;
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().SetPin(c, request, &response);
                  })
                  .ok());
  EXPECT_EQ(response.lead().pin().reason(), "vip");
  request.set_pinned(false);
  ASSERT_TRUE(server_
                  .Call([&](grpc::ClientContext* c) {
                    return server_.assignments().SetPin(c, request, &response);
                  })
                  .ok());
  EXPECT_FALSE(response.lead().has_pin());

  MustAssign(MakeLead("unowned", "web", 10));
  request.set_lead("leads/unowned");
  request.set_pinned(true);
  const grpc::Status status = server_.Call(
      [&](grpc::ClientContext* c) { return server_.assignments().SetPin(c, request, &response); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "LEAD_NOT_OPEN");
}

}  // namespace
}  // namespace leadrouter::testing
