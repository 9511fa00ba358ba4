// The writer's counters in the form the decision reads them (dsl::RepCounters,
// dsl::RuleRepCounters), by rep slot, so that a decision over N reps reads N rows by position
// instead of encoding, looking up and parsing 4-9 keys per rep (dsl/decision/decision_state.h,
// DecisionState::ReadRepCountersAt).
//
// What a row holds: what the WriteTxn of the current group would return for that rep (or rule and
// rep) for the periods it was read for, decoded. It is a cache of the transaction's view, never a
// second source of truth: rows are filled from the view on first use, and every counter write
// staged through the WriteTxn (a decision's delta, a credit back, a closed lead) invalidates the
// row its key belongs to, as does a discarded mutation for every key it had written. The commit
// queue clears every row when a group's write fails or is not attempted after mutations were kept
// (the database state is then not known for sure), as it clears its CommittedCache. So a row read
// is always the value the key reads would give; tests/storage/counter_rows_test.cc checks it.
//
// Memory: one rep row per rep id ever read, one rule-rep row per (rule key, rep) read; some
// hundreds of bytes each, bounded by reps x rules the server decides for.
//
// Thread safety: none; only the writer thread uses it (inside mutations).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "dsl/decision/decision_state.h"

namespace leadrouter::storage {

class CounterRows {
 public:
  struct RepRow {
    bool valid = false;
    dsl::PeriodIds periods;  // what `counters` was read for
    dsl::RepCounters counters;
  };
  struct RuleRepRow {
    bool valid = false;
    dsl::PeriodIds periods;
    dsl::RuleRepCounters counters;
  };

  // The rep slot of every position of `list`, resolved once per generation (the span is valid until
  // the next Resolve).
  std::span<const uint32_t> Resolve(const dsl::RepIdList& list);

  const std::string& rep_id(uint32_t slot) const { return rep_ids_[slot]; }
  RepRow& rep_row(uint32_t slot) { return rep_rows_[slot]; }
  // The rows of one rule key, by rep slot (valid until the next RuleRows or Resolve).
  std::span<RuleRepRow> RuleRows(std::string_view rule_key);

  // The counter key `encoded_key` (storage/counter_keys.h) is being written: its row, if any, is
  // stale.
  void Invalidate(absl::string_view encoded_key);
  // Forgets every row's value (slots stay).
  void Clear();

 private:
  uint32_t SlotOf(std::string_view rep_id);  // adds a slot for a new id

  std::vector<std::string> rep_ids_;  // by slot
  std::vector<RepRow> rep_rows_;      // by slot
  absl::flat_hash_map<std::string, uint32_t> rep_slots_;
  absl::flat_hash_map<std::string, std::vector<RuleRepRow>> rule_rows_;
  uint64_t resolved_generation_ = 0;
  std::vector<uint32_t> resolved_;  // slots of the last resolved list's positions
};

}  // namespace leadrouter::storage
