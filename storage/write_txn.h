// The changes of one commit group, being built by the decision writer (storage/commit_queue.h).
//
// A WriteTxn reads the committed state overlaid with what the group has written so far, so the
// second decision of a group sees the counters the first one moved. Writes are buffered in a
// WriteBatchWithIndex and reach the database in one atomic, durable RocksDB write when the group
// commits. Only the writer thread touches a WriteTxn.
//
// Counters are read a hundred or more times per decision, so they take a faster path: the values
// staged by the group live in hash maps (the current mutation's, and those of the mutations
// already kept), and committed values come from the writer's CommittedCache
// (storage/committed_cache.h) before RocksDB. Seeking the batch's index for each of them cost more
// than the decision itself once a group held a few hundred writes. Staged counters enter the batch
// only when the group is sealed (SealCounters), once per key: the decisions of a group mostly move
// the same few counters (a rep's day, the roster's load), so most of their writes never reach the
// batch's index, the write-ahead log or the memtable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "storage/committed_cache.h"
#include "storage/counter_rows.h"
#include "storage/database.h"
#include "storage/read_view.h"

namespace leadrouter::storage {

class WriteTxn final : public ReadView {
 public:
  // `counter_cache` holds committed values of the counters column family; it is read and filled
  // here, and the commit queue folds in what commits (StagedCounters).
  // `counter_rows`, when given, is the writer's decoded counters (storage/counter_rows.h): every
  // counter write and discarded mutation here invalidates the rows it touches, and
  // StoredDecisionState reads the decision's counters through it.
  WriteTxn(Database& db, rocksdb::WriteBatchWithIndex& batch, CommittedCache& counter_cache,
           CounterRows* counter_rows = nullptr)
      : db_(db), batch_(batch), counter_cache_(counter_cache), counter_rows_(counter_rows) {}
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;

  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily cf, absl::string_view key) const override;
  // Not over the counters column family: the group's counters are not in the batch until it is
  // sealed, so such a scan would miss them (FailedPrecondition).
  [[nodiscard]] absl::Status Scan(ColumnFamily cf, absl::string_view begin, absl::string_view end,
                                  ScanOrder order, ScanVisitor visit) const override;

  [[nodiscard]] absl::Status Put(ColumnFamily cf, absl::string_view key, absl::string_view value);
  [[nodiscard]] absl::Status Delete(ColumnFamily cf, absl::string_view key);

  // Hands out the next value of the sequence stored at meta key `name` (1, 2, ...). The new value
  // is part of this change: rolled back with it, committed with it.
  [[nodiscard]] absl::StatusOr<uint64_t> NextSequence(absl::string_view name);

  Database& database() const { return db_; }
  // The writer's decoded counters; null when the transaction has none.
  CounterRows* counter_rows() const { return counter_rows_; }

  // The commit queue brackets each mutation: its writes are kept or discarded as a whole.
  // `principal` is the mutation's (CommitQueue::Commit), valid until the mutation ends.
  void StartMutation(std::string_view principal = {});
  void KeepMutation();
  [[nodiscard]] absl::Status DiscardMutation();

  // Whom the current mutation is made for: the authenticated principal of its call, empty for
  // none. Stamped on the audit records and history entries it writes.
  std::string_view principal() const { return principal_; }

  // Counter values (nullopt: deleted) staged by the mutations kept so far.
  using StagedCounters = absl::flat_hash_map<std::string, CommittedCache::Value>;
  const StagedCounters& staged_counters() const { return kept_counters_; }

  // Writes the kept counters into the batch, each key once, after the last mutation of the group
  // and before the batch is written. The transaction takes no mutation after that.
  [[nodiscard]] absl::Status SealCounters();

 private:
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> GetCounter(absl::string_view key) const;

  Database& db_;
  rocksdb::WriteBatchWithIndex& batch_;
  CommittedCache& counter_cache_;
  CounterRows* const counter_rows_;
  StagedCounters mutation_counters_;  // the current mutation's counter writes
  StagedCounters kept_counters_;      // those of the mutations kept before it
  std::string_view principal_;
  bool sealed_ = false;
};

}  // namespace leadrouter::storage
