// A human in the loop, through real gRPC with a simulated clock: a rule with `review` proposes
// (PENDING_REVIEW, counted against caps), AssignmentService.Review approves it (the SLA starts
// then) or rejects it to another rep or to no one (the rejected rep is never proposed again), bad
// requests name their field, and a proposal that waits past the review timeout escalates once,
// or is approved or rejected by the server, exactly once across a restart. The counter check
// agrees with the history afterwards.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "server/api/clock.h"
#include "status_matchers.h"
#include "storage/counter_recovery.h"
#include "storage/database.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using google::protobuf::util::TimeUtil;

// "big" leads are proposed for review, at most one a day per rep; the others are assigned round
// robin. Reps ana and ben take big leads; cy only small ones... unless a reviewer names her.
constexpr char kRules[] = R"(rule "big"
  when source == "big"
  require level >= 3
  review
  cap 1/day
  sla 1h then notify
  distribute round_robin

rule "all"
  when source != "big"
  distribute round_robin
)";
constexpr char kReps[] =
    "id,name,team,status,level\nana,Ana,a,active,5\nben,Ben,b,active,4\ncy,Cy,c,active,1\n";

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

class ReviewTest : public ::testing::Test {
 protected:
  explicit ReviewTest(std::function<void(server::ServerOptions&)> more = nullptr)
      : clock_(kStart),
        server_({.rules = kRules,
                 .reps_csv = kReps,
                 .configure = [this, more](server::ServerOptions& o) {
                   o.clock = &clock_;
                   o.review_check_interval = std::chrono::milliseconds(10);
                   if (more) more(o);
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

  static v1::ReviewRequest ReviewOf(const std::string& lead, v1::ReviewDecision decision,
                                    const std::string& rep = "") {
    v1::ReviewRequest request;
    request.set_lead(lead);
    request.set_decision(decision);
    request.set_rep(rep);
    request.set_actor("manager:mia");
    request.set_reason("checked the account");
    return request;
  }
  grpc::Status Review(const v1::ReviewRequest& request, v1::ReviewResponse* response) {
    return server_.Call(
        [&](grpc::ClientContext* c) { return server_.assignments().Review(c, request, response); });
  }

  v1::Lead GetLead(const std::string& name) {
    v1::GetLeadRequest request;
    request.set_name(name);
    v1::GetLeadResponse response;
    EXPECT_TRUE(server_
                    .Call([&](grpc::ClientContext* c) {
                      return server_.assignments().GetLead(c, request, &response);
                    })
                    .ok());
    return response.lead();
  }
  int64_t OpenLeadsOf(const std::string& rep) {
    v1::GetRepRequest request;
    request.set_name(rep);
    v1::GetRepResponse response;
    EXPECT_TRUE(
        server_
            .Call([&](grpc::ClientContext* c) { return server_.reps().Get(c, request, &response); })
            .ok());
    return response.rep().load().open_leads();
  }
  std::vector<v1::Event> EventsOf(const std::string& lead) { return LeadEvents(server_, lead); }

  // Stops the server and checks its counters against the history.
  void ExpectCountersAgree() { testing::ExpectCountersAgree(server_); }

  server::SimulatedClock clock_;
  ServerHarness server_;
};

TEST_F(ReviewTest, AProposalWaitsCountedAgainstCapsAndIsApproved) {
  const v1::AssignResponse proposed = MustAssign("p1", "big");
  EXPECT_EQ(proposed.assignment().outcome(), v1::OUTCOME_PENDING_REVIEW);
  const v1::Lead& lead = proposed.lead();
  EXPECT_EQ(lead.state(), v1::LEAD_STATE_PENDING_REVIEW);
  const std::string rep = lead.owner();
  EXPECT_TRUE(rep == "reps/ana" || rep == "reps/ben") << rep;
  EXPECT_FALSE(lead.has_sla_deadline()) << "the SLA starts when the proposal is approved";
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(lead.review_since()), absl::ToUnixMicros(kStart));
  EXPECT_EQ(OpenLeadsOf(rep), 1) << "a proposal counts as an open lead of its rep";
  EXPECT_EQ(KindsOf(EventsOf("leads/p1")), std::vector{v1::EVENT_KIND_REVIEW_PENDING});

  // Both reps' `cap 1/day` taken by proposals: the third big lead finds no one.
  const v1::AssignResponse second = MustAssign("p2", "big");
  EXPECT_EQ(second.assignment().outcome(), v1::OUTCOME_PENDING_REVIEW);
  EXPECT_NE(second.lead().owner(), rep);
  EXPECT_EQ(MustAssign("p3", "big").assignment().outcome(), v1::OUTCOME_UNASSIGNED);

  // An Assign of the proposed lead does not re-decide it.
  EXPECT_EQ(MustAssign("p1", "big").assignment().outcome(), v1::OUTCOME_ALREADY_ASSIGNED);

  clock_.Advance(absl::Minutes(10));
  v1::ReviewRequest approve = ReviewOf("leads/p1", v1::REVIEW_DECISION_APPROVE);
  approve.set_proposal(lead.current_assignment());
  approve.set_idempotency_key("approve-p1");
  v1::ReviewResponse approved;
  ASSERT_TRUE(Review(approve, &approved).ok());
  EXPECT_EQ(approved.lead().state(), v1::LEAD_STATE_OPEN);
  EXPECT_EQ(approved.lead().owner(), rep);
  EXPECT_FALSE(approved.lead().has_review_since());
  EXPECT_EQ(approved.assignment().kind(), v1::ASSIGNMENT_KIND_REVIEW);
  EXPECT_EQ(approved.assignment().outcome(), v1::OUTCOME_ASSIGNED);
  EXPECT_EQ(approved.assignment().rule().name(), "big");
  EXPECT_EQ(approved.assignment().actor(), "manager:mia");
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(approved.lead().sla_deadline()),
            absl::ToUnixMicros(kStart + absl::Minutes(10) + absl::Hours(1)))
      << "the SLA clock starts at the approval";
  EXPECT_EQ(OpenLeadsOf(rep), 1) << "approval moves no count: the proposal already did";

  const std::vector<v1::Event> events = EventsOf("leads/p1");
  ASSERT_EQ(KindsOf(events), (std::vector{v1::EVENT_KIND_REVIEW_PENDING, v1::EVENT_KIND_ASSIGNED}));
  EXPECT_EQ(events[1].rep(), rep);
  EXPECT_EQ(events[1].assignment_kind(), v1::ASSIGNMENT_KIND_REVIEW);

  // The same key again: the stored response; without it: the lead is no longer in review.
  v1::ReviewResponse replayed;
  ASSERT_TRUE(Review(approve, &replayed).ok());
  EXPECT_TRUE(replayed.replayed());
  EXPECT_EQ(replayed.assignment().name(), approved.assignment().name());
  approve.clear_idempotency_key();
  const grpc::Status again = Review(approve, &replayed);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(again), "NOT_PENDING_REVIEW");
  EXPECT_EQ(again.error_message(), "leads/p1 is LEAD_STATE_OPEN, not waiting for review");
  ExpectCountersAgree();
}

TEST_F(ReviewTest, ARejectionGoesToTheNamedRepOrToNoOneAndNeverBack) {
  const std::string first = MustAssign("r1", "big").lead().owner();

  // Rejected to cy, whom the rule would not pick (level 1): a manager's choice, as a Reassign.
  v1::ReviewResponse to_cy;
  ASSERT_TRUE(Review(ReviewOf("leads/r1", v1::REVIEW_DECISION_REJECT, "reps/cy"), &to_cy).ok());
  EXPECT_EQ(to_cy.lead().owner(), "reps/cy");
  EXPECT_EQ(to_cy.lead().state(), v1::LEAD_STATE_OPEN);
  EXPECT_EQ(to_cy.assignment().kind(), v1::ASSIGNMENT_KIND_MANUAL);
  EXPECT_THAT(to_cy.lead().review_rejected_reps(), ::testing::ElementsAre(first));
  EXPECT_EQ(OpenLeadsOf(first), 0) << "the rejected proposal's count is credited back";
  EXPECT_EQ(OpenLeadsOf("reps/cy"), 1);
  const std::vector<v1::Event> events = EventsOf("leads/r1");
  ASSERT_EQ(KindsOf(events),
            (std::vector{v1::EVENT_KIND_REVIEW_PENDING, v1::EVENT_KIND_REVIEW_REJECTED,
                         v1::EVENT_KIND_ASSIGNED}));
  EXPECT_EQ(events[1].rep(), first);
  EXPECT_EQ(events[1].reason(), "checked the account");
  EXPECT_EQ(events[2].rep(), "reps/cy");

  // Rejected to no one: unassigned, REVIEW_REJECTED; decided again, it goes to the other rep and
  // never back to the rejected one, even when that one is the only rep left.
  const std::string proposed = MustAssign("r2", "big").lead().owner();
  v1::ReviewResponse released;
  ASSERT_TRUE(Review(ReviewOf("leads/r2", v1::REVIEW_DECISION_REJECT), &released).ok());
  EXPECT_EQ(released.lead().state(), v1::LEAD_STATE_UNASSIGNED);
  EXPECT_EQ(released.lead().owner(), "");
  EXPECT_EQ(released.assignment().kind(), v1::ASSIGNMENT_KIND_RELEASE);
  EXPECT_EQ(released.assignment().unassigned_reason(), v1::UNASSIGNED_REASON_REVIEW_REJECTED);
  EXPECT_EQ(OpenLeadsOf(proposed), 0);
  // (The unassigned retry may have decided it already: then this Assign only reads it.)
  const v1::AssignResponse redecided = MustAssign("r2", "big");
  EXPECT_NE(redecided.lead().owner(), proposed);
  if (redecided.lead().state() == v1::LEAD_STATE_PENDING_REVIEW) {
    v1::ReviewResponse dropped;
    ASSERT_TRUE(Review(ReviewOf("leads/r2", v1::REVIEW_DECISION_REJECT), &dropped).ok());
    EXPECT_EQ(dropped.lead().review_rejected_reps_size(), 2);
    // Both big-lead reps rejected: nobody is left for it.
    EXPECT_EQ(MustAssign("r2", "big").assignment().outcome(), v1::OUTCOME_UNASSIGNED);
  }
  ExpectCountersAgree();
}

TEST_F(ReviewTest, BadRequestsNameTheirField) {
  MustAssign("b1", "big");
  MustAssign("s1", "small");
  const auto refused = [&](v1::ReviewRequest request) {
    v1::ReviewResponse response;
    return Review(request, &response);
  };
  v1::ReviewRequest request = ReviewOf("leads/b1", v1::REVIEW_DECISION_UNSPECIFIED);
  grpc::Status status = refused(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadField(status), "decision");

  request = ReviewOf("leads/b1", v1::REVIEW_DECISION_APPROVE, "reps/cy");
  status = refused(request);
  EXPECT_EQ(BadField(status), "rep") << status.error_message();

  request = ReviewOf("leads/b1", v1::REVIEW_DECISION_REJECT);
  request.clear_reason();
  status = refused(request);
  EXPECT_EQ(BadField(status), "reason");

  request = ReviewOf("leads/b1", v1::REVIEW_DECISION_APPROVE);
  request.clear_actor();
  EXPECT_EQ(BadField(refused(request)), "actor");

  request = ReviewOf("leads/b1", v1::REVIEW_DECISION_APPROVE);
  request.set_force(true);
  EXPECT_EQ(BadField(refused(request)), "force");

  request = ReviewOf("leads/b1", v1::REVIEW_DECISION_APPROVE);
  request.set_proposal("leads/other/assignments/1");
  EXPECT_EQ(BadField(refused(request)), "proposal");

  request = ReviewOf("leads/b1", v1::REVIEW_DECISION_APPROVE);
  request.set_proposal("leads/b1/assignments/00000000000000ff");
  status = refused(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(status), "PROPOSAL_MISMATCH");

  const std::string proposed = GetLead("leads/b1").owner();
  status = refused(ReviewOf("leads/b1", v1::REVIEW_DECISION_REJECT, proposed));
  EXPECT_EQ(BadField(status), "rep");
  EXPECT_EQ(refused(ReviewOf("leads/b1", v1::REVIEW_DECISION_REJECT, "reps/nobody")).error_code(),
            grpc::StatusCode::NOT_FOUND);

  status = refused(ReviewOf("leads/s1", v1::REVIEW_DECISION_APPROVE));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "NOT_PENDING_REVIEW");
  EXPECT_EQ(refused(ReviewOf("leads/none", v1::REVIEW_DECISION_APPROVE)).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Nothing was changed by the refusals.
  EXPECT_EQ(GetLead("leads/b1").state(), v1::LEAD_STATE_PENDING_REVIEW);
  EXPECT_EQ(KindsOf(EventsOf("leads/b1")), std::vector{v1::EVENT_KIND_REVIEW_PENDING});
}

TEST_F(ReviewTest, ATimedOutReviewEscalatesOnceEvenAcrossARestart) {
  MustAssign("t1", "big");
  clock_.Advance(absl::Hours(24) - absl::Seconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // several checks
  EXPECT_EQ(KindsOf(EventsOf("leads/t1")), std::vector{v1::EVENT_KIND_REVIEW_PENDING});

  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(Eventually([&] { return EventsOf("leads/t1").size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_.Restart();
  ASSERT_OK(server_.status());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::vector<v1::Event> events = EventsOf("leads/t1");
  ASSERT_EQ(KindsOf(events),
            (std::vector{v1::EVENT_KIND_REVIEW_PENDING, v1::EVENT_KIND_REVIEW_EXPIRED}));
  EXPECT_EQ(events[1].actor(), "system:review-timeout");
  EXPECT_EQ(events[1].reason(), "waited for review longer than 24h");
  const v1::Lead lead = GetLead("leads/t1");
  EXPECT_EQ(lead.state(), v1::LEAD_STATE_PENDING_REVIEW) << "escalated, still waiting";
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(lead.review_escalate_time()),
            absl::ToUnixMicros(kStart + absl::Hours(24)));

  // A reviewer can still decide it.
  v1::ReviewResponse approved;
  ASSERT_TRUE(Review(ReviewOf("leads/t1", v1::REVIEW_DECISION_APPROVE), &approved).ok());
  EXPECT_FALSE(approved.lead().has_review_escalate_time());
}

class ReviewTimeoutApproveTest : public ReviewTest {
 protected:
  ReviewTimeoutApproveTest()
      : ReviewTest([](server::ServerOptions& o) {
          o.review_timeout = std::chrono::hours(2);
          o.review_timeout_action = server::ReviewTimeoutAction::kApprove;
        }) {}
};

TEST_F(ReviewTimeoutApproveTest, TheServerApprovesAfterTheTimeout) {
  const std::string rep = MustAssign("a1", "big").lead().owner();
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(Eventually([&] { return GetLead("leads/a1").state() == v1::LEAD_STATE_OPEN; }));
  const v1::Lead lead = GetLead("leads/a1");
  EXPECT_EQ(lead.owner(), rep);
  EXPECT_EQ(KindsOf(EventsOf("leads/a1")),
            (std::vector{v1::EVENT_KIND_REVIEW_PENDING, v1::EVENT_KIND_REVIEW_EXPIRED,
                         v1::EVENT_KIND_ASSIGNED}));
  ExpectCountersAgree();
}

class ReviewTimeoutRejectTest : public ReviewTest {
 protected:
  ReviewTimeoutRejectTest()
      : ReviewTest([](server::ServerOptions& o) {
          o.review_timeout = std::chrono::hours(2);
          o.review_timeout_action = server::ReviewTimeoutAction::kReject;
        }) {}
};

TEST_F(ReviewTimeoutRejectTest, TheServerRejectsAfterTheTimeout) {
  const std::string rep = MustAssign("j1", "big").lead().owner();
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(Eventually([&] {
    const v1::Lead lead = GetLead("leads/j1");
    return lead.state() != v1::LEAD_STATE_PENDING_REVIEW;
  }));
  // Rejected, then re-decided by the unassigned retry (or left unassigned): never back to `rep`.
  const v1::Lead lead = GetLead("leads/j1");
  EXPECT_NE(lead.owner(), rep);
  EXPECT_THAT(lead.review_rejected_reps(), ::testing::ElementsAre(rep));
  const std::vector<v1::EventKind> kinds = KindsOf(EventsOf("leads/j1"));
  ASSERT_GE(kinds.size(), 3u);
  EXPECT_EQ(kinds[1], v1::EVENT_KIND_REVIEW_EXPIRED);
  EXPECT_EQ(kinds[2], v1::EVENT_KIND_REVIEW_REJECTED);
  ExpectCountersAgree();
}

}  // namespace
}  // namespace leadrouter::testing
