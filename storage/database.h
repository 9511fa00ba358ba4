// The embedded RocksDB database that holds everything leadrouter knows.
//
// Open creates or opens every column family of the layout (storage/layout.h) and checks the schema
// version: a directory written with another layout is refused with FAILED_PRECONDITION and a
// message naming both versions, before anything is read or written. Damage to the write-ahead log
// or a table file that would drop acknowledged changes is refused with DATA_LOSS naming the file
// (storage/checked_open.h); the torn tail of a crash is dropped and logged.
//
// A Database is safe for concurrent use from multiple threads without external synchronization.
// Only one process may open a given directory at a time: a second Open of the same path fails with
// FAILED_PRECONDITION while the first is open.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "storage/layout.h"

namespace leadrouter::storage {

// When a committed change is acknowledged.
enum class Durability {
  // The write-ahead log is fsynced before a commit returns: an acknowledged change survives a power
  // loss or kernel crash. Concurrent commits share one fsync (group commit).
  kSync,
  // The write-ahead log is written to the OS before a commit returns, without fsync: an
  // acknowledged change survives a crash of the process, but the last moments before a power loss
  // or kernel crash may be lost (never half a change: recovery stops at the last whole batch).
  kAsync,
};

struct DatabaseOptions {
  // Create the directory and an empty database when none exists.
  // Default: true
  bool create_if_missing = true;

  // When commits are acknowledged; see Durability.
  // Default: Durability::kSync
  Durability durability = Durability::kSync;

  // Read every table file's block checksums at open, refusing a damaged file (DATA_LOSS naming
  // it). Costs one sequential read of the database; off only for very large stores that are
  // checked otherwise. Default: true
  bool verify_table_checksums = true;

  // The RocksDB environment, for tests that inject faults. Not owned; must outlive the Database.
  // Default: nullptr (the process's default environment)
  rocksdb::Env* env = nullptr;
};

class Database {
 public:
  // Opens (or creates) the database in directory `path`.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Database>> Open(
      const std::string& path, const DatabaseOptions& options = {});

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  const std::string& path() const { return path_; }
  const DatabaseOptions& options() const { return options_; }

  // Write options that implement options().durability; every leadrouter write uses them.
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  rocksdb::ColumnFamilyHandle* handle(ColumnFamily cf) const {
    return handles_[static_cast<size_t>(cf)].get();
  }

  // Closes the database, reporting any error (the write-ahead log keeps what the memtables held:
  // the next open replays it). The destructor closes too, but cannot report.
  [[nodiscard]] absl::Status Close();

  rocksdb::DB& raw() { return *db_; }
  rocksdb::DB* db() const { return db_.get(); }

 private:
  struct HandleDeleter {
    rocksdb::DB* db;
    void operator()(rocksdb::ColumnFamilyHandle* handle) const;
  };
  using Handle = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleDeleter>;

  Database(std::string path, DatabaseOptions options);
  [[nodiscard]] absl::Status CheckSchemaVersion();

  std::string path_;
  DatabaseOptions options_;
  rocksdb::WriteOptions write_options_;
  std::unique_ptr<rocksdb::DB> db_;
  // Declared after db_ so that they are destroyed first.
  std::array<Handle, kColumnFamilyCount> handles_;
};

}  // namespace leadrouter::storage
