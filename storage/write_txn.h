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
// only when the group is sealed (Seal), once per key: the decisions of a group mostly move
// the same few counters (a rep's day, the roster's load), so most of their writes never reach the
// batch's index, the write-ahead log or the memtable.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
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

  // Builds the bytes of a value staged with PutLater. It runs once, on the writer or on the
  // thread of the mutation's caller, possibly while other encoders of the group run: it must own
  // what it reads or read only what nothing changes until the group has committed.
  using Encoder = absl::AnyInvocable<std::string() &&>;
  // Stages `key` with the value `encode` builds, encoded when the group is finished
  // (EncodeLater) or when something reads the key first. For keys the group writes once (a new
  // sequence's records); a later Put or Delete of the key in the group still wins, as for Put.
  // Not for counters.
  [[nodiscard]] absl::Status PutLater(ColumnFamily cf, std::string key, Encoder encode);
  // As PutLater with bytes already encoded: the write only stays out of the batch's index.
  [[nodiscard]] absl::Status PutUnindexed(ColumnFamily cf, std::string key, std::string value);

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

  // How many PutLater / PutUnindexed writes the transaction holds: the ones a mutation staged
  // are those between the counts before and after it (once it is kept).
  size_t later_count() const { return later_.size(); }
  // Encodes the staged-later writes [begin, end) not encoded yet. After the group's last
  // mutation, callable from any thread for disjoint ranges at once (the commit queue hands each
  // mutation's range to its caller).
  void EncodeLater(size_t begin, size_t end);

  // Writes the kept counters and the staged-later writes into the batch, each key once, after
  // the last mutation of the group, once every EncodeLater has returned, and before the batch is
  // written. The transaction takes no mutation after that.
  [[nodiscard]] absl::Status Seal();

 private:
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> GetCounter(absl::string_view key) const;

  struct LaterWrite {
    ColumnFamily cf;
    std::string key;
    Encoder encode;     // empty once run
    std::string value;  // valid once `encode` has run
    bool in_batch = false;
  };
  // The index of `cf` and `key` among later_, if staged there.
  const size_t* FindLater(ColumnFamily cf, absl::string_view key) const;
  // Puts later_[index] into the batch now (encoding it first), for a read or an overwrite.
  [[nodiscard]] absl::Status MaterializeLater(size_t index) const;
  // Every staged-later write of `cf` into the batch, for a scan.
  [[nodiscard]] absl::Status MaterializeLater(ColumnFamily cf) const;
  [[nodiscard]] absl::Status StageLater(LaterWrite write);

  Database& db_;
  rocksdb::WriteBatchWithIndex& batch_;
  CommittedCache& counter_cache_;
  CounterRows* const counter_rows_;
  StagedCounters mutation_counters_;  // the current mutation's counter writes
  StagedCounters kept_counters_;      // those of the mutations kept before it
  // Staged-later writes: read back rarely, so materialized lazily (hence mutable: a read that
  // finds one moves it into the batch without changing what the transaction holds).
  mutable std::deque<LaterWrite> later_;
  absl::flat_hash_map<std::string, size_t> later_index_;  // column family byte + key -> later_
  uint64_t later_families_ = 0;                           // bit per column family in later_
  size_t mutation_later_begin_ = 0;                       // the current mutation's first
  // Kept mutations' later writes that the current mutation's reads moved into the batch: put back
  // when it is discarded, since rolling the batch back to its save point drops them.
  mutable std::vector<size_t> materialized_by_mutation_;
  std::string_view principal_;
  bool sealed_ = false;
};

}  // namespace leadrouter::storage
