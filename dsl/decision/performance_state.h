// A DecisionState that adds the reps' performance figures (rep_performance.h) to the counters of
// another: the decision then reads `conversion_rate`, `median_first_contact_hours` and
// `sla_compliance` the way it reads `open_leads`, by roster position, with no lookup per rep.
#pragma once

#include <cstdint>
#include <span>

#include "dsl/decision/decision_state.h"
#include "dsl/decision/rep_performance.h"

namespace leadrouter::dsl {

class WithPerformance final : public DecisionState {
 public:
  // `figures[i]` belongs to position i of the RepIdList of `generation` (a bound roster's
  // id_list()); a read by position of another list, or by id, carries no figures (the decision
  // then keeps the roster's own values). `base` and `figures` must outlive this object.
  WithPerformance(const DecisionState& base, uint64_t generation,
                  std::span<const RepPerformance> figures)
      : base_(base), generation_(generation), figures_(figures) {}

  absl::Status ReadRepCounters(std::span<const std::string_view> rep_ids, const PeriodIds& periods,
                               std::span<RepCounters> out) const override {
    return base_.ReadRepCounters(rep_ids, periods, out);
  }
  absl::Status ReadRuleRepCounters(std::string_view rule_key,
                                   std::span<const std::string_view> rep_ids,
                                   const PeriodIds& periods,
                                   std::span<RuleRepCounters> out) const override {
    return base_.ReadRuleRepCounters(rule_key, rep_ids, periods, out);
  }
  absl::Status ReadRuleCounters(std::string_view rule_key, RuleCounters& out) const override {
    return base_.ReadRuleCounters(rule_key, out);
  }
  absl::Status ReadRepCountersAt(const RepIdList& list, std::span<const uint32_t> positions,
                                 const PeriodIds& periods,
                                 std::span<RepCounters> out) const override;
  absl::Status ReadRuleRepCountersAt(std::string_view rule_key, const RepIdList& list,
                                     std::span<const uint32_t> positions, const PeriodIds& periods,
                                     std::span<RuleRepCounters> out) const override {
    return base_.ReadRuleRepCountersAt(rule_key, list, positions, periods, out);
  }

 private:
  const DecisionState& base_;
  const uint64_t generation_;
  const std::span<const RepPerformance> figures_;
};

}  // namespace leadrouter::dsl
