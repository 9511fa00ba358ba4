// Online backup and restore of the whole database, through RocksDB checkpoints.
//
// A backup is a directory holding a consistent copy of every column family as of one instant
// (hard links to the immutable table files where the file system allows, copies otherwise), taken
// while the database keeps serving. It is itself a database directory: Restore copies it into
// place and checks it opens with this build's schema.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "storage/database.h"

namespace leadrouter::storage {

// Writes a checkpoint of `db` into `dir`, which must not exist yet (its parent must). Safe to call
// while commits go on: the checkpoint holds every change committed before the call and none
// half-written.
[[nodiscard]] absl::Status Backup(Database& db, const std::string& dir);

// Restores the backup in `backup_dir` into `target_dir`, which must not exist or be empty and must
// not be open. The copy is written beside the target and renamed into place, so a failed restore
// leaves no half-restored directory. Fails if the backup does not open with this build's schema.
// `progress`, when set, is called after each copied file with the bytes copied so far and the
// backup's total size.
using RestoreProgress = std::function<void(uint64_t bytes_done, uint64_t bytes_total)>;
[[nodiscard]] absl::Status Restore(const std::string& backup_dir, const std::string& target_dir,
                                   const RestoreProgress& progress = {});

}  // namespace leadrouter::storage
