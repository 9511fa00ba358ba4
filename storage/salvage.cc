#include "storage/salvage.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsl/base/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/wal_filter.h"
#include "rocksdb/write_batch.h"
#include "storage/checked_open.h"
#include "storage/layout.h"
#include "storage/recovery_log.h"
#include "storage/status.h"
#include "storage/storage.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

namespace fs = std::filesystem;

// Collects the audit records (and the leads they changed) of every WAL record replayed.
class ChangeCollector final : public rocksdb::WalFilter {
 public:
  void ColumnFamilyLogNumberMap(const std::map<uint32_t, uint64_t>& /*log_numbers*/,
                                const std::map<std::string, uint32_t>& ids) override {
    if (const auto audit = ids.find(std::string(ColumnFamilyName(ColumnFamily::kAudit)));
        audit != ids.end()) {
      audit_id_ = audit->second;
    }
    if (const auto leads = ids.find(std::string(ColumnFamilyName(ColumnFamily::kLeads)));
        leads != ids.end()) {
      leads_id_ = leads->second;
    }
  }

  WalProcessingOption LogRecordFound(unsigned long long /*log_number*/,
                                     const std::string& /*log_file_name*/,
                                     const rocksdb::WriteBatch& batch,
                                     rocksdb::WriteBatch* /*new_batch*/,
                                     bool* /*batch_changed*/) override {
    BatchReader reader(*this);
    (void)batch.Iterate(&reader);  // a record that does not decode is simply not reported
    for (AuditRecord& audit : reader.audits) {
      DroppedChange change{std::move(audit), std::nullopt};
      if (const auto lead = reader.leads.find(change.audit.entity()); lead != reader.leads.end()) {
        change.lead = lead->second;
      }
      changes_[change.audit.sequence()] = std::move(change);
    }
    return WalProcessingOption::kContinueProcessing;
  }

  const char* Name() const override { return "leadrouter-salvage"; }

  // Audit sequence -> the change, for every change the replay saw.
  const std::map<uint64_t, DroppedChange>& changes() const { return changes_; }

 private:
  struct BatchReader final : rocksdb::WriteBatch::Handler {
    explicit BatchReader(const ChangeCollector& owner) : collector(owner) {}
    rocksdb::Status PutCF(uint32_t column_family, const rocksdb::Slice& /*key*/,
                          const rocksdb::Slice& value) override {
      const absl::string_view bytes(value.data(), value.size());
      if (column_family == collector.audit_id_) {
        AuditRecord audit;
        if (DecodeProto(bytes, audit, "audit record").ok()) audits.push_back(std::move(audit));
      } else if (column_family == collector.leads_id_) {
        LeadRecord record;
        if (DecodeProto(bytes, record, "lead").ok()) leads[record.lead().name()] = record.lead();
      }
      return rocksdb::Status::OK();
    }
    const ChangeCollector& collector;
    std::vector<AuditRecord> audits;
    std::map<std::string, v1::Lead> leads;
  };

  uint32_t audit_id_ = UINT32_MAX;
  uint32_t leads_id_ = UINT32_MAX;
  std::map<uint64_t, DroppedChange> changes_;
};

absl::StatusOr<std::vector<rocksdb::ColumnFamilyDescriptor>> Descriptors(const std::string& path) {
  std::vector<std::string> names;
  RETURN_IF_ERROR(FromRocksDb(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names),
                              absl::StrCat("list column families of ", path)));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  return descriptors;
}

// A read-only open of `path` replayed with `mode`, seen by `filter` (may be null). Returns the
// last audit sequence the replay leaves stored, and RocksDB's "dropping" lines in `dropped`.
absl::StatusOr<uint64_t> Replay(const std::string& path,
                                const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
                                rocksdb::WALRecoveryMode mode, rocksdb::WalFilter* filter,
                                bool verify_tables, std::vector<std::string>* dropped) {
  rocksdb::DBOptions options;
  options.paranoid_checks = true;
  options.wal_recovery_mode = mode;
  options.wal_filter = filter;
  auto log = std::make_shared<RecoveryLog>(nullptr);
  options.info_log = log;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status opened =
      rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &raw);
  if (dropped != nullptr) *dropped = log->dropped();
  if (!opened.ok()) return FromRocksDb(opened, absl::StrCat("replay the logs of ", path));
  std::unique_ptr<rocksdb::DB> db(raw);
  absl::Status status = absl::OkStatus();
  if (verify_tables) {
    status = FromRocksDb(db->VerifyChecksum(), absl::StrCat("table files of ", path));
  }
  uint64_t last_audit = 0;
  for (size_t i = 0; status.ok() && i < descriptors.size(); ++i) {
    if (descriptors[i].name != ColumnFamilyName(ColumnFamily::kMeta)) continue;
    std::string value;
    const rocksdb::Status read =
        db->Get(rocksdb::ReadOptions(), handles[i], std::string(meta_key::kAuditSequence), &value);
    if (read.ok()) {
      absl::StatusOr<uint64_t> sequence = DecodeInteger(value, "audit sequence");
      if (sequence.ok())
        last_audit = *sequence;
      else
        status = sequence.status();
    } else if (!read.IsNotFound()) {
      status = FromRocksDb(read, "read the audit sequence");
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) (void)db->DestroyColumnFamilyHandle(handle);
  (void)db->Close();
  RETURN_IF_ERROR(status);
  return last_audit;
}

// Copies `source` to `staging`, opens the copy point-in-time (persisting the prefix), then as
// leadrouterd opens it: the strict open, the schema check and the full counter check.
absl::Status BuildCopy(const std::string& source, const fs::path& staging,
                       const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors) {
  std::error_code error;
  fs::copy(source, staging, fs::copy_options::recursive, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("copy ", source, " to ", staging.string(), ": ", error.message()));
  }
  fs::remove(staging / "LOCK", error);  // a copy of a live lock is not a lock
  {
    rocksdb::DBOptions options;
    options.paranoid_checks = true;
    options.atomic_flush = true;
    options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    RETURN_IF_ERROR(
        FromRocksDb(rocksdb::DB::Open(options, staging.string(), descriptors, &handles, &raw),
                    absl::StrCat("open the copy ", staging.string())));
    std::unique_ptr<rocksdb::DB> db(raw);
    // The recovered prefix goes to table files, so the damaged log is not needed again.
    rocksdb::FlushOptions flush;
    absl::Status flushed = FromRocksDb(db->Flush(flush, handles), "flush the copy");
    for (rocksdb::ColumnFamilyHandle* handle : handles) (void)db->DestroyColumnFamilyHandle(handle);
    const absl::Status closed = FromRocksDb(db->Close(), "close the copy");
    RETURN_IF_ERROR(flushed);
    RETURN_IF_ERROR(closed);
  }
  StorageOptions storage_options;
  storage_options.database.create_if_missing = false;
  // The copy lost changes: its counters are checked against every history entry it kept, not
  // from a checkpoint (which the copy does keep consistent: it is a prefix of the same log).
  storage_options.counter_check = CounterCheckMode::kFull;
  ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage,
                   Storage::Open(staging.string(), storage_options));
  return storage->Close();
}

}  // namespace

absl::StatusOr<SalvageReport> Salvage(const std::string& source, const std::string& target) {
  std::error_code error;
  if (!fs::exists(fs::path(source) / "CURRENT", error)) {
    return absl::NotFoundError(absl::StrCat(source, " is not a database (no CURRENT file)"));
  }
  if (fs::exists(target, error) && !fs::is_empty(target, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("salvage target ", target, " exists and is not empty"));
  }
  ASSIGN_OR_RETURN(const std::vector<rocksdb::ColumnFamilyDescriptor> descriptors,
                   Descriptors(source));

  SalvageReport report;
  absl::StatusOr<uint64_t> strict =
      Replay(source, descriptors, rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords, nullptr,
             /*verify_tables=*/true, &report.damage);
  if (strict.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", source, " opens cleanly: nothing to salvage (start leadrouterd on it)"));
  }
  if (report.damage.empty()) {
    // Not a damaged log: a table file or the MANIFEST, which only a backup can give back.
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", source, " is damaged outside the write-ahead log (", strict.status().message(),
        "); a salvage cannot repair that: restore a backup (leadctl admin restore)"));
  }

  ChangeCollector prefix;
  ASSIGN_OR_RETURN(report.kept_through,
                   Replay(source, descriptors, rocksdb::WALRecoveryMode::kPointInTimeRecovery,
                          &prefix, /*verify_tables=*/false, nullptr));
  ChangeCollector readable;
  RETURN_IF_ERROR(Replay(source, descriptors, rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords,
                         &readable, /*verify_tables=*/false, nullptr)
                      .status());
  uint64_t expected = report.kept_through + 1;
  for (const auto& [sequence, change] : readable.changes()) {
    if (sequence <= report.kept_through) continue;
    if (sequence > expected) report.unreadable.push_back({expected, sequence - 1});
    report.dropped.push_back(change);
    expected = sequence + 1;
  }
  if (report.dropped.empty()) report.unreadable.push_back({expected, 0});

  const fs::path absolute_target = fs::absolute(target, error);
  const fs::path staging =
      absolute_target.parent_path() / (absolute_target.filename().string() + ".salvaging");
  fs::remove_all(staging, error);
  if (absl::Status built = BuildCopy(source, staging, descriptors); !built.ok()) {
    fs::remove_all(staging, error);
    return built;
  }
  fs::remove(absolute_target, error);  // an empty target directory, if any
  fs::rename(staging, absolute_target, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("move the salvaged copy into ",
                                               absolute_target.string(), ": ", error.message()));
  }
  return report;
}

}  // namespace leadrouter::storage
