// The changes of one commit group, being built by the decision writer (storage/commit_queue.h).
//
// A WriteTxn reads the committed state overlaid with what the group has written so far, so the
// second decision of a group sees the counters the first one moved. Writes are buffered in a
// WriteBatchWithIndex and reach the database in one atomic, durable RocksDB write when the group
// commits. Only the writer thread touches a WriteTxn.
//
// Counter reads that the group has not staged are answered from the writer's CommittedCache when
// one is given (storage/committed_cache.h): a decision reads a hundred or more counters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "storage/committed_cache.h"
#include "storage/database.h"
#include "storage/read_view.h"

namespace leadrouter::storage {

class WriteTxn final : public ReadView {
 public:
  // `counter_cache`, when not null, holds committed values of the counters column family and is
  // only read and filled here; the commit queue keeps it in step with what commits.
  WriteTxn(Database& db, rocksdb::WriteBatchWithIndex& batch,
           CommittedCache* counter_cache = nullptr)
      : db_(db), batch_(batch), counter_cache_(counter_cache) {}
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;

  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily cf, absl::string_view key) const override;
  [[nodiscard]] absl::Status Scan(ColumnFamily cf, absl::string_view begin, absl::string_view end,
                                  ScanOrder order, ScanVisitor visit) const override;

  [[nodiscard]] absl::Status Put(ColumnFamily cf, absl::string_view key, absl::string_view value);
  [[nodiscard]] absl::Status Delete(ColumnFamily cf, absl::string_view key);

  // Hands out the next value of the sequence stored at meta key `name` (1, 2, ...). The new value
  // is part of this change: rolled back with it, committed with it.
  [[nodiscard]] absl::StatusOr<uint64_t> NextSequence(absl::string_view name);

  Database& database() const { return db_; }

 private:
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> GetCounter(absl::string_view key) const;

  Database& db_;
  rocksdb::WriteBatchWithIndex& batch_;
  CommittedCache* const counter_cache_;
};

}  // namespace leadrouter::storage
