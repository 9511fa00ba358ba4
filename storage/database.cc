#include "storage/database.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "storage/checked_open.h"
#include "storage/status.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

// Memory RocksDB may take, whatever the database's size: the memtables of all column families
// together, and one block cache for all their table files. Without these each of the 22 column
// families had its own 64 MB memtables and its own block cache, and a server holding 1,000,000
// assignments grew past 400 MB (docs/performance.md, "10,000 reps and 1,000,000 assignments").
constexpr size_t kMemtableBudget = size_t{64} << 20;
constexpr size_t kBlockCacheBytes = size_t{32} << 20;

const std::shared_ptr<rocksdb::Cache>& SharedBlockCache() {
  static const auto* const cache =
      new std::shared_ptr<rocksdb::Cache>(rocksdb::NewLRUCache(kBlockCacheBytes));
  return *cache;
}

rocksdb::DBOptions MakeDbOptions(const DatabaseOptions& options) {
  rocksdb::DBOptions db_options;
  // Every column family's memtables count against one budget; reaching it flushes (all of them
  // together: atomic_flush).
  db_options.db_write_buffer_size = kMemtableBudget;
  db_options.create_if_missing = options.create_if_missing;
  // Also what opens a database written before a column family was added (events,
  // events_by_lead and lead_index came after schema version 1): the new ones start empty
  // (docs/storage.md).
  db_options.create_missing_column_families = true;
  // Flushes of the column families are atomic together, so the files on disk never hold one half
  // of a batch without the other even when the write-ahead log is not replayed (checkpoints).
  db_options.atomic_flush = true;
  // Two threads for background flush and compaction: the machine class has two cores.
  db_options.max_background_jobs = 2;
  // The recovery mode and paranoid checks are OpenChecked's (storage/checked_open.h): damage is
  // refused, not silently cut off.
  if (options.env != nullptr) db_options.env = options.env;
  return db_options;
}

// Most reads are point lookups of keys that are often absent: a new lead's id, a counter no
// decision has moved yet, an unused idempotency key. Bloom filters (in each table file, and over
// the memtable) answer most of those misses without searching the skip list or reading a block.
rocksdb::ColumnFamilyOptions MakeColumnFamilyOptions(ColumnFamily cf) {
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = SharedBlockCache();
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.memtable_whole_key_filtering = true;
  cf_options.memtable_prefix_bloom_size_ratio = 0.02;
  if (IsWriteOnceColumnFamily(cf)) cf_options.compression = rocksdb::kZSTD;
  return cf_options;
}

bool IsLeadrouterColumnFamily(const std::string& name) {
  return std::find(kColumnFamilyNames.begin(), kColumnFamilyNames.end(), name) !=
         kColumnFamilyNames.end();
}

}  // namespace

void Database::HandleDeleter::operator()(rocksdb::ColumnFamilyHandle* handle) const {
  // Destroying a handle only releases memory; its status is always OK for an open DB.
  (void)db->DestroyColumnFamilyHandle(handle);
}

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

  const rocksdb::DBOptions db_options = MakeDbOptions(options);
  // A directory holding column families this build does not know was written by another layout:
  // refuse it rather than silently ignore data.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, path, &existing).ok()) {
    for (const std::string& name : existing) {
      if (!IsLeadrouterColumnFamily(name)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "database ", path, " has column family '", name, "' unknown to schema version ",
            kSchemaVersion, "; was it written by a newer build?"));
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t i = 0; i < kColumnFamilyCount; ++i) {
    descriptors.emplace_back(std::string(kColumnFamilyNames[i]),
                             MakeColumnFamilyOptions(static_cast<ColumnFamily>(i)));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::DB> opened,
                   OpenChecked(db_options, path, descriptors, &raw_handles,
                               {.verify_table_checksums = options.verify_table_checksums}));
  rocksdb::DB* raw_db = opened.release();

  std::unique_ptr<Database> database(new Database(path, options));
  database->db_.reset(raw_db);
  for (size_t i = 0; i < raw_handles.size(); ++i) {
    database->handles_[i] = Handle(raw_handles[i], HandleDeleter{raw_db});
  }
  RETURN_IF_ERROR(database->CheckSchemaVersion());
  return database;
}

Database::Database(std::string path, DatabaseOptions options)
    : path_(std::move(path)), options_(options) {
  write_options_.sync = options_.durability == Durability::kSync;
}

Database::~Database() {
  if (db_ != nullptr) (void)Close();
}

absl::Status Database::CheckSchemaVersion() {
  rocksdb::ColumnFamilyHandle* meta = handle(ColumnFamily::kMeta);
  std::string value;
  const rocksdb::Status read =
      db_->Get(rocksdb::ReadOptions(), meta, std::string(meta_key::kSchemaVersion), &value);
  if (read.IsNotFound()) {
    // A fresh database: only now is the layout known, so record it. Data without a schema
    // version was not written by leadrouter and is refused.
    for (size_t i = static_cast<size_t>(ColumnFamily::kMeta); i < kColumnFamilyCount; ++i) {
      std::unique_ptr<rocksdb::Iterator> it(
          db_->NewIterator(rocksdb::ReadOptions(), handles_[i].get()));
      it->SeekToFirst();
      if (it->Valid()) {
        return absl::FailedPreconditionError(
            absl::StrCat("database ", path_, " holds data in '", std::string(kColumnFamilyNames[i]),
                         "' but records no schema version; it was not written by leadrouter"));
      }
    }
    return FromRocksDb(db_->Put(write_options_, meta, std::string(meta_key::kSchemaVersion),
                                EncodeInteger(kSchemaVersion)),
                       absl::StrCat("record schema version in ", path_));
  }
  RETURN_IF_ERROR(FromRocksDb(read, absl::StrCat("read schema version of ", path_)));
  ASSIGN_OR_RETURN(uint64_t stored, DecodeInteger(value, "schema version"));
  if (stored != kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("database ", path_, " has schema version ", stored,
                     " but this leadrouter reads schema version ", kSchemaVersion,
                     "; open it with a matching build or restore a matching backup"));
  }
  return absl::OkStatus();
}

absl::Status Database::Close() {
  if (db_ == nullptr) return absl::OkStatus();
  for (Handle& h : handles_) h.reset();
  const rocksdb::Status status = db_->Close();
  db_.reset();
  return FromRocksDb(status, absl::StrCat("close database ", path_));
}

}  // namespace leadrouter::storage
