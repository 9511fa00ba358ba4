#include "dsl/decision/decision_state.h"

namespace leadrouter::dsl {

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
