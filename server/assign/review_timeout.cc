#include "server/assign/review_timeout.h"

namespace leadrouter::server {

std::string_view ReviewTimeoutActionName(ReviewTimeoutAction action) {
  switch (action) {
    case ReviewTimeoutAction::kEscalate:
      return "escalate";
    case ReviewTimeoutAction::kApprove:
      return "approve";
    case ReviewTimeoutAction::kReject:
      return "reject";
  }
  return "escalate";
}

std::optional<ReviewTimeoutAction> ParseReviewTimeoutAction(std::string_view name) {
  for (const ReviewTimeoutAction action :
       {ReviewTimeoutAction::kEscalate, ReviewTimeoutAction::kApprove,
        ReviewTimeoutAction::kReject}) {
    if (name == ReviewTimeoutActionName(action)) return action;
  }
  return std::nullopt;
}

}  // namespace leadrouter::server
