#include "storage/database.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/status.h"

namespace leadrouter::storage {

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         const DatabaseOptions& options) {
  if (path.empty()) return absl::InvalidArgumentError("database path is empty");
  std::error_code error;
  if (options.create_if_missing) {
    std::filesystem::create_directories(path, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create database directory ", path, ": ", error.message()));
    }
  }
  if (!std::filesystem::is_directory(path, error)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a directory"));
  }

  rocksdb::Options rocks_options;
  rocks_options.create_if_missing = options.create_if_missing;
  rocksdb::DB* raw_db = nullptr;
  if (absl::Status status = FromRocksDb(rocksdb::DB::Open(rocks_options, path, &raw_db),
                                        absl::StrCat("open database ", path));
      !status.ok()) {
    return status;
  }
  return std::unique_ptr<Database>(new Database(path, std::unique_ptr<rocksdb::DB>(raw_db)));
}

Database::Database(std::string path, std::unique_ptr<rocksdb::DB> db)
    : path_(std::move(path)), db_(std::move(db)) {}

Database::~Database() {
  if (db_ != nullptr) (void)Close();
}

absl::Status Database::Close() {
  if (db_ == nullptr) return absl::OkStatus();
  const rocksdb::Status status = db_->Close();
  db_.reset();
  return FromRocksDb(status, absl::StrCat("close database ", path_));
}

}  // namespace leadrouter::storage
