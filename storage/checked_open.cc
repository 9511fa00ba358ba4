#include "storage/checked_open.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/info_log.h"
#include "storage/recovery_log.h"
#include "storage/status.h"

namespace leadrouter::storage {
namespace {

void CloseAll(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
  for (rocksdb::ColumnFamilyHandle* handle : handles) (void)db->DestroyColumnFamilyHandle(handle);
  handles.clear();
  (void)db->Close();
  delete db;
}

// A replay of the logs in the strictest mode, read-only: it writes nothing and takes no lock. Its
// "dropping" lines are what the real open will drop without a word (a torn tail), or what will
// refuse it.
std::vector<std::string> StrictReplay(
    rocksdb::DBOptions options, const std::string& path,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors) {
  auto capture = std::make_shared<RecoveryLog>(nullptr);
  options.info_log = capture;
  options.create_if_missing = false;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status =
      rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &db);
  if (status.ok()) CloseAll(db, handles);
  return capture->dropped();
}

}  // namespace

std::string WayOut(const std::string& path) {
  return absl::StrCat(
      "Nothing was changed. Restore a backup (leadctl admin restore BACKUP --db "
      "NEW_DIR), or salvage a copy (leadctl admin salvage ",
      path,
      " NEW_DIR), which keeps every change before the damage and reports "
      "each one it drops.");
}

absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenChecked(
    rocksdb::DBOptions options, const std::string& path,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
    std::vector<rocksdb::ColumnFamilyHandle*>* handles, const CheckedOpenOptions& checks) {
  // Off, every recovery mode skips damaged records and applies the later ones: holes.
  options.paranoid_checks = true;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;

  std::error_code error;
  const bool exists = std::filesystem::exists(std::filesystem::path(path) / "CURRENT", error);
  const std::vector<std::string> strict_drops =
      exists ? StrictReplay(options, path, descriptors) : std::vector<std::string>{};

  std::shared_ptr<rocksdb::Logger> file_log;
  if (options.info_log == nullptr) {
    // The LOG file RocksDB would make, written so that a full disk cannot abort the server
    // (storage/info_log.h); without one, only the recovery lines are kept.
    file_log = OpenInfoLog(path, options.info_log_level);
  } else {
    file_log = options.info_log;
  }
  auto log = std::make_shared<RecoveryLog>(file_log);
  options.info_log = log;

  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened = rocksdb::DB::Open(options, path, descriptors, handles, &raw);
  if (!opened.ok()) {
    if (opened.IsCorruption()) {
      const std::vector<std::string> dropped = log->dropped();
      if (!dropped.empty()) {
        return absl::DataLossError(absl::StrCat(
            "database ", path, ": write-ahead log damaged: ", absl::StrJoin(dropped, "; "),
            ". Acknowledged changes after the damage would be lost, so the database was not "
            "opened. ",
            WayOut(path)));
      }
      return absl::DataLossError(
          absl::StrCat("database ", path, " is damaged: ", opened.ToString(), ". ", WayOut(path)));
    }
    return FromRocksDb(opened, absl::StrCat("open database ", path));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!strict_drops.empty()) {
    spdlog::warn(
        "database {}: the torn tail of the write-ahead log was dropped (a write cut short by a "
        "crash, never acknowledged with --durability sync): {}",
        path, absl::StrJoin(strict_drops, "; "));
  }
  if (checks.verify_table_checksums) {
    if (const rocksdb::Status verified = db->VerifyChecksum(); !verified.ok()) {
      CloseAll(db.release(), *handles);
      if (verified.IsCorruption()) {
        return absl::DataLossError(absl::StrCat(
            "database ", path, ": table file damaged: ", verified.ToString(),
            ". Restore a backup (leadctl admin restore BACKUP --db NEW_DIR); a salvage cannot "
            "repair table files."));
      }
      return FromRocksDb(verified, absl::StrCat("verify the table files of ", path));
    }
  }
  return db;
}

}  // namespace leadrouter::storage
