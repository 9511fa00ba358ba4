// The lead's life as one table: every state against every follow-up outcome and every close, with
// the state it leads to or the precondition that refuses it (server/assign/lead_lifecycle.h).
#include "server/assign/lead_lifecycle.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "leadrouter/v1/errors.pb.h"
#include "status_matchers.h"

namespace leadrouter::testing {
namespace {

using server::CheckClosable;
using server::ClosedState;
using server::CloseResolutionOf;
using server::IsClosedState;
using server::IsOwnedOpen;
using server::StateAfterFollowUp;

constexpr v1::LeadState kUnassigned = v1::LEAD_STATE_UNASSIGNED;
constexpr v1::LeadState kReview = v1::LEAD_STATE_PENDING_REVIEW;
constexpr v1::LeadState kOpen = v1::LEAD_STATE_OPEN;
constexpr v1::LeadState kContacted = v1::LEAD_STATE_CONTACTED;
constexpr v1::LeadState kQualified = v1::LEAD_STATE_QUALIFIED;
constexpr v1::LeadState kConverted = v1::LEAD_STATE_CONVERTED;
constexpr v1::LeadState kLost = v1::LEAD_STATE_LOST;

// A follow-up's outcome from a state: the state after it, or the refusal's reason.
struct Row {
  v1::LeadState from;
  v1::FollowUpOutcome outcome;
  std::optional<v1::LeadState> to;  // nullopt: refused
  std::string reason;               // the precondition's type when refused
};

// The ErrorInfo reason a status carries (server/api/errors.h).
std::string Reason(const absl::Status& status) {
  const auto payload = status.GetPayload("type.googleapis.com/leadrouter.v1.ErrorInfo");
  v1::ErrorInfo info;
  if (!payload.has_value() || !info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

const std::vector<Row>& Table() {
  static const auto* const rows = new std::vector<Row>{
      // assigned (OPEN): attempts keep it, reaching it makes it CONTACTED, and so on forward
      {kOpen, v1::FOLLOW_UP_OUTCOME_UNSPECIFIED, kOpen, ""},
      {kOpen, v1::FOLLOW_UP_OUTCOME_NO_ANSWER, kOpen, ""},
      {kOpen, v1::FOLLOW_UP_OUTCOME_LEFT_MESSAGE, kOpen, ""},
      {kOpen, v1::FOLLOW_UP_OUTCOME_REACHED, kContacted, ""},
      {kOpen, v1::FOLLOW_UP_OUTCOME_MEETING_BOOKED, kContacted, ""},
      {kOpen, v1::FOLLOW_UP_OUTCOME_QUALIFIED, kQualified, ""},
      {kOpen, v1::FOLLOW_UP_OUTCOME_CONVERTED, std::nullopt, "LEAD_NOT_QUALIFIED"},
      {kOpen, v1::FOLLOW_UP_OUTCOME_LOST, kLost, ""},
      // CONTACTED
      {kContacted, v1::FOLLOW_UP_OUTCOME_NO_ANSWER, kContacted, ""},
      {kContacted, v1::FOLLOW_UP_OUTCOME_REACHED, kContacted, ""},
      {kContacted, v1::FOLLOW_UP_OUTCOME_MEETING_BOOKED, kContacted, ""},
      {kContacted, v1::FOLLOW_UP_OUTCOME_QUALIFIED, kQualified, ""},
      {kContacted, v1::FOLLOW_UP_OUTCOME_CONVERTED, std::nullopt, "LEAD_NOT_QUALIFIED"},
      {kContacted, v1::FOLLOW_UP_OUTCOME_LOST, kLost, ""},
      // QUALIFIED: never back
      {kQualified, v1::FOLLOW_UP_OUTCOME_LEFT_MESSAGE, kQualified, ""},
      {kQualified, v1::FOLLOW_UP_OUTCOME_REACHED, kQualified, ""},
      {kQualified, v1::FOLLOW_UP_OUTCOME_QUALIFIED, kQualified, ""},
      {kQualified, v1::FOLLOW_UP_OUTCOME_CONVERTED, kConverted, ""},
      {kQualified, v1::FOLLOW_UP_OUTCOME_LOST, kLost, ""},
      // No owner, in review, closed: no follow-ups at all
      {kUnassigned, v1::FOLLOW_UP_OUTCOME_REACHED, std::nullopt, "LEAD_NOT_OPEN"},
      {kUnassigned, v1::FOLLOW_UP_OUTCOME_LOST, std::nullopt, "LEAD_NOT_OPEN"},
      {kReview, v1::FOLLOW_UP_OUTCOME_REACHED, std::nullopt, "LEAD_NOT_OPEN"},
      {kConverted, v1::FOLLOW_UP_OUTCOME_REACHED, std::nullopt, "LEAD_CLOSED"},
      {kConverted, v1::FOLLOW_UP_OUTCOME_LOST, std::nullopt, "LEAD_CLOSED"},
      {kLost, v1::FOLLOW_UP_OUTCOME_QUALIFIED, std::nullopt, "LEAD_CLOSED"},
      {kLost, v1::FOLLOW_UP_OUTCOME_NO_ANSWER, std::nullopt, "LEAD_CLOSED"},
  };
  return *rows;
}

TEST(LeadLifecycleTest, FollowUpTransitions) {
  for (const Row& row : Table()) {
    SCOPED_TRACE(v1::LeadState_Name(row.from) + " + " + v1::FollowUpOutcome_Name(row.outcome));
    const absl::StatusOr<v1::LeadState> to = StateAfterFollowUp("leads/x", row.from, row.outcome);
    if (row.to.has_value()) {
      ASSERT_OK(to.status());
      EXPECT_EQ(*to, *row.to) << v1::LeadState_Name(*to);
    } else {
      EXPECT_THAT(to.status(),
                  StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("leads/x")));
      // The refusal names the state the lead is in.
      const std::string state = v1::LeadState_Name(row.from).substr(sizeof("LEAD_STATE_") - 1);
      EXPECT_THAT(std::string(to.status().message()), ::testing::HasSubstr(state));
      EXPECT_EQ(Reason(to.status()), row.reason);
    }
  }
}

TEST(LeadLifecycleTest, EveryOwnedStateMeetsEveryOutcome) {
  for (const v1::LeadState from : {kOpen, kContacted, kQualified}) {
    for (int outcome = 0; v1::FollowUpOutcome_IsValid(outcome); ++outcome) {
      const absl::StatusOr<v1::LeadState> to =
          StateAfterFollowUp("leads/x", from, static_cast<v1::FollowUpOutcome>(outcome));
      if (!to.ok()) {
        EXPECT_EQ(to.status().code(), absl::StatusCode::kFailedPrecondition);
        continue;
      }
      // Forward or closed, never back to an earlier open state, never out of the lifecycle.
      EXPECT_TRUE(IsOwnedOpen(*to) || IsClosedState(*to)) << v1::LeadState_Name(*to);
    }
  }
}

TEST(LeadLifecycleTest, Closes) {
  EXPECT_EQ(ClosedState(v1::CLOSE_RESOLUTION_WON), kConverted);
  EXPECT_EQ(ClosedState(v1::CLOSE_RESOLUTION_LOST), kLost);
  EXPECT_EQ(ClosedState(v1::CLOSE_RESOLUTION_DISQUALIFIED), kLost);
  EXPECT_EQ(CloseResolutionOf(v1::FOLLOW_UP_OUTCOME_CONVERTED), v1::CLOSE_RESOLUTION_WON);
  EXPECT_EQ(CloseResolutionOf(v1::FOLLOW_UP_OUTCOME_LOST), v1::CLOSE_RESOLUTION_LOST);
  EXPECT_EQ(CloseResolutionOf(v1::FOLLOW_UP_OUTCOME_REACHED), v1::CLOSE_RESOLUTION_UNSPECIFIED);
  for (const v1::LeadState from : {kUnassigned, kOpen, kContacted, kQualified}) {
    SCOPED_TRACE(v1::LeadState_Name(from));
    EXPECT_OK(CheckClosable("leads/x", from));
  }
  EXPECT_THAT(CheckClosable("leads/x", kReview), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                          ::testing::HasSubstr("PENDING_REVIEW")));
  EXPECT_THAT(CheckClosable("leads/x", kConverted),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("CONVERTED")));
  EXPECT_THAT(CheckClosable("leads/x", kLost),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("LOST")));
}

}  // namespace
}  // namespace leadrouter::testing
