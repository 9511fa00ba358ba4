// The lead's life: which states a follow-up's outcome or a close moves a lead to, and which it
// refuses. The one table of transitions (docs/followup.md, "The lead's life", shows it too);
// RecordFollowUp and CloseLead ask it, and nothing else decides a lead's state after assignment.
//
//   assigned (OPEN) -> CONTACTED -> QUALIFIED -> CONVERTED
//        \______________\______________\______-> LOST
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/followups.pb.h"

namespace leadrouter::server {

// OPEN, CONTACTED or QUALIFIED: owned by a rep, not closed, counted in the owner's open leads.
bool IsOwnedOpen(leadrouter::v1::LeadState state);
// CONVERTED or LOST.
bool IsClosedState(leadrouter::v1::LeadState state);

// The state a follow-up with `outcome` moves a lead in state `from` to (the same state when the
// outcome does not move it: an attempt, or a step back such as REACHED on a QUALIFIED lead).
// FAILED_PRECONDITION naming the state when the lead may not take a follow-up (no owner, in
// review, closed: LEAD_NOT_OPEN, LEAD_CLOSED) or the outcome is not allowed from it (CONVERTED
// before QUALIFIED: LEAD_NOT_QUALIFIED).
[[nodiscard]] absl::StatusOr<leadrouter::v1::LeadState> StateAfterFollowUp(
    const std::string& lead, leadrouter::v1::LeadState from,
    leadrouter::v1::FollowUpOutcome outcome);

// The state a close with `resolution` (not UNSPECIFIED) gives: CONVERTED for WON, else LOST.
leadrouter::v1::LeadState ClosedState(leadrouter::v1::CloseResolution resolution);
// The resolution a closing follow-up outcome means (CONVERTED: WON, LOST: LOST); UNSPECIFIED for
// an outcome that does not close.
leadrouter::v1::CloseResolution CloseResolutionOf(leadrouter::v1::FollowUpOutcome outcome);

// What stops a lead's SLA clock (leadrouterd --sla-stops-on): the owner's first follow-up
// whatever its outcome (an unanswered call is an attempt), or the first that reached the lead.
enum class SlaStopsOn { kAttempt, kReached };
// Whether a follow-up with `outcome` stops the clock. REACHED, MEETING_BOOKED, QUALIFIED,
// CONVERTED and LOST reached the lead; UNSPECIFIED, NO_ANSWER and LEFT_MESSAGE did not.
bool StopsSlaClock(leadrouter::v1::FollowUpOutcome outcome, SlaStopsOn stops_on);
// "attempt" / "reached", and back (InvalidArgument listing both).
[[nodiscard]] absl::StatusOr<SlaStopsOn> ParseSlaStopsOn(absl::string_view text);

// Whether a lead in `from` may be closed: UNASSIGNED, OPEN, CONTACTED, QUALIFIED. A lead in review
// is FAILED_PRECONDITION (LEAD_IN_REVIEW); a closed one LEAD_CLOSED (the caller treats closing
// again the same way as a no-op before asking).
[[nodiscard]] absl::Status CheckClosable(const std::string& lead, leadrouter::v1::LeadState from);

}  // namespace leadrouter::server
