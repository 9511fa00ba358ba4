// The recovery check at open: every counter must equal what the assignment history implies.
//
// Counters and history are written in the same WriteBatch, so after any crash they agree; this
// check makes that a verified fact rather than an assumption (a bug, a manual edit or a restored
// partial copy would otherwise leave a rep over its cap for the rest of the period). It replays
// every history entry's deltas in sequence order into memory, the same code path commits use, and
// compares the result with the `counters` column family. Disagreeing counters are logged one line
// each and, when repairing, rewritten from history in one synced batch.
//
// Cost: one scan of the history and the counters, memory proportional to the number of counters.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace leadrouter::storage {

struct CounterCheckReport {
  int64_t history_entries = 0;
  int64_t counters = 0;       // counters implied by history
  int64_t disagreements = 0;  // counters that differed (or existed without history)
  bool repaired = false;      // the disagreeing counters were rewritten
};

// Must run while no commit is in flight (at open, before the CommitQueue starts).
[[nodiscard]] absl::StatusOr<CounterCheckReport> CheckCounters(Database& db, bool repair);

}  // namespace leadrouter::storage
