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

namespace {

// fs::copy(recursive), one file at a time so that a long copy can report its progress.
void CopyTree(const fs::path& from, const fs::path& to, const RestoreProgress& progress,
              std::error_code& error) {
  uint64_t total = 0;
  for (fs::recursive_directory_iterator it(from, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error)) total += it->file_size(error);
  }
  if (error) return;
  fs::create_directories(to, error);
  uint64_t done = 0;
  for (fs::recursive_directory_iterator it(from, error), end; !error && it != end;
       it.increment(error)) {
    const fs::path destination = to / fs::relative(it->path(), from, error);
    if (error) return;
    if (it->is_directory(error)) {
      fs::create_directories(destination, error);
    } else {
      fs::copy_file(it->path(), destination, error);
      if (!error) done += it->file_size(error);
      if (progress && !error) progress(done, total);
    }
  }
}

}  // namespace

absl::Status Restore(const std::string& backup_dir, const std::string& target_dir,
                     const RestoreProgress& progress) {
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
  CopyTree(backup_dir, staging, progress, error);
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
