#include "dsl/decision/performance_state.h"

#include "dsl/base/status_macros.h"

namespace leadrouter::dsl {

absl::Status WithPerformance::ReadRepCountersAt(const RepIdList& list,
                                                std::span<const uint32_t> positions,
                                                const PeriodIds& periods,
                                                std::span<RepCounters> out) const {
  RETURN_IF_ERROR(base_.ReadRepCountersAt(list, positions, periods, out));
  if (list.generation != generation_) return absl::OkStatus();
  for (size_t k = 0; k < positions.size(); ++k) {
    if (positions[k] < figures_.size()) out[k].performance = figures_[positions[k]];
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::dsl
