#include "server/assign/lead_lifecycle.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/api/errors.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

// How far along the lead is; a follow-up never moves a lead back (REACHED on a QUALIFIED lead
// leaves it QUALIFIED).
int Progress(v1::LeadState state) {
  switch (state) {
    case v1::LEAD_STATE_OPEN:
      return 1;
    case v1::LEAD_STATE_CONTACTED:
      return 2;
    case v1::LEAD_STATE_QUALIFIED:
      return 3;
    default:
      return 0;
  }
}

v1::LeadState Furthest(v1::LeadState from, v1::LeadState to) {
  return Progress(to) > Progress(from) ? to : from;
}

std::string StateName(v1::LeadState state) {
  return std::string(v1::LeadState_Name(state).substr(sizeof("LEAD_STATE_") - 1));
}

}  // namespace

bool IsOwnedOpen(v1::LeadState state) { return Progress(state) > 0; }

bool StopsSlaClock(v1::FollowUpOutcome outcome, SlaStopsOn stops_on) {
  if (stops_on == SlaStopsOn::kAttempt) return true;
  switch (outcome) {
    case v1::FOLLOW_UP_OUTCOME_REACHED:
    case v1::FOLLOW_UP_OUTCOME_MEETING_BOOKED:
    case v1::FOLLOW_UP_OUTCOME_QUALIFIED:
    case v1::FOLLOW_UP_OUTCOME_CONVERTED:
    case v1::FOLLOW_UP_OUTCOME_LOST:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<SlaStopsOn> ParseSlaStopsOn(absl::string_view text) {
  if (text == "attempt") return SlaStopsOn::kAttempt;
  if (text == "reached") return SlaStopsOn::kReached;
  return absl::InvalidArgumentError(
      absl::StrCat("expected attempt or reached, got \"", absl::CEscape(text), "\""));
}

bool IsClosedState(v1::LeadState state) {
  return state == v1::LEAD_STATE_CONVERTED || state == v1::LEAD_STATE_LOST;
}

absl::StatusOr<v1::LeadState> StateAfterFollowUp(const std::string& lead, v1::LeadState from,
                                                 v1::FollowUpOutcome outcome) {
  if (IsClosedState(from)) {
    return Precondition("LEAD_CLOSED", lead,
                        absl::StrCat(lead, " is closed (", StateName(from),
                                     "): a closed lead takes no follow-ups"));
  }
  if (!IsOwnedOpen(from)) {
    return Precondition("LEAD_NOT_OPEN", lead,
                        absl::StrCat(lead, " is ", StateName(from),
                                     ": only a lead with an owner takes follow-ups"));
  }
  switch (outcome) {
    case v1::FOLLOW_UP_OUTCOME_UNSPECIFIED:
    case v1::FOLLOW_UP_OUTCOME_NO_ANSWER:
    case v1::FOLLOW_UP_OUTCOME_LEFT_MESSAGE:
      return from;  // an attempt: the lead was not reached
    case v1::FOLLOW_UP_OUTCOME_REACHED:
    case v1::FOLLOW_UP_OUTCOME_MEETING_BOOKED:
      return Furthest(from, v1::LEAD_STATE_CONTACTED);
    case v1::FOLLOW_UP_OUTCOME_QUALIFIED:
      return v1::LEAD_STATE_QUALIFIED;
    case v1::FOLLOW_UP_OUTCOME_CONVERTED:
      if (from != v1::LEAD_STATE_QUALIFIED) {
        return Precondition(
            "LEAD_NOT_QUALIFIED", lead,
            absl::StrCat(lead, " is ", StateName(from),
                         ": only a QUALIFIED lead converts; record a QUALIFIED outcome first, "
                         "or close it with CloseLead"));
      }
      return v1::LEAD_STATE_CONVERTED;
    case v1::FOLLOW_UP_OUTCOME_LOST:
      return v1::LEAD_STATE_LOST;
    default:
      break;
  }
  return InvalidField("followup.outcome", "unknown outcome");
}

v1::LeadState ClosedState(v1::CloseResolution resolution) {
  return resolution == v1::CLOSE_RESOLUTION_WON ? v1::LEAD_STATE_CONVERTED : v1::LEAD_STATE_LOST;
}

v1::CloseResolution CloseResolutionOf(v1::FollowUpOutcome outcome) {
  switch (outcome) {
    case v1::FOLLOW_UP_OUTCOME_CONVERTED:
      return v1::CLOSE_RESOLUTION_WON;
    case v1::FOLLOW_UP_OUTCOME_LOST:
      return v1::CLOSE_RESOLUTION_LOST;
    default:
      return v1::CLOSE_RESOLUTION_UNSPECIFIED;
  }
}

absl::Status CheckClosable(const std::string& lead, v1::LeadState from) {
  if (IsClosedState(from)) {
    return Precondition("LEAD_CLOSED", lead,
                        absl::StrCat(lead, " is already closed (", StateName(from), ")"));
  }
  if (from == v1::LEAD_STATE_PENDING_REVIEW) {
    return Precondition(
        "LEAD_IN_REVIEW", lead,
        absl::StrCat(lead, " is PENDING_REVIEW: review the proposal before closing it"));
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::server
