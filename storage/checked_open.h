// Opening RocksDB so that damage is refused, never served.
//
// RocksDB's default WAL recovery (point in time) stops replaying at the first damaged record and
// opens anyway: every acknowledged change after it is silently gone. OpenChecked instead:
//   - replays with kTolerateCorruptedTailRecords and paranoid checks: only a record cut short by
//     the end of the log (the tail of a crash, a write that was never acknowledged with
//     --durability sync) is dropped; a record whose checksum fails, wherever it is, refuses the
//     open with DATA_LOSS naming the log file, and nothing is changed on disk;
//   - logs a dropped torn tail (RocksDB drops it without a word; a read-only replay in the
//     strictest mode, which writes nothing and takes no lock, finds it first);
//   - verifies every table file's block checksums (DB::VerifyChecksum), since damage inside a data
//     block is invisible at open and would only cut a later scan short.
// Every refusal says the way out: restore a backup, or salvage a copy (storage/salvage.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace leadrouter::storage {

struct CheckedOpenOptions {
  // Read every table file's checksums at open (one sequential read of the database: ~0.1-0.5 s
  // per 100 MB on SSD). Default: true
  bool verify_table_checksums = true;
};

// Opens `path` with `options` (whose WAL recovery mode and paranoid checks it sets) and the
// column families of `descriptors`. On success `handles` holds one handle per descriptor, owned by
// the caller as with rocksdb::DB::Open.
[[nodiscard]] absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenChecked(
    rocksdb::DBOptions options, const std::string& path,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
    std::vector<rocksdb::ColumnFamilyHandle*>* handles, const CheckedOpenOptions& checks = {});

// The sentence every refusal ends with.
std::string WayOut(const std::string& path);

}  // namespace leadrouter::storage
