// The recovery check at open: every counter must equal what the assignment history implies.
//
// Counters and history are written in the same WriteBatch, so after any crash they agree; this
// check makes that a verified fact rather than an assumption (a bug, a manual edit or a restored
// partial copy would otherwise leave a rep over its cap for the rest of the period). It replays
// history entries' deltas in sequence order into memory, the same code path commits use, and
// compares the result with the `counters` column family. Disagreeing counters are logged one line
// each and, when repairing, rewritten from history in one synced batch.
//
// Two ways to get what history implies:
//  - kFull replays every history entry (`assignments`, sorted by sequence);
//  - kIncremental starts from the counter checkpoint (column family `counter_checkpoint`): the
//    counters as the replay of every entry up to a sequence S left them, written by an earlier
//    check (never copied from `counters`), and replays only the entries after S, read in sequence
//    order through the sequence index (`assignments_by_sequence`). History entries are only ever
//    added, with increasing sequences, so the result is the full replay's. When there is no
//    checkpoint, or it does not decode, add up (digest, count) or come from another replay version,
//    or the sequence index names a missing entry, it replays everything instead (and says why in
//    CounterCheckReport::fallback).
// Either way the comparison with `counters` is the same, over every counter.
//
// Cost: kFull one scan of the history and the counters; kIncremental one scan of the checkpoint
// and the counters plus the entries after S. Memory proportional to the number of counters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace leadrouter::storage {

// Bumped whenever ApplyStateDelta keeps something new or computes a counter differently: a
// checkpoint written by another replay version is not used (the whole history is replayed, as the
// first open after such a change always needed).
inline constexpr uint32_t kCounterReplayVersion = 1;

enum class CounterCheckMode {
  kFull,         // replay every history entry
  kIncremental,  // from the counter checkpoint, falling back to kFull without a usable one
};

struct CounterCheckOptions {
  CounterCheckMode mode = CounterCheckMode::kFull;
  // Rewrite the disagreeing counters from history (one synced batch).
  bool repair = false;
  // Write the checkpoint of what history implies, at the last sequence replayed (one synced
  // batch: only the rows that changed after an incremental check, all of them after a full one).
  bool write_checkpoint = false;
};

struct CounterCheckReport {
  int64_t history_entries = 0;  // entries replayed (kIncremental: those after the checkpoint)
  int64_t counters = 0;         // counters implied by history
  int64_t disagreements = 0;    // counters that differed (or existed without history)
  bool repaired = false;        // the disagreeing counters were rewritten
  // The check started from a checkpoint at this sequence (0 and false: it replayed everything).
  bool incremental = false;
  uint64_t checkpoint_sequence = 0;
  // Why a kIncremental check replayed everything ("no checkpoint", "checkpoint digest ...").
  std::string fallback;
  // A checkpoint was written, at this sequence, writing this many counter rows (all of them after
  // a full replay, those the new entries moved after an incremental one).
  bool checkpoint_written = false;
  uint64_t new_checkpoint_sequence = 0;
  int64_t checkpoint_rows_written = 0;
};

// Must run while no commit is in flight (at open, before the CommitQueue starts).
[[nodiscard]] absl::StatusOr<CounterCheckReport> CheckCounters(Database& db,
                                                               const CounterCheckOptions& options);

// What AdvanceCounterCheckpoint did.
struct CheckpointAdvance {
  bool advanced = false;  // a new checkpoint was written
  // Why not: no checkpoint yet or an unusable one (the next check at open writes one), or no
  // entry after it.
  std::string skipped;
  uint64_t from_sequence = 0;   // the checkpoint's sequence before
  uint64_t to_sequence = 0;     // and after (the last entry replayed)
  int64_t history_entries = 0;  // entries replayed
  int64_t rows_written = 0;     // counter rows those entries moved
};

// Moves the counter checkpoint forward to the last committed entry, so that the next check at
// open replays only what was committed after this call, whatever the history holds. It loads the
// checkpoint, replays the entries after it and writes the rows they moved with the new header (one
// synced batch), all read from one snapshot. Like the check, it derives the checkpoint from
// history alone, never from `counters`: what the check verifies is unchanged.
//
// Safe while commits go on: the writer never writes `counter_checkpoint`, and a snapshot holds a
// prefix of the history (sequences are handed out in commit order). Must not run concurrently
// with itself or with CheckCounters (Storage serialises its callers).
// Cost: one scan of the checkpoint (every counter) and the entries after it.
[[nodiscard]] absl::StatusOr<CheckpointAdvance> AdvanceCounterCheckpoint(Database& db);

// A full check that writes no checkpoint: CheckCounters(db, {kFull, repair, false}).
[[nodiscard]] absl::StatusOr<CounterCheckReport> CheckCounters(Database& db, bool repair);

// "full", "incremental"; and back (nullopt for anything else).
const char* CounterCheckModeName(CounterCheckMode mode);
std::optional<CounterCheckMode> ParseCounterCheckMode(std::string_view name);

}  // namespace leadrouter::storage
