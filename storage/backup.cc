#include "storage/backup.h"

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/status.h"

namespace leadrouter::storage {
namespace fs = std::filesystem;

absl::Status Backup(Database& db, const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("backup directory is empty");
  std::error_code error;
  if (fs::exists(dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat("backup directory ", dir, " already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocksDb(rocksdb::Checkpoint::Create(&db.raw(), &raw), "prepare backup"));
  const std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: flush the memtables first, so the backup is table files only and
  // restoring it replays no write-ahead log.
  return FromRocksDb(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0),
                     absl::StrCat("back up to ", dir));
}

absl::Status Restore(const std::string& backup_dir, const std::string& target_dir) {
  std::error_code error;
  if (!fs::is_directory(backup_dir, error)) {
    return absl::NotFoundError(absl::StrCat("backup ", backup_dir, " is not a directory"));
  }
  if (!fs::exists(fs::path(backup_dir) / "CURRENT", error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup ", backup_dir, " is not a database checkpoint (no CURRENT file)"));
  }
  if (fs::exists(target_dir, error) && !fs::is_empty(target_dir, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("restore target ", target_dir, " exists and is not empty"));
  }
  const fs::path target = fs::absolute(target_dir, error);
  const fs::path staging =
      target.parent_path() / absl::StrCat(target.filename().string(), ".restoring");
  fs::remove_all(staging, error);
  fs::create_directories(target.parent_path(), error);
  fs::copy(backup_dir, staging, fs::copy_options::recursive, error);
  if (error) {
    fs::remove_all(staging, error);
    return absl::UnavailableError(
        absl::StrCat("copy backup ", backup_dir, " to ", staging.string(), ": ", error.message()));
  }
  {
    // Opening checks the schema version and that every file of the checkpoint is readable.
    DatabaseOptions options;
    options.create_if_missing = false;
    absl::StatusOr<std::unique_ptr<Database>> opened = Database::Open(staging.string(), options);
    absl::Status status = opened.ok() ? (*opened)->Close() : opened.status();
    if (!status.ok()) {
      fs::remove_all(staging, error);
      return status;
    }
  }
  fs::remove(target, error);  // an empty target directory, if any
  fs::rename(staging, target, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("move restored database into ", target.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::storage
