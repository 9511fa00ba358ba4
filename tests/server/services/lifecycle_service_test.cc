// The lead's life through real gRPC: RecordFollowUp, CloseLead, ListLeads and ListFollowUps on an
// in-process server with a simulated clock. Transitions valid and refused, the owner rule and its
// manager exception (with authentication on), the open-lead cap freed by a close and the counter
// check agreeing after it, idempotent retries, and paging with each filter.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "server/api/clock.h"
#include "server/auth/token_table.h"
#include "status_matchers.h"
#include "storage/counter_recovery.h"
#include "storage/database.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

// "capped": source capped to a level >= 3 rep (only ana), one open lead at a time, first contact
// due within an hour (a capped lead with ana's slot taken stays unassigned). Everything else
// round robin between ana and ben.
constexpr char kRules[] = R"(rule "capped"
  when source == "capped"
  require level >= 3
  cap 1 open
  sla 1h then escalate

rule "all"
  when source != "capped"
  distribute round_robin
)";
constexpr char kReps[] = "id,name,team,status,level\nana,Ana,a,active,5\nben,Ben,b,active,1\n";

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

class LifecycleTest : public ::testing::Test {
 protected:
  explicit LifecycleTest(std::function<void(server::ServerOptions&)> more = nullptr)
      : clock_(kStart),
        server_({.rules = kRules,
                 .reps_csv = kReps,
                 .configure = [this, more](server::ServerOptions& o) {
                   o.clock = &clock_;
                   o.channels = {"line"};
                   if (more) more(o);
                 }}) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  // Runs a call with `token` as its bearer token, when given.
  template <typename Fn>
  grpc::Status Call(Fn&& fn) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
    return fn(&context);
  }

  v1::AssignResponse MustAssign(const std::string& id, const std::string& source) {
    v1::AssignResponse response;
    const grpc::Status status = Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(MakeLead(id, source, 50)), &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static v1::RecordFollowUpRequest FollowUpOf(const std::string& lead, v1::FollowUpOutcome outcome,
                                              const std::string& rep = "") {
    v1::RecordFollowUpRequest request;
    v1::FollowUp& followup = *request.mutable_followup();
    followup.set_lead(lead);
    followup.set_rep(rep);
    followup.set_channel(v1::CHANNEL_PHONE);
    followup.set_outcome(outcome);
    return request;
  }
  grpc::Status FollowUp(const v1::RecordFollowUpRequest& request,
                        v1::RecordFollowUpResponse* response) {
    return Call([&](grpc::ClientContext* c) {
      return server_.followups().RecordFollowUp(c, request, response);
    });
  }
  v1::RecordFollowUpResponse MustFollowUp(const std::string& lead, v1::FollowUpOutcome outcome) {
    v1::RecordFollowUpResponse response;
    const grpc::Status status = FollowUp(FollowUpOf(lead, outcome), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static v1::CloseLeadRequest CloseOf(const std::string& lead, v1::CloseResolution resolution) {
    v1::CloseLeadRequest request;
    request.set_lead(lead);
    request.set_resolution(resolution);
    request.set_actor("crm");
    request.set_reason("the deal is done");
    return request;
  }
  grpc::Status Close(const v1::CloseLeadRequest& request, v1::CloseLeadResponse* response) {
    return Call([&](grpc::ClientContext* c) {
      return server_.assignments().CloseLead(c, request, response);
    });
  }

  grpc::Status List(const v1::ListLeadsRequest& request, v1::ListLeadsResponse* response) {
    return Call([&](grpc::ClientContext* c) {
      return server_.assignments().ListLeads(c, request, response);
    });
  }
  // Every lead `request` lists, page by page (`page_size` each), as names in order.
  std::vector<std::string> ListAll(v1::ListLeadsRequest request, int page_size) {
    request.set_page_size(page_size);
    std::vector<std::string> names;
    for (int pages = 0; pages < 100; ++pages) {
      v1::ListLeadsResponse response;
      const grpc::Status status = List(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(response.leads_size(), page_size);
      for (const v1::Lead& lead : response.leads()) names.push_back(lead.name());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return names;
  }

  v1::Lead GetLead(const std::string& name) {
    v1::GetLeadRequest request;
    request.set_name(name);
    v1::GetLeadResponse response;
    EXPECT_TRUE(Call([&](grpc::ClientContext* c) {
                  return server_.assignments().GetLead(c, request, &response);
                }).ok());
    return response.lead();
  }
  int64_t OpenLeadsOf(const std::string& rep) {
    v1::GetRepRequest request;
    request.set_name(rep);
    v1::GetRepResponse response;
    EXPECT_TRUE(Call([&](grpc::ClientContext* c) {
                  return server_.reps().Get(c, request, &response);
                }).ok());
    return response.rep().load().open_leads();
  }

  server::SimulatedClock clock_;
  TempDir tokens_dir_;  // before server_: a derived fixture writes its token file at start
  ServerHarness server_;
  std::string token_;
};

TEST_F(LifecycleTest, FollowUpsMoveTheLeadForwardAndStopTheSla) {
  const v1::AssignResponse assigned = MustAssign("c1", "capped");
  ASSERT_EQ(assigned.lead().owner(), "reps/ana");
  ASSERT_TRUE(assigned.lead().has_sla_deadline());
  clock_.Advance(absl::Minutes(10));

  // An attempt: the lead stays assigned, but the owner's first contact stops the SLA clock.
  v1::RecordFollowUpResponse attempt = MustFollowUp("leads/c1", v1::FOLLOW_UP_OUTCOME_NO_ANSWER);
  EXPECT_EQ(attempt.lead().state(), v1::LEAD_STATE_OPEN);
  EXPECT_TRUE(attempt.followup().first_contact());
  EXPECT_TRUE(attempt.followup().within_sla());
  EXPECT_FALSE(attempt.lead().has_sla_deadline());
  EXPECT_EQ(attempt.lead().first_contact_time(), TimeUtil::SecondsToTimestamp(1'800'000'600));
  EXPECT_EQ(attempt.followup().rep(), "reps/ana") << "the rep defaults to the owner";
  EXPECT_EQ(attempt.followup().channel_name(), "phone");
  EXPECT_EQ(attempt.followup().actor(), "reps/ana");
  EXPECT_EQ(attempt.followup().name().rfind("leads/c1/followups/", 0), 0u);

  v1::RecordFollowUpResponse reached = MustFollowUp("leads/c1", v1::FOLLOW_UP_OUTCOME_REACHED);
  EXPECT_EQ(reached.lead().state(), v1::LEAD_STATE_CONTACTED);
  EXPECT_FALSE(reached.followup().first_contact());

  // Converting needs a qualified lead.
  v1::RecordFollowUpResponse refused;
  const grpc::Status early =
      FollowUp(FollowUpOf("leads/c1", v1::FOLLOW_UP_OUTCOME_CONVERTED), &refused);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(early), "LEAD_NOT_QUALIFIED");
  EXPECT_THAT(early.error_message(), HasSubstr("CONTACTED"));

  EXPECT_EQ(MustFollowUp("leads/c1", v1::FOLLOW_UP_OUTCOME_QUALIFIED).lead().state(),
            v1::LEAD_STATE_QUALIFIED);
  EXPECT_EQ(MustFollowUp("leads/c1", v1::FOLLOW_UP_OUTCOME_REACHED).lead().state(),
            v1::LEAD_STATE_QUALIFIED)
      << "a follow-up never moves a lead back";
  EXPECT_EQ(OpenLeadsOf("reps/ana"), 1);

  // Converting closes it, through the history, and frees the open lead.
  v1::RecordFollowUpResponse won = MustFollowUp("leads/c1", v1::FOLLOW_UP_OUTCOME_CONVERTED);
  EXPECT_EQ(won.lead().state(), v1::LEAD_STATE_CONVERTED);
  EXPECT_EQ(won.lead().close_resolution(), v1::CLOSE_RESOLUTION_WON);
  EXPECT_TRUE(won.lead().has_close_time());
  EXPECT_EQ(won.lead().owner(), "reps/ana") << "a closed lead keeps the owner it closed with";
  EXPECT_EQ(OpenLeadsOf("reps/ana"), 0);

  // A closed lead takes no more follow-ups.
  const grpc::Status closed =
      FollowUp(FollowUpOf("leads/c1", v1::FOLLOW_UP_OUTCOME_REACHED), &refused);
  EXPECT_EQ(closed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(closed), "LEAD_CLOSED");

  // Every follow-up is listed, newest first.
  v1::ListFollowUpsRequest list;
  list.set_parent("leads/c1");
  list.set_page_size(2);
  std::vector<v1::FollowUpOutcome> outcomes;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListFollowUpsResponse page;
    ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                  return server_.followups().ListFollowUps(c, list, &page);
                }).ok());
    for (const v1::FollowUp& f : page.followups()) outcomes.push_back(f.outcome());
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(outcomes, (std::vector<v1::FollowUpOutcome>{
                          v1::FOLLOW_UP_OUTCOME_CONVERTED, v1::FOLLOW_UP_OUTCOME_REACHED,
                          v1::FOLLOW_UP_OUTCOME_QUALIFIED, v1::FOLLOW_UP_OUTCOME_REACHED,
                          v1::FOLLOW_UP_OUTCOME_NO_ANSWER}));

  // The close is a history entry of kind CLOSE.
  v1::ListAssignmentsRequest history;
  history.set_parent("leads/c1");
  v1::ListAssignmentsResponse entries;
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return server_.assignments().ListAssignments(c, history, &entries);
              }).ok());
  ASSERT_EQ(entries.assignments_size(), 2);
  EXPECT_EQ(entries.assignments(0).kind(), v1::ASSIGNMENT_KIND_CLOSE);
  EXPECT_EQ(entries.assignments(0).rep(), "reps/ana");
}

// Follow-ups and closes are events of the lead's timeline (ListLeadEvents), in commit order: a
// follow-up that converts the lead is its FOLLOW_UP_RECORDED, then its LEAD_CLOSED; a CloseLead
// is a LEAD_CLOSED with its resolution and reason. A refused follow-up leaves none.
TEST_F(LifecycleTest, FollowUpsAndClosesAreEventsOfTheLeadsTimeline) {
  const std::string owner = MustAssign("t1", "web").lead().owner();
  ASSERT_FALSE(owner.empty());
  ASSERT_FALSE(MustAssign("t2", "web").lead().owner().empty());
  MustFollowUp("leads/t1", v1::FOLLOW_UP_OUTCOME_REACHED);
  v1::RecordFollowUpResponse refused;
  ASSERT_EQ(
      FollowUp(FollowUpOf("leads/t1", v1::FOLLOW_UP_OUTCOME_CONVERTED), &refused).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  MustFollowUp("leads/t1", v1::FOLLOW_UP_OUTCOME_QUALIFIED);
  const v1::RecordFollowUpResponse won = MustFollowUp("leads/t1", v1::FOLLOW_UP_OUTCOME_CONVERTED);
  v1::CloseLeadResponse closed;
  ASSERT_TRUE(Close(CloseOf("leads/t2", v1::CLOSE_RESOLUTION_DISQUALIFIED), &closed).ok());

  const auto timeline = [&](const std::string& lead) {
    v1::ListLeadEventsRequest request;
    request.set_lead(lead);
    v1::ListLeadEventsResponse response;
    EXPECT_TRUE(Call([&](grpc::ClientContext* c) {
                  return server_.events().ListLeadEvents(c, request, &response);
                }).ok());
    return response;
  };
  const v1::ListLeadEventsResponse t1 = timeline("leads/t1");
  ASSERT_EQ(t1.events_size(), 5) << t1.DebugString();
  EXPECT_EQ(t1.events(0).kind(), v1::EVENT_KIND_ASSIGNED);
  const v1::Event& reached = t1.events(1);
  EXPECT_EQ(reached.kind(), v1::EVENT_KIND_FOLLOW_UP_RECORDED);
  EXPECT_EQ(reached.rep(), owner);
  EXPECT_EQ(reached.channel_name(), "phone");
  EXPECT_EQ(reached.outcome(), v1::FOLLOW_UP_OUTCOME_REACHED);
  EXPECT_EQ(reached.lead_state(), v1::LEAD_STATE_CONTACTED);
  EXPECT_EQ(t1.events(2).outcome(), v1::FOLLOW_UP_OUTCOME_QUALIFIED);
  EXPECT_EQ(t1.events(3).kind(), v1::EVENT_KIND_FOLLOW_UP_RECORDED);
  EXPECT_EQ(t1.events(3).followup(), won.followup().name());
  const v1::Event& close = t1.events(4);
  EXPECT_EQ(close.kind(), v1::EVENT_KIND_LEAD_CLOSED);
  EXPECT_EQ(close.rep(), owner);
  EXPECT_EQ(close.lead_state(), v1::LEAD_STATE_CONVERTED);
  EXPECT_EQ(close.close_resolution(), v1::CLOSE_RESOLUTION_WON);
  EXPECT_EQ(close.assignment_kind(), v1::ASSIGNMENT_KIND_CLOSE);
  EXPECT_EQ(close.assignment(), won.lead().current_assignment());

  const v1::ListLeadEventsResponse t2 = timeline("leads/t2");
  ASSERT_EQ(t2.events_size(), 2) << t2.DebugString();
  EXPECT_EQ(t2.events(1).kind(), v1::EVENT_KIND_LEAD_CLOSED);
  EXPECT_EQ(t2.events(1).lead_state(), v1::LEAD_STATE_LOST);
  EXPECT_EQ(t2.events(1).close_resolution(), v1::CLOSE_RESOLUTION_DISQUALIFIED);
  EXPECT_EQ(t2.events(1).actor(), "crm");
  EXPECT_EQ(t2.events(1).reason(), "the deal is done");
}

TEST_F(LifecycleTest, LateFirstContactIsOutsideTheSla) {
  MustAssign("late", "capped");
  clock_.Advance(absl::Hours(2));
  const v1::RecordFollowUpResponse late = MustFollowUp("leads/late", v1::FOLLOW_UP_OUTCOME_REACHED);
  EXPECT_TRUE(late.followup().first_contact());
  EXPECT_FALSE(late.followup().within_sla());
}

TEST_F(LifecycleTest, FollowUpsAreRefusedPrecisely) {
  MustAssign("l1", "capped");  // ana
  v1::RecordFollowUpResponse response;
  // Another rep, not the owner, without a manager: FAILED_PRECONDITION.
  const grpc::Status other =
      FollowUp(FollowUpOf("leads/l1", v1::FOLLOW_UP_OUTCOME_REACHED, "reps/ben"), &response);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::OK)
      << "with authentication off the caller is an admin: " << other.error_message();
  EXPECT_EQ(response.lead().state(), v1::LEAD_STATE_CONTACTED);
  EXPECT_FALSE(response.followup().first_contact()) << "only the owner's contact is a first one";
  EXPECT_TRUE(GetLead("leads/l1").has_sla_deadline());

  const grpc::Status unknown_lead =
      FollowUp(FollowUpOf("leads/nope", v1::FOLLOW_UP_OUTCOME_REACHED), &response);
  EXPECT_EQ(unknown_lead.error_code(), grpc::StatusCode::NOT_FOUND);
  const grpc::Status unknown_rep =
      FollowUp(FollowUpOf("leads/l1", v1::FOLLOW_UP_OUTCOME_REACHED, "reps/zed"), &response);
  EXPECT_EQ(unknown_rep.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown_rep.error_message(), HasSubstr("reps/zed"));

  v1::RecordFollowUpRequest future = FollowUpOf("leads/l1", v1::FOLLOW_UP_OUTCOME_REACHED);
  *future.mutable_followup()->mutable_contact_time() =
      TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(kStart) + 3600);
  const grpc::Status in_future = FollowUp(future, &response);
  EXPECT_EQ(in_future.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(in_future), "followup.contact_time");

  v1::RecordFollowUpRequest before = FollowUpOf("leads/l1", v1::FOLLOW_UP_OUTCOME_REACHED);
  *before.mutable_followup()->mutable_contact_time() =
      TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(kStart) - 60);
  EXPECT_EQ(BadField(FollowUp(before, &response)), "followup.contact_time");

  // A configured channel by name is accepted; an unknown one is not.
  v1::RecordFollowUpRequest line = FollowUpOf("leads/l1", v1::FOLLOW_UP_OUTCOME_LEFT_MESSAGE);
  line.mutable_followup()->set_channel(v1::CHANNEL_UNSPECIFIED);
  line.mutable_followup()->set_channel_name("line");
  ASSERT_TRUE(FollowUp(line, &response).ok());
  EXPECT_EQ(response.followup().channel_name(), "line");
  EXPECT_EQ(response.followup().channel(), v1::CHANNEL_UNSPECIFIED);
  line.mutable_followup()->set_channel_name("pigeon");
  const grpc::Status pigeon = FollowUp(line, &response);
  EXPECT_EQ(pigeon.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(pigeon), "followup.channel_name");
  line.mutable_followup()->set_channel_name("wechat");
  line.mutable_followup()->set_first_contact(true);  // output only: ignored
  ASSERT_TRUE(FollowUp(line, &response).ok());
  EXPECT_EQ(response.followup().channel(), v1::CHANNEL_WECHAT);
  EXPECT_FALSE(response.followup().first_contact());
}

TEST_F(LifecycleTest, RetriesWithAKeyReplay) {
  MustAssign("k1", "capped");
  v1::RecordFollowUpRequest request = FollowUpOf("leads/k1", v1::FOLLOW_UP_OUTCOME_REACHED);
  request.set_idempotency_key("fu-1");
  v1::RecordFollowUpResponse first;
  v1::RecordFollowUpResponse again;
  ASSERT_TRUE(FollowUp(request, &first).ok());
  ASSERT_TRUE(FollowUp(request, &again).ok());
  EXPECT_FALSE(first.replayed());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.followup().name(), first.followup().name());
  request.mutable_followup()->set_outcome(v1::FOLLOW_UP_OUTCOME_QUALIFIED);
  const grpc::Status reused = FollowUp(request, &again);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorReason(reused), "IDEMPOTENCY_KEY_REUSED");

  v1::CloseLeadRequest close = CloseOf("leads/k1", v1::CLOSE_RESOLUTION_LOST);
  close.set_idempotency_key("close-1");
  v1::CloseLeadResponse closed;
  v1::CloseLeadResponse replayed;
  ASSERT_TRUE(Close(close, &closed).ok());
  ASSERT_TRUE(Close(close, &replayed).ok());
  EXPECT_TRUE(replayed.replayed());
  EXPECT_EQ(replayed.assignment().name(), closed.assignment().name());
  // Without a key, closing again the same way changes nothing; another way is refused.
  close.clear_idempotency_key();
  v1::CloseLeadResponse same;
  ASSERT_TRUE(Close(close, &same).ok());
  EXPECT_FALSE(same.has_assignment());
  EXPECT_EQ(same.lead().state(), v1::LEAD_STATE_LOST);
  const grpc::Status other = Close(CloseOf("leads/k1", v1::CLOSE_RESOLUTION_WON), &same);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(other), "LEAD_CLOSED");

  v1::ListAssignmentsRequest history;
  history.set_parent("leads/k1");
  v1::ListAssignmentsResponse entries;
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return server_.assignments().ListAssignments(c, history, &entries);
              }).ok());
  EXPECT_EQ(entries.assignments_size(), 2) << "one assign, one close";
}

TEST_F(LifecycleTest, CloseFreesTheOpenCapAndTheCounterCheckAgrees) {
  EXPECT_EQ(MustAssign("c1", "capped").lead().owner(), "reps/ana");
  EXPECT_EQ(MustAssign("c2", "capped").assignment().outcome(), v1::OUTCOME_UNASSIGNED)
      << "ana's one open slot is taken";
  EXPECT_EQ(OpenLeadsOf("reps/ana"), 1);

  v1::CloseLeadRequest request = CloseOf("leads/c1", v1::CLOSE_RESOLUTION_WON);
  request.set_value(1200);
  v1::CloseLeadResponse closed;
  ASSERT_TRUE(Close(request, &closed).ok());
  EXPECT_EQ(closed.lead().state(), v1::LEAD_STATE_CONVERTED);
  EXPECT_EQ(closed.lead().value(), 1200);
  EXPECT_EQ(closed.assignment().kind(), v1::ASSIGNMENT_KIND_CLOSE);
  EXPECT_EQ(closed.assignment().reason(), "the deal is done");
  EXPECT_EQ(OpenLeadsOf("reps/ana"), 0);
  EXPECT_EQ(MustAssign("c3", "capped").lead().owner(), "reps/ana") << "the slot is free again";

  // An unassigned lead can be disqualified; it leaves the unassigned queue with nothing to credit.
  ASSERT_TRUE(Close(CloseOf("leads/c2", v1::CLOSE_RESOLUTION_DISQUALIFIED), &closed).ok());
  EXPECT_EQ(closed.lead().state(), v1::LEAD_STATE_LOST);
  EXPECT_EQ(closed.lead().close_resolution(), v1::CLOSE_RESOLUTION_DISQUALIFIED);
  EXPECT_EQ(OpenLeadsOf("reps/ana"), 1);

  // Counters and history agree after the closes.
  server_.Shutdown();
  server_.server().Wait();
  {
    absl::StatusOr<std::unique_ptr<storage::Database>> db =
        storage::Database::Open(server_.db_path());
    ASSERT_OK(db);
    absl::StatusOr<storage::CounterCheckReport> report = storage::CheckCounters(**db, false);
    ASSERT_OK(report);
    EXPECT_EQ(report->disagreements, 0);
    EXPECT_EQ(report->history_entries, 5);
  }
}

TEST_F(LifecycleTest, ListLeadsByEachFilterPageByPage) {
  // Six leads a minute apart: a1..a3 from "ads", w1..w3 from "web", ana and ben by turns.
  std::vector<std::string> ana;
  std::vector<std::string> all;
  for (const std::string id : {"a1", "w1", "a2", "w2", "a3", "w3"}) {
    const v1::AssignResponse response = MustAssign(id, id[0] == 'a' ? "ads" : "web");
    if (response.lead().owner() == "reps/ana") ana.insert(ana.begin(), "leads/" + id);
    all.insert(all.begin(), "leads/" + id);
    clock_.Advance(absl::Minutes(1));
  }
  MustFollowUp("leads/a2", v1::FOLLOW_UP_OUTCOME_REACHED);
  MustFollowUp("leads/w2", v1::FOLLOW_UP_OUTCOME_REACHED);

  EXPECT_EQ(ListAll(v1::ListLeadsRequest(), 4), all) << "newest first";
  for (const int size : {1, 2, 5}) {
    SCOPED_TRACE(size);
    v1::ListLeadsRequest by_owner;
    by_owner.set_owner("reps/ana");
    EXPECT_EQ(ListAll(by_owner, size), ana);
    v1::ListLeadsRequest by_source;
    by_source.set_source("ads");
    EXPECT_EQ(ListAll(by_source, size),
              (std::vector<std::string>{"leads/a3", "leads/a2", "leads/a1"}));
    v1::ListLeadsRequest by_state;
    by_state.add_states(v1::LEAD_STATE_CONTACTED);
    EXPECT_EQ(ListAll(by_state, size), (std::vector<std::string>{"leads/w2", "leads/a2"}));
    v1::ListLeadsRequest two_states;
    two_states.add_states(v1::LEAD_STATE_CONTACTED);
    two_states.add_states(v1::LEAD_STATE_OPEN);
    EXPECT_EQ(ListAll(two_states, size), all);
    v1::ListLeadsRequest by_time;
    *by_time.mutable_receive_time()->mutable_start_time() =
        TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(kStart) + 60);
    *by_time.mutable_receive_time()->mutable_end_time() =
        TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(kStart) + 180);
    EXPECT_EQ(ListAll(by_time, size), (std::vector<std::string>{"leads/a2", "leads/w1"}));
    v1::ListLeadsRequest mixed;
    mixed.set_source("web");
    mixed.add_states(v1::LEAD_STATE_OPEN);
    EXPECT_EQ(ListAll(mixed, size), (std::vector<std::string>{"leads/w3", "leads/w1"}));
  }

  // A token belongs to its filters.
  v1::ListLeadsRequest first;
  first.set_source("ads");
  first.set_page_size(1);
  v1::ListLeadsResponse page;
  ASSERT_TRUE(List(first, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListLeadsRequest other;
  other.set_source("web");
  other.set_page_token(page.next_page_token());
  const grpc::Status refused = List(other, &page);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(refused), "page_token");

  // Closing moves a lead between the state entries of the index.
  v1::CloseLeadResponse closed;
  ASSERT_TRUE(Close(CloseOf("leads/a1", v1::CLOSE_RESOLUTION_LOST), &closed).ok());
  v1::ListLeadsRequest lost;
  lost.add_states(v1::LEAD_STATE_LOST);
  EXPECT_EQ(ListAll(lost, 10), (std::vector<std::string>{"leads/a1"}));
  v1::ListLeadsRequest open;
  open.add_states(v1::LEAD_STATE_OPEN);
  EXPECT_EQ(ListAll(open, 10).size(), 3u);
}

TEST_F(LifecycleTest, SlaOverdueLists) {
  MustAssign("s1", "capped");
  clock_.Advance(absl::Minutes(1));
  MustAssign("s2", "web");  // no SLA
  v1::ListLeadsRequest overdue;
  overdue.set_sla_overdue(true);
  EXPECT_TRUE(ListAll(overdue, 10).empty());
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(ListAll(overdue, 10), (std::vector<std::string>{"leads/s1"}));
  MustFollowUp("leads/s1", v1::FOLLOW_UP_OUTCOME_NO_ANSWER);
  EXPECT_TRUE(ListAll(overdue, 10).empty()) << "a first contact, even late, ends the SLA";
}

// A token file with a service and a manager.
class LifecycleAuthTest : public LifecycleTest {
 protected:
  LifecycleAuthTest()
      : LifecycleTest([this](server::ServerOptions& o) {
          std::ofstream(tokens_dir_.Child("tokens"))
              << server::auth::TokenHash("tok-service") << " crm service\n"
              << server::auth::TokenHash("tok-manager") << " mia manager\n"
              << server::auth::TokenHash("tok-viewer") << " vic viewer\n";
          o.security.auth_tokens_file = tokens_dir_.Child("tokens");
        }) {}
};

TEST_F(LifecycleAuthTest, OnlyAManagerRecordsForARepWhoDoesNotOwnTheLead) {
  token_ = "tok-service";
  MustAssign("o1", "capped");  // ana
  v1::RecordFollowUpResponse response;
  const grpc::Status service =
      FollowUp(FollowUpOf("leads/o1", v1::FOLLOW_UP_OUTCOME_REACHED, "reps/ben"), &response);
  EXPECT_EQ(service.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(service), "NOT_OWNER");
  EXPECT_THAT(service.error_message(), HasSubstr("reps/ana"));
  EXPECT_EQ(GetLead("leads/o1").state(), v1::LEAD_STATE_OPEN) << "nothing recorded";

  // The owner's own follow-up is fine for a service.
  ASSERT_TRUE(
      FollowUp(FollowUpOf("leads/o1", v1::FOLLOW_UP_OUTCOME_NO_ANSWER, "reps/ana"), &response)
          .ok());

  token_ = "tok-manager";
  ASSERT_TRUE(
      FollowUp(FollowUpOf("leads/o1", v1::FOLLOW_UP_OUTCOME_REACHED, "reps/ben"), &response).ok());
  EXPECT_EQ(response.lead().state(), v1::LEAD_STATE_CONTACTED);

  // A viewer may list but not record or close.
  token_ = "tok-viewer";
  const grpc::Status viewer =
      FollowUp(FollowUpOf("leads/o1", v1::FOLLOW_UP_OUTCOME_REACHED), &response);
  EXPECT_EQ(viewer.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::CloseLeadResponse closed;
  EXPECT_EQ(Close(CloseOf("leads/o1", v1::CLOSE_RESOLUTION_LOST), &closed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListLeadsResponse listed;
  EXPECT_TRUE(List(v1::ListLeadsRequest(), &listed).ok());
  token_ = "tok-service";
  EXPECT_TRUE(Close(CloseOf("leads/o1", v1::CLOSE_RESOLUTION_LOST), &closed).ok());
}

// A configured channel that is built in (or not a name) refuses the start, naming the option.
TEST(LifecycleChannelsTest, ABadChannelRefusesTheStart) {
  for (const std::string bad : {"phone", "two words", ""}) {
    ServerHarness server({.rules = kRules,
                          .reps_csv = kReps,
                          .configure = [&](server::ServerOptions& o) { o.channels = {bad}; }});
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(server.status().message()), HasSubstr("--channels")) << bad;
  }
}

}  // namespace
}  // namespace leadrouter::testing
