// Read access to the database: one interface for reads of committed state and for reads inside a
// commit (which also see the commit's own, not yet written, changes).
//
// Stores read through a ReadView, so the same code serves an RPC reading committed data and the
// decision writer reading the state it is about to change.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "storage/database.h"
#include "storage/layout.h"

namespace leadrouter::storage {

enum class ScanOrder { kAscending, kDescending };

// Called for each entry of a scan: true continues, false stops, an error stops and is returned.
using ScanVisitor =
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view key, absl::string_view value)>;

class ReadView {
 public:
  virtual ~ReadView() = default;

  // The value stored at `key`, or nullopt when there is none (absence is data, not an error).
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily cf, absl::string_view key) const = 0;

  // Visits the keys in [begin, end) of `cf` in `order`. An empty `end` means no upper bound.
  [[nodiscard]] virtual absl::Status Scan(ColumnFamily cf, absl::string_view begin,
                                          absl::string_view end, ScanOrder order,
                                          ScanVisitor visit) const = 0;

  // Visits every key starting with `prefix`.
  [[nodiscard]] absl::Status ScanPrefix(ColumnFamily cf, absl::string_view prefix, ScanOrder order,
                                        ScanVisitor visit) const;
};

// Committed state as of construction: every read of one DatabaseView sees the same snapshot, so a
// multi-key read is consistent even while commits go on. Not thread-safe; make one per reader.
class DatabaseView final : public ReadView {
 public:
  explicit DatabaseView(Database& db);
  ~DatabaseView() override;
  DatabaseView(const DatabaseView&) = delete;
  DatabaseView& operator=(const DatabaseView&) = delete;

  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(
      ColumnFamily cf, absl::string_view key) const override;
  [[nodiscard]] absl::Status Scan(ColumnFamily cf, absl::string_view begin, absl::string_view end,
                                  ScanOrder order, ScanVisitor visit) const override;

 private:
  Database& db_;
  const rocksdb::Snapshot* snapshot_;
};

// Drives `it` over [begin, end) in `order`; shared by both views. Takes ownership of `it`.
[[nodiscard]] absl::Status ScanIterator(std::unique_ptr<rocksdb::Iterator> it,
                                        absl::string_view begin, absl::string_view end,
                                        ScanOrder order, ScanVisitor visit);

}  // namespace leadrouter::storage
