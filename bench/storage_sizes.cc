// storage_sizes [--compact] DB: what a stopped leadrouterd database holds, per column family: keys,
// the bytes of their keys and values (as stored, before RocksDB's block compression), and the size
// of the table files RocksDB reports; with --compact, after a full compaction of every column
// family (with the database's own options: what the size settles to once RocksDB has compacted).
// scripts/bench-scale.sh prints it after the load, so that the size on disk can be told apart by
// key kind (docs/performance.md). Not a benchmark: `make bench` runs it only through
// bench-scale.sh.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "storage/database.h"
#include "storage/layout.h"

int main(int argc, char** argv) {
  using leadrouter::storage::ColumnFamily;
  const bool compact = argc == 3 && std::string(argv[1]) == "--compact";
  if (argc != 2 && !compact) {
    std::fprintf(stderr, "usage: storage_sizes [--compact] DB\n");
    return 2;
  }
  const char* path = argv[argc - 1];
  leadrouter::storage::DatabaseOptions options;
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<leadrouter::storage::Database>> db =
      leadrouter::storage::Database::Open(path, options);
  if (!db.ok()) {
    std::fprintf(stderr, "storage_sizes: %s\n", std::string(db.status().message()).c_str());
    return 1;
  }
  if (compact) {
    for (size_t i = 0; i < leadrouter::storage::kColumnFamilyCount; ++i) {
      rocksdb::CompactRangeOptions range;
      range.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
      const rocksdb::Status compacted = (*db)->raw().CompactRange(
          range, (*db)->handle(static_cast<ColumnFamily>(i)), nullptr, nullptr);
      if (!compacted.ok()) {
        std::fprintf(stderr, "storage_sizes: compact: %s\n", compacted.ToString().c_str());
        return 1;
      }
    }
  }
  std::printf("%-24s %10s %12s %14s %12s %14s\n", "column family", "keys", "key bytes",
              "value bytes", "bytes/key", "table files");
  uint64_t total_keys = 0, total_key_bytes = 0, total_value_bytes = 0, total_sst = 0;
  for (size_t i = static_cast<size_t>(ColumnFamily::kMeta);
       i < leadrouter::storage::kColumnFamilyCount; ++i) {
    rocksdb::ColumnFamilyHandle* handle = (*db)->handle(static_cast<ColumnFamily>(i));
    uint64_t keys = 0, key_bytes = 0, value_bytes = 0;
    std::unique_ptr<rocksdb::Iterator> it((*db)->raw().NewIterator(rocksdb::ReadOptions(), handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++keys;
      key_bytes += it->key().size();
      value_bytes += it->value().size();
    }
    uint64_t sst = 0;
    (*db)->raw().GetIntProperty(handle, rocksdb::DB::Properties::kTotalSstFilesSize, &sst);
    if (keys == 0 && sst == 0) continue;
    std::printf("%-24s %10llu %12llu %14llu %12.0f %14llu\n",
                std::string(leadrouter::storage::kColumnFamilyNames[i]).c_str(),
                static_cast<unsigned long long>(keys), static_cast<unsigned long long>(key_bytes),
                static_cast<unsigned long long>(value_bytes),
                keys > 0 ? static_cast<double>(key_bytes + value_bytes) / keys : 0.0,
                static_cast<unsigned long long>(sst));
    total_keys += keys;
    total_key_bytes += key_bytes;
    total_value_bytes += value_bytes;
    total_sst += sst;
  }
  std::printf("%-24s %10llu %12llu %14llu %12s %14llu\n", "all",
              static_cast<unsigned long long>(total_keys),
              static_cast<unsigned long long>(total_key_bytes),
              static_cast<unsigned long long>(total_value_bytes), "",
              static_cast<unsigned long long>(total_sst));
  return (*db)->Close().ok() ? 0 : 1;
}
