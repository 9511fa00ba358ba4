// DecisionState in memory, for dry runs, backtests and tests. Implements the contract of
// dsl/decision/decision_state.h exactly (period reset, clamping, set fields), so results match the
// storage-backed state.
//
// Counters live in dense arrays by rep slot (a rep's slot is given when a delta first names it),
// and a RepIdList is resolved to slots once per generation, so the decision's reads by position
// (ReadRepCountersAt, ReadRuleRepCountersAt) cost one array read per rep.
//
// Not thread-safe for Apply and CopyFrom; concurrent reads are fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/decision/decision_state.h"

namespace leadrouter::dsl {

class InMemoryDecisionState final : public DecisionState {
 public:
  absl::Status ReadRepCounters(std::span<const std::string_view> rep_ids, const PeriodIds& periods,
                               std::span<RepCounters> out) const override;
  absl::Status ReadRuleRepCounters(std::string_view rule_key,
                                   std::span<const std::string_view> rep_ids,
                                   const PeriodIds& periods,
                                   std::span<RuleRepCounters> out) const override;
  absl::Status ReadRuleCounters(std::string_view rule_key, RuleCounters& out) const override;
  absl::Status ReadRepCountersAt(const RepIdList& list, std::span<const uint32_t> positions,
                                 const PeriodIds& periods,
                                 std::span<RepCounters> out) const override;
  absl::Status ReadRuleRepCountersAt(std::string_view rule_key, const RepIdList& list,
                                     std::span<const uint32_t> positions, const PeriodIds& periods,
                                     std::span<RuleRepCounters> out) const override;

  // Applies `delta` as dsl/decision/decision_state.h specifies.
  void Apply(const StateDelta& delta);

  // Replaces the counters of `rep_ids`, alone and within each of `rule_keys`, and of the rules
  // themselves, with what `base` holds for `periods`: a dry run that starts from the current load.
  // Counters are copied for those periods only (a read for an earlier period sees 0).
  [[nodiscard]] absl::Status CopyFrom(const DecisionState& base,
                                      std::span<const std::string_view> rep_ids,
                                      std::span<const std::string> rule_keys,
                                      const PeriodIds& periods);

 private:
  // A calendar counter: its value and the period it belongs to.
  template <typename T>
  struct Periodic {
    std::optional<int64_t> period;
    T value{};
    T Read(int64_t p) const { return period == p ? value : T{}; }
    void Add(int64_t p, T increment);
  };
  struct Calendar {  // day, week, month
    Periodic<int64_t> day, week, month;
  };
  struct RepEntry {
    Calendar assigned;
    int64_t open = 0;
    Periodic<double> quality_day;
  };
  struct RuleRepEntry {
    Calendar assigned;
    int64_t open = 0;
    Periodic<double> balanced_day, balanced_week, balanced_month;
    double balanced_total = 0;
    // Band counts, for one balance period (StateDelta): `bands_over` and its period id.
    std::optional<int64_t> bands_period;
    std::optional<CapUnit> bands_over;
    BandCounts bands{};
    std::optional<uint64_t> last_chosen_sequence;
    int64_t last_chosen_time = 0;
    std::optional<double> weighted_pass;
  };
  // Transparent hashing: look up by string_view without building a std::string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  template <typename T>
  using Map = std::unordered_map<std::string, T, Hash, std::equal_to<>>;
  struct RuleEntry {
    RuleCounters counters;
    std::vector<RuleRepEntry> reps;  // by rep slot; a slot past the end has zero counters
  };
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  // A RepIdList resolved to slots (kNoSlot: a rep no delta named yet, whose counters are zero).
  // A delta that gives a listed rep its slot fills it in (AddSlot, through `positions`), so the
  // list is built once per generation, not once per new rep.
  struct ResolvedList {
    uint64_t generation = 0;
    std::vector<uint32_t> slots;
    Map<uint32_t> positions;  // rep id -> position in the list
  };

  uint32_t SlotOf(std::string_view rep_id) const;  // kNoSlot when unknown
  uint32_t AddSlot(std::string_view rep_id);
  std::shared_ptr<const ResolvedList> Resolve(const RepIdList& list) const;
  static RepCounters ReadRep(const RepEntry& e, const PeriodIds& periods);
  static RuleRepCounters ReadRuleRep(const RuleRepEntry& e, const PeriodIds& periods);
  const RuleRepEntry* FindRuleRep(const RuleEntry* rule, uint32_t slot) const;

  std::vector<RepEntry> rep_entries_;  // by slot
  Map<uint32_t> rep_slots_;            // rep id -> slot
  Map<RuleEntry> rules_;
  mutable std::mutex resolved_mutex_;
  // The last list read by position; replaced by reads (under resolved_mutex_) and filled in by
  // AddSlot, which never runs beside a read.
  mutable std::shared_ptr<ResolvedList> resolved_;
};

}  // namespace leadrouter::dsl
