// The storage facade the server holds: the database, its recovery check, and the single ordered
// writer every change goes through.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage, Storage::Open(path, options));
//   storage->commits().Commit([&](WriteTxn& txn) { ... });   // every change
//   DatabaseView view(storage->database());                   // every read
//
// Thread safety: as Database and CommitQueue: safe to use from many threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/commit_queue.h"
#include "storage/counter_recovery.h"
#include "storage/database.h"

namespace leadrouter::storage {

struct StorageOptions {
  DatabaseOptions database;
  CommitQueueOptions commits;
  // Compare every counter with the assignment history at open and rewrite the ones that disagree
  // (each logged), then write the counter checkpoint (storage/counter_recovery.h).
  // Default: true
  bool check_counters_at_open = true;
  // How the check at open gets what history implies: kIncremental from the counter checkpoint
  // plus the entries after it (the whole history when there is no usable checkpoint), kFull from
  // every entry. Both compare every counter.
  // Default: kIncremental
  CounterCheckMode counter_check = CounterCheckMode::kIncremental;
  // At Close, after the last commit, move the counter checkpoint to the last entry
  // (AdvanceCounterCheckpoint), so that the next open's incremental check replays nothing.
  // Default: true
  bool advance_checkpoint_at_close = true;
};

class Storage {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Storage>> Open(
      const std::string& path, const StorageOptions& options = {});

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage();

  Database& database() { return *database_; }
  CommitQueue& commits() { return *commits_; }
  // What the check at open found (all zero when it was off).
  const CounterCheckReport& counter_check() const { return counter_check_; }

  // Moves the counter checkpoint forward to the last committed entry (storage/counter_recovery.h),
  // while commits go on: the server's background job calls it, and Close. Calls are serialised.
  [[nodiscard]] absl::StatusOr<CheckpointAdvance> AdvanceCounterCheckpoint();

  // Commits what is queued, stops the writer, advances the counter checkpoint (unless
  // StorageOptions says not to; a failure there is logged, not returned: the next open replays
  // more) and closes the database, reporting any error.
  [[nodiscard]] absl::Status Close();

 private:
  Storage() = default;

  std::unique_ptr<Database> database_;
  std::unique_ptr<CommitQueue> commits_;
  CounterCheckReport counter_check_;
  bool advance_checkpoint_at_close_ = true;
  std::mutex checkpoint_mu_;  // serialises AdvanceCounterCheckpoint
};

}  // namespace leadrouter::storage
