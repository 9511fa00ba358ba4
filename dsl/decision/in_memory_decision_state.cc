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

void AddBand(BandCounts& counts, int32_t band, int64_t increment) {
  if (static_cast<size_t>(band) >= counts.size()) return;  // Decide names bands of the rule only
  int32_t& count = counts[static_cast<size_t>(band)];
  count = static_cast<int32_t>(std::max<int64_t>(0, count + increment));
}

template <typename Calendar>
void AddCalendar(Calendar& calendar, const PeriodIds& periods, int64_t increment) {
  calendar.day.Add(periods.day, increment);
  calendar.week.Add(periods.week, increment);
  calendar.month.Add(periods.month, increment);
}

}  // namespace

uint32_t InMemoryDecisionState::SlotOf(std::string_view rep_id) const {
  const auto it = rep_slots_.find(rep_id);
  return it == rep_slots_.end() ? kNoSlot : it->second;
}

uint32_t InMemoryDecisionState::AddSlot(std::string_view rep_id) {
  const auto [it, added] =
      rep_slots_.try_emplace(std::string(rep_id), static_cast<uint32_t>(rep_entries_.size()));
  if (added) {
    rep_entries_.emplace_back();
    const std::lock_guard<std::mutex> lock(resolved_mutex_);
    if (resolved_ != nullptr) {
      if (const auto position = resolved_->positions.find(rep_id);
          position != resolved_->positions.end()) {
        resolved_->slots[position->second] = it->second;
      }
    }
  }
  return it->second;
}

// One lock per read call, not per rep: the resolved list is shared, and rebuilt only for a new
// generation or after a delta named a rep for the first time.
std::shared_ptr<const InMemoryDecisionState::ResolvedList> InMemoryDecisionState::Resolve(
    const RepIdList& list) const {
  const std::lock_guard<std::mutex> lock(resolved_mutex_);
  if (resolved_ != nullptr && resolved_->generation == list.generation &&
      resolved_->slots.size() == list.ids.size()) {
    return resolved_;
  }
  auto resolved = std::make_shared<ResolvedList>();
  resolved->generation = list.generation;
  resolved->slots.reserve(list.ids.size());
  for (uint32_t position = 0; position < list.ids.size(); ++position) {
    const std::string& id = list.ids[position];
    resolved->slots.push_back(SlotOf(id));
    resolved->positions.try_emplace(id, position);
  }
  resolved_ = resolved;
  return resolved;
}

RepCounters InMemoryDecisionState::ReadRep(const RepEntry& e, const PeriodIds& periods) {
  return RepCounters{e.assigned.day.Read(periods.day), e.assigned.week.Read(periods.week),
                     e.assigned.month.Read(periods.month), e.open, e.quality_day.Read(periods.day)};
}

RuleRepCounters InMemoryDecisionState::ReadRuleRep(const RuleRepEntry& e,
                                                   const PeriodIds& periods) {
  RuleRepCounters c;
  c.assigned_day = e.assigned.day.Read(periods.day);
  c.assigned_week = e.assigned.week.Read(periods.week);
  c.assigned_month = e.assigned.month.Read(periods.month);
  c.open = e.open;
  c.balanced_day = e.balanced_day.Read(periods.day);
  c.balanced_week = e.balanced_week.Read(periods.week);
  c.balanced_month = e.balanced_month.Read(periods.month);
  c.balanced_total = e.balanced_total;
  c.bands_over = e.bands_over;
  if (e.bands_period == BalancePeriodId(periods, e.bands_over)) c.bands = e.bands;
  c.last_chosen_sequence = e.last_chosen_sequence;
  c.last_chosen_time = e.last_chosen_time;
  c.weighted_pass = e.weighted_pass;
  return c;
}

const InMemoryDecisionState::RuleRepEntry* InMemoryDecisionState::FindRuleRep(const RuleEntry* rule,
                                                                              uint32_t slot) const {
  if (rule == nullptr || slot == kNoSlot || slot >= rule->reps.size()) return nullptr;
  return &rule->reps[slot];
}

absl::Status InMemoryDecisionState::ReadRepCounters(std::span<const std::string_view> rep_ids,
                                                    const PeriodIds& periods,
                                                    std::span<RepCounters> out) const {
  if (out.size() != rep_ids.size()) return absl::InvalidArgumentError("output size mismatch");
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    const uint32_t slot = SlotOf(rep_ids[i]);
    out[i] = slot == kNoSlot ? RepCounters{} : ReadRep(rep_entries_[slot], periods);
  }
  return absl::OkStatus();
}

absl::Status InMemoryDecisionState::ReadRuleRepCounters(std::string_view rule_key,
                                                        std::span<const std::string_view> rep_ids,
                                                        const PeriodIds& periods,
                                                        std::span<RuleRepCounters> out) const {
  if (out.size() != rep_ids.size()) return absl::InvalidArgumentError("output size mismatch");
  const auto it = rules_.find(rule_key);
  const RuleEntry* rule = it == rules_.end() ? nullptr : &it->second;
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    const RuleRepEntry* e = FindRuleRep(rule, SlotOf(rep_ids[i]));
    out[i] = e == nullptr ? RuleRepCounters{} : ReadRuleRep(*e, periods);
  }
  return absl::OkStatus();
}

absl::Status InMemoryDecisionState::ReadRepCountersAt(const RepIdList& list,
                                                      std::span<const uint32_t> positions,
                                                      const PeriodIds& periods,
                                                      std::span<RepCounters> out) const {
  if (out.size() != positions.size()) return absl::InvalidArgumentError("output size mismatch");
  const std::shared_ptr<const ResolvedList> resolved = Resolve(list);
  for (size_t k = 0; k < positions.size(); ++k) {
    const uint32_t slot = resolved->slots[positions[k]];
    out[k] = slot == kNoSlot ? RepCounters{} : ReadRep(rep_entries_[slot], periods);
  }
  return absl::OkStatus();
}

absl::Status InMemoryDecisionState::ReadRuleRepCountersAt(std::string_view rule_key,
                                                          const RepIdList& list,
                                                          std::span<const uint32_t> positions,
                                                          const PeriodIds& periods,
                                                          std::span<RuleRepCounters> out) const {
  if (out.size() != positions.size()) return absl::InvalidArgumentError("output size mismatch");
  const std::shared_ptr<const ResolvedList> resolved = Resolve(list);
  const auto it = rules_.find(rule_key);
  const RuleEntry* rule = it == rules_.end() ? nullptr : &it->second;
  for (size_t k = 0; k < positions.size(); ++k) {
    const RuleRepEntry* e = FindRuleRep(rule, resolved->slots[positions[k]]);
    out[k] = e == nullptr ? RuleRepCounters{} : ReadRuleRep(*e, periods);
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
  const uint32_t slot = AddSlot(delta.rep_id);
  RepEntry& rep = rep_entries_[slot];
  AddCalendar(rep.assigned, delta.periods, delta.assigned);
  rep.open = std::max<int64_t>(0, rep.open + delta.open);
  rep.quality_day.Add(delta.periods.day, delta.quality);

  RuleEntry& rule = rules_[delta.rule_key];
  if (rule.reps.size() <= slot) rule.reps.resize(slot + 1);
  RuleRepEntry& rule_rep = rule.reps[slot];
  AddCalendar(rule_rep.assigned, delta.periods, delta.assigned);
  rule_rep.open = std::max<int64_t>(0, rule_rep.open + delta.open);
  const double level = delta.balanced + delta.balanced_lift;
  rule_rep.balanced_day.Add(delta.periods.day, level);
  rule_rep.balanced_week.Add(delta.periods.week, level);
  rule_rep.balanced_month.Add(delta.periods.month, level);
  rule_rep.balanced_total = std::max(0.0, rule_rep.balanced_total + level);
  if (delta.band >= 0) {
    const int64_t period = BalancePeriodId(delta.periods, delta.band_over);
    const bool same_over = rule_rep.bands_period && rule_rep.bands_over == delta.band_over;
    if (!same_over || *rule_rep.bands_period < period) {
      rule_rep.bands = {};
      rule_rep.bands_over = delta.band_over;
      rule_rep.bands_period = period;
    }
    if (*rule_rep.bands_period == period) {
      AddBand(rule_rep.bands, delta.band, delta.assigned + delta.band_lift);
    }
  }
  if (delta.last_chosen_sequence) {
    rule_rep.last_chosen_sequence = delta.last_chosen_sequence;
    rule_rep.last_chosen_time = delta.last_chosen_time;
  }
  if (delta.weighted_pass) rule_rep.weighted_pass = delta.weighted_pass;
  if (delta.weighted_virtual_time) {
    rule.counters.weighted_virtual_time = *delta.weighted_virtual_time;
  }
  if (delta.balanced_max_amount) rule.counters.balanced_max_amount = *delta.balanced_max_amount;
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
  std::vector<uint32_t> slots;
  slots.reserve(rep_ids.size());
  for (size_t i = 0; i < rep_ids.size(); ++i) {
    const RepCounters& c = reps[i];
    slots.push_back(AddSlot(rep_ids[i]));
    RepEntry& e = rep_entries_[slots.back()];
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
    if (rule.reps.size() < rep_entries_.size()) rule.reps.resize(rep_entries_.size());
    for (size_t i = 0; i < rep_ids.size(); ++i) {
      const RuleRepCounters& c = rule_reps[i];
      RuleRepEntry& e = rule.reps[slots[i]];
      e.assigned = {in(periods.day, c.assigned_day), in(periods.week, c.assigned_week),
                    in(periods.month, c.assigned_month)};
      e.open = c.open;
      e.balanced_day = in(periods.day, c.balanced_day);
      e.balanced_week = in(periods.week, c.balanced_week);
      e.balanced_month = in(periods.month, c.balanced_month);
      e.balanced_total = c.balanced_total;
      e.bands_over = c.bands_over;
      e.bands_period = BalancePeriodId(periods, c.bands_over);
      e.bands = c.bands;
      e.last_chosen_sequence = c.last_chosen_sequence;
      e.last_chosen_time = c.last_chosen_time;
      e.weighted_pass = c.weighted_pass;
    }
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::dsl
