// The RocksDB-backed decision state: dsl::DecisionState read from the `counters` column family, and
// dsl::StateDelta applied to it.
//
// StoredDecisionState reads through a ReadView. Inside a commit (WriteTxn) it sees the counters
// the earlier mutations of the same group moved, which is what makes caps exact under concurrent
// Assign calls (storage/commit_queue.h). Applying follows dsl/decision/decision_state.h, with one
// layout difference that reads cannot observe: calendar counters are kept per period
// (counter_keys.h), so a credit for a period that is over lowers that past period's count instead
// of being dropped.
#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsl/decision/decision_state.h"
#include "storage/counter_keys.h"
#include "storage/counter_rows.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

class StoredDecisionState final : public dsl::DecisionState {
 public:
  // `view` must outlive this object.
  explicit StoredDecisionState(const ReadView& view) : view_(view) {}
  // Inside a commit: reads by position go through the writer's decoded counters
  // (storage/counter_rows.h), filled from `txn` on first use; `txn` must outlive this object.
  explicit StoredDecisionState(const WriteTxn& txn) : view_(txn), rows_(txn.counter_rows()) {}

  absl::Status ReadRepCounters(std::span<const std::string_view> rep_ids,
                               const dsl::PeriodIds& periods,
                               std::span<dsl::RepCounters> out) const override;
  absl::Status ReadRuleRepCounters(std::string_view rule_key,
                                   std::span<const std::string_view> rep_ids,
                                   const dsl::PeriodIds& periods,
                                   std::span<dsl::RuleRepCounters> out) const override;
  absl::Status ReadRuleCounters(std::string_view rule_key, dsl::RuleCounters& out) const override;
  absl::Status ReadRepCountersAt(const dsl::RepIdList& list, std::span<const uint32_t> positions,
                                 const dsl::PeriodIds& periods,
                                 std::span<dsl::RepCounters> out) const override;
  absl::Status ReadRuleRepCountersAt(std::string_view rule_key, const dsl::RepIdList& list,
                                     std::span<const uint32_t> positions,
                                     const dsl::PeriodIds& periods,
                                     std::span<dsl::RuleRepCounters> out) const override;

 private:
  const ReadView& view_;
  CounterRows* const rows_ = nullptr;  // writer thread only; null outside a commit
};

// Where ApplyStateDelta reads and writes counters: the commit's WriteTxn, or the in-memory
// rebuild of the recovery check.
class CounterAccess {
 public:
  virtual ~CounterAccess() = default;
  // The stored value; a default CounterValue when absent.
  [[nodiscard]] virtual absl::StatusOr<CounterValue> Read(const std::string& key) = 0;
  [[nodiscard]] virtual absl::Status Write(const std::string& key, const CounterValue& value) = 0;
};

// Counters in memory, in key order: the replays of history (the recovery check at open, the
// counters a past decision read). `values` must outlive this object. When `touched` is given,
// every key written is added to it.
class MapCounterAccess final : public CounterAccess {
 public:
  explicit MapCounterAccess(std::map<std::string, CounterValue>& values,
                            std::set<std::string>* touched = nullptr)
      : values_(values), touched_(touched) {}
  [[nodiscard]] absl::StatusOr<CounterValue> Read(const std::string& key) override;
  [[nodiscard]] absl::Status Write(const std::string& key, const CounterValue& value) override;

 private:
  std::map<std::string, CounterValue>& values_;
  std::set<std::string>* const touched_;
};

// Counters read and staged in a commit.
class TxnCounterAccess final : public CounterAccess {
 public:
  explicit TxnCounterAccess(WriteTxn& txn) : txn_(txn) {}
  [[nodiscard]] absl::StatusOr<CounterValue> Read(const std::string& key) override;
  [[nodiscard]] absl::Status Write(const std::string& key, const CounterValue& value) override;

 private:
  WriteTxn& txn_;
};

[[nodiscard]] absl::Status ApplyStateDelta(CounterAccess& counters, const dsl::StateDelta& delta);

StoredDelta ToStoredDelta(const dsl::StateDelta& delta);
dsl::StateDelta FromStoredDelta(const StoredDelta& stored);

}  // namespace leadrouter::storage
