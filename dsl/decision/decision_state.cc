#include "dsl/decision/decision_state.h"

#include <algorithm>
#include <cmath>

namespace leadrouter::dsl {
namespace {

std::vector<std::string_view> IdsAt(const RepIdList& list, std::span<const uint32_t> positions) {
  std::vector<std::string_view> ids;
  ids.reserve(positions.size());
  for (const uint32_t position : positions) ids.push_back(list.ids[position]);
  return ids;
}

}  // namespace

absl::Status DecisionState::ReadRepCountersAt(const RepIdList& list,
                                              std::span<const uint32_t> positions,
                                              const PeriodIds& periods,
                                              std::span<RepCounters> out) const {
  return ReadRepCounters(IdsAt(list, positions), periods, out);
}

absl::Status DecisionState::ReadRuleRepCountersAt(std::string_view rule_key, const RepIdList& list,
                                                  std::span<const uint32_t> positions,
                                                  const PeriodIds& periods,
                                                  std::span<RuleRepCounters> out) const {
  return ReadRuleRepCounters(rule_key, IdsAt(list, positions), periods, out);
}

int64_t BalancePeriodId(const PeriodIds& periods, std::optional<CapUnit> over) {
  if (!over) return 0;
  switch (*over) {
    case CapUnit::kWeek:
      return periods.week;
    case CapUnit::kMonth:
      return periods.month;
    default:
      return periods.day;
  }
}

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
  out.band = assignment.band;
  out.band_over = assignment.band_over;
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
