// The embedded RocksDB database that holds everything leadrouter knows.
//
// A Database is safe for concurrent use from multiple threads without external synchronization.
// Only one process may open a given directory at a time: a second Open of the same path fails with
// FAILED_PRECONDITION while the first is open.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"

namespace leadrouter::storage {

struct DatabaseOptions {
  // Create the directory and an empty database when none exists.
  // Default: true
  bool create_if_missing = true;
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

  // Flushes memtables and closes the database, reporting any error. The destructor closes too, but
  // cannot report.
  [[nodiscard]] absl::Status Close();

  rocksdb::DB& raw() { return *db_; }

 private:
  Database(std::string path, std::unique_ptr<rocksdb::DB> db);

  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace leadrouter::storage
