// What a review that waited too long turns into: the one list of the actions and their names.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace leadrouter::server {

// What happens to a proposal that waited for review longer than AssignerOptions::review_timeout.
// Each makes a REVIEW_EXPIRED event first.
enum class ReviewTimeoutAction : uint8_t {
  kEscalate,  // the event only, once: the proposal keeps waiting (a manager's manager acts)
  kApprove,   // the proposal takes effect, approved by "system:review-timeout"
  kReject,    // the proposal is dropped and the lead unassigned, as a reviewer's REJECT
};
// "escalate", "approve", "reject": the names `leadrouterd --review-timeout-action` takes.
std::string_view ReviewTimeoutActionName(ReviewTimeoutAction action);
std::optional<ReviewTimeoutAction> ParseReviewTimeoutAction(std::string_view name);

}  // namespace leadrouter::server
