#include "dsl/decision/decision_state.h"

#include <algorithm>
#include <cmath>

namespace leadrouter::dsl {

StateDelta AssignmentDelta(std::string_view rep_id, std::string_view rule_key,
                           const PeriodIds& periods, std::optional<double> lead_quality) {
  StateDelta out;
  out.rep_id = std::string(rep_id);
  out.rule_key = std::string(rule_key);
  out.periods = periods;
  out.assigned = 1;
  out.open = 1;
  if (lead_quality && std::isfinite(*lead_quality)) out.quality = std::max(0.0, *lead_quality);
  return out;
}

StateDelta ManualAssignmentDelta(std::string_view rep_id, const PeriodIds& periods,
                                 std::optional<double> lead_quality) {
  return AssignmentDelta(rep_id, kManualRuleKey, periods, lead_quality);
}

StateDelta CreditBack(const StateDelta& assignment) {
  StateDelta out;
  out.rep_id = assignment.rep_id;
  out.rule_key = assignment.rule_key;
  out.periods = assignment.periods;
  out.assigned = -assignment.assigned;
  out.open = -assignment.open;
  out.quality = -assignment.quality;
  out.balanced = -assignment.balanced;
  return out;
}

StateDelta Closed(const StateDelta& assignment) {
  StateDelta out;
  out.rep_id = assignment.rep_id;
  out.rule_key = assignment.rule_key;
  out.periods = assignment.periods;
  out.open = -assignment.open;
  return out;
}

}  // namespace leadrouter::dsl
