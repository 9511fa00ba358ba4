#include "dsl/decision/in_memory_decision_state.h"

#include <algorithm>
#include <vector>

namespace leadrouter::dsl {

template <typename T>
void InMemoryDecisionState::Periodic<T>::Add(int64_t p, T increment) {
  if (period && *period > p) return;  // a credit for a period that is over
  if (!period || *period < p) {
    period = p;
    value = T{};
  }
  value = std::max(T{}, value + increment);
}

namespace {

template <typename Calendar>
void AddCalendar(Calendar& calendar, const PeriodIds& periods, int64_t increment) {
  calendar.day.Add(periods.day, increment);
  calendar.week.Add(periods.week, increment);
  calendar.month.Add(periods.month, increment);
}

}  // namespace

absl::Status InMemoryDecisionState::ReadRepCounters(std::span<const std::string_view> rep_ids,
                                                    const PeriodIds& periods,
                                                    std::span<RepCounters> out) const {
  if (out.size() != rep_ids.size()) return absl::InvalidArgumentError("output size mismatch");
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    const auto it = reps_.find(rep_ids[i]);
    if (it == reps_.end()) {
      out[i] = RepCounters{};
      continue;
    }
    const RepEntry& e = it->second;
    out[i] =
        RepCounters{e.assigned.day.Read(periods.day), e.assigned.week.Read(periods.week),
                    e.assigned.month.Read(periods.month), e.open, e.quality_day.Read(periods.day)};
  }
  return absl::OkStatus();
}

absl::Status InMemoryDecisionState::ReadRuleRepCounters(std::string_view rule_key,
                                                        std::span<const std::string_view> rep_ids,
                                                        const PeriodIds& periods,
                                                        std::span<RuleRepCounters> out) const {
  if (out.size() != rep_ids.size()) return absl::InvalidArgumentError("output size mismatch");
  const auto rule = rules_.find(rule_key);
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    out[i] = RuleRepCounters{};
    if (rule == rules_.end()) continue;
    const auto it = rule->second.reps.find(rep_ids[i]);
    if (it == rule->second.reps.end()) continue;
    const RuleRepEntry& e = it->second;
    RuleRepCounters& c = out[i];
    c.assigned_day = e.assigned.day.Read(periods.day);
    c.assigned_week = e.assigned.week.Read(periods.week);
    c.assigned_month = e.assigned.month.Read(periods.month);
    c.open = e.open;
    c.balanced_day = e.balanced_day.Read(periods.day);
    c.balanced_week = e.balanced_week.Read(periods.week);
    c.balanced_month = e.balanced_month.Read(periods.month);
    c.last_chosen_sequence = e.last_chosen_sequence;
    c.last_chosen_time = e.last_chosen_time;
    c.weighted_pass = e.weighted_pass;
  }
  return absl::OkStatus();
}

absl::Status InMemoryDecisionState::ReadRuleCounters(std::string_view rule_key,
                                                     RuleCounters& out) const {
  const auto rule = rules_.find(rule_key);
  out = rule == rules_.end() ? RuleCounters{} : rule->second.counters;
  return absl::OkStatus();
}

void InMemoryDecisionState::Apply(const StateDelta& delta) {
  RepEntry& rep = reps_[delta.rep_id];
  AddCalendar(rep.assigned, delta.periods, delta.assigned);
  rep.open = std::max<int64_t>(0, rep.open + delta.open);
  rep.quality_day.Add(delta.periods.day, delta.quality);

  RuleEntry& rule = rules_[delta.rule_key];
  RuleRepEntry& rule_rep = rule.reps[delta.rep_id];
  AddCalendar(rule_rep.assigned, delta.periods, delta.assigned);
  rule_rep.open = std::max<int64_t>(0, rule_rep.open + delta.open);
  rule_rep.balanced_day.Add(delta.periods.day, delta.balanced);
  rule_rep.balanced_week.Add(delta.periods.week, delta.balanced);
  rule_rep.balanced_month.Add(delta.periods.month, delta.balanced);
  if (delta.last_chosen_sequence) {
    rule_rep.last_chosen_sequence = delta.last_chosen_sequence;
    rule_rep.last_chosen_time = delta.last_chosen_time;
  }
  if (delta.weighted_pass) rule_rep.weighted_pass = delta.weighted_pass;
  if (delta.weighted_virtual_time) {
    rule.counters.weighted_virtual_time = *delta.weighted_virtual_time;
  }
}

absl::Status InMemoryDecisionState::CopyFrom(const DecisionState& base,
                                             std::span<const std::string_view> rep_ids,
                                             std::span<const std::string> rule_keys,
                                             const PeriodIds& periods) {
  const auto in = [](int64_t period, auto value) {
    return Periodic<decltype(value)>{period, value};
  };
  std::vector<RepCounters> reps(rep_ids.size());
  if (absl::Status s = base.ReadRepCounters(rep_ids, periods, reps); !s.ok()) return s;
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    const RepCounters& c = reps[i];
    RepEntry& e = reps_[std::string(rep_ids[i])];
    e.assigned = {in(periods.day, c.assigned_day), in(periods.week, c.assigned_week),
                  in(periods.month, c.assigned_month)};
    e.open = c.open;
    e.quality_day = in(periods.day, c.quality_day);
  }
  std::vector<RuleRepCounters> rule_reps(rep_ids.size());
  for (const std::string& key : rule_keys) {
    RuleEntry& rule = rules_[key];
    if (absl::Status s = base.ReadRuleCounters(key, rule.counters); !s.ok()) return s;
    if (absl::Status s = base.ReadRuleRepCounters(key, rep_ids, periods, rule_reps); !s.ok()) {
      return s;
    }
    for (size_t i = 0; i < rep_ids.size(); ++i) {
      const RuleRepCounters& c = rule_reps[i];
      RuleRepEntry& e = rule.reps[std::string(rep_ids[i])];
      e.assigned = {in(periods.day, c.assigned_day), in(periods.week, c.assigned_week),
                    in(periods.month, c.assigned_month)};
      e.open = c.open;
      e.balanced_day = in(periods.day, c.balanced_day);
      e.balanced_week = in(periods.week, c.balanced_week);
      e.balanced_month = in(periods.month, c.balanced_month);
      e.last_chosen_sequence = c.last_chosen_sequence;
      e.last_chosen_time = c.last_chosen_time;
      e.weighted_pass = c.weighted_pass;
    }
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::dsl
