#include "storage/counter_rows.h"

#include "storage/counter_keys.h"

namespace leadrouter::storage {

uint32_t CounterRows::SlotOf(std::string_view rep_id) {
  // Debian's Abseil has its own string_view, which its string hash takes (not std::string_view).
  const auto [it, added] = rep_slots_.try_emplace(absl::string_view(rep_id.data(), rep_id.size()),
                                                  static_cast<uint32_t>(rep_ids_.size()));
  if (added) {
    rep_ids_.emplace_back(rep_id);
    rep_rows_.emplace_back();
  }
  return it->second;
}

std::span<const uint32_t> CounterRows::Resolve(const dsl::RepIdList& list) {
  if (resolved_generation_ != list.generation || resolved_.size() != list.ids.size() ||
      list.generation == 0) {
    resolved_.clear();
    resolved_.reserve(list.ids.size());
    for (const std::string& id : list.ids) resolved_.push_back(SlotOf(id));
    resolved_generation_ = list.generation;
  }
  return resolved_;
}

std::span<CounterRows::RuleRepRow> CounterRows::RuleRows(std::string_view rule_key) {
  std::vector<RuleRepRow>& rows = rule_rows_[absl::string_view(rule_key.data(), rule_key.size())];
  if (rows.size() < rep_ids_.size()) rows.resize(rep_ids_.size());
  return rows;
}

void CounterRows::Invalidate(absl::string_view encoded_key) {
  const absl::StatusOr<CounterKey> key = DecodeCounterKey(encoded_key);
  if (!key.ok()) {  // not a key of this layout: nothing it could belong to stays trusted
    Clear();
    return;
  }
  const auto slot = rep_slots_.find(key->rep);
  switch (key->scope) {
    case CounterScope::kRep:
      if (slot != rep_slots_.end()) rep_rows_[slot->second].valid = false;
      return;
    case CounterScope::kRuleRep: {
      if (slot == rep_slots_.end()) return;
      const auto rule = rule_rows_.find(key->rule);
      if (rule != rule_rows_.end() && slot->second < rule->second.size()) {
        rule->second[slot->second].valid = false;
      }
      return;
    }
    case CounterScope::kRule:
      return;  // rule state is read per rule, never kept here
  }
}

void CounterRows::Clear() {
  for (RepRow& row : rep_rows_) row.valid = false;
  for (auto& [rule, rows] : rule_rows_) {
    for (RuleRepRow& row : rows) row.valid = false;
  }
}

}  // namespace leadrouter::storage
