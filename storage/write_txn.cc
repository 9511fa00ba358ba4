#include "storage/write_txn.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "storage/status.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

rocksdb::Slice ToSlice(absl::string_view s) { return {s.data(), s.size()}; }
std::string Name(ColumnFamily cf) { return std::string(ColumnFamilyName(cf)); }

}  // namespace

absl::StatusOr<std::optional<std::string>> WriteTxn::Get(ColumnFamily cf,
                                                         absl::string_view key) const {
  if (cf == ColumnFamily::kCounters) return GetCounter(key);
  std::string value;
  const rocksdb::Status status = batch_.GetFromBatchAndDB(db_.db(), rocksdb::ReadOptions(),
                                                          db_.handle(cf), ToSlice(key), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return FromRocksDb(status, absl::StrCat("read ", Name(cf)));
  return value;
}

absl::StatusOr<std::optional<std::string>> WriteTxn::GetCounter(absl::string_view key) const {
  if (const auto it = mutation_counters_.find(key); it != mutation_counters_.end()) {
    return it->second;
  }
  if (const auto it = kept_counters_.find(key); it != kept_counters_.end()) return it->second;
  if (const CommittedCache::Value* cached = counter_cache_.Find(key)) return *cached;
  std::string value;
  const rocksdb::Status status = db_.db()->Get(
      rocksdb::ReadOptions(), db_.handle(ColumnFamily::kCounters), ToSlice(key), &value);
  if (status.IsNotFound()) {
    counter_cache_.Put(key, std::nullopt);
    return std::nullopt;
  }
  if (!status.ok()) return FromRocksDb(status, "read counters");
  counter_cache_.Put(key, value);
  return value;
}

absl::Status WriteTxn::Scan(ColumnFamily cf, absl::string_view begin, absl::string_view end,
                            ScanOrder order, ScanVisitor visit) const {
  if (cf == ColumnFamily::kCounters) {
    return absl::FailedPreconditionError(
        "counters cannot be scanned inside a commit: the group's own counter writes are staged "
        "outside the batch until it is sealed");
  }
  rocksdb::ColumnFamilyHandle* handle = db_.handle(cf);
  std::unique_ptr<rocksdb::Iterator> base(db_.db()->NewIterator(rocksdb::ReadOptions(), handle));
  return ScanIterator(
      std::unique_ptr<rocksdb::Iterator>(batch_.NewIteratorWithBase(handle, base.release())), begin,
      end, order, visit);
}

absl::Status WriteTxn::Put(ColumnFamily cf, absl::string_view key, absl::string_view value) {
  if (sealed_) return absl::FailedPreconditionError("write to a sealed commit group");
  if (cf == ColumnFamily::kCounters) {
    if (counter_rows_ != nullptr) counter_rows_->Invalidate(key);
    mutation_counters_[key] = std::string(value);
    return absl::OkStatus();
  }
  return FromRocksDb(batch_.Put(db_.handle(cf), ToSlice(key), ToSlice(value)),
                     absl::StrCat("stage write to ", Name(cf)));
}

absl::Status WriteTxn::Delete(ColumnFamily cf, absl::string_view key) {
  if (sealed_) return absl::FailedPreconditionError("delete in a sealed commit group");
  if (cf == ColumnFamily::kCounters) {
    if (counter_rows_ != nullptr) counter_rows_->Invalidate(key);
    mutation_counters_[key] = std::nullopt;
    return absl::OkStatus();
  }
  return FromRocksDb(batch_.Delete(db_.handle(cf), ToSlice(key)),
                     absl::StrCat("stage delete in ", Name(cf)));
}

absl::Status WriteTxn::SealCounters() {
  if (sealed_) return absl::OkStatus();
  sealed_ = true;
  rocksdb::WriteBatch& raw = *batch_.GetWriteBatch();
  rocksdb::ColumnFamilyHandle* counters = db_.handle(ColumnFamily::kCounters);
  // Straight into the underlying batch: nothing reads through the index any more, so keeping it
  // up to date would only cost a seek per key.
  for (const auto& [key, value] : kept_counters_) {
    const rocksdb::Status status = value.has_value()
                                       ? raw.Put(counters, ToSlice(key), ToSlice(*value))
                                       : raw.Delete(counters, ToSlice(key));
    if (!status.ok()) return FromRocksDb(status, "stage counters");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> WriteTxn::NextSequence(absl::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored, Get(ColumnFamily::kMeta, name));
  uint64_t last = 0;
  if (stored.has_value()) {
    ASSIGN_OR_RETURN(uint64_t decoded, DecodeInteger(*stored, name));
    last = decoded;
  }
  const uint64_t next = last + 1;
  RETURN_IF_ERROR(Put(ColumnFamily::kMeta, name, EncodeInteger(next)));
  return next;
}

void WriteTxn::StartMutation(std::string_view principal) {
  principal_ = principal;
  mutation_counters_.clear();
  batch_.SetSavePoint();
}

void WriteTxn::KeepMutation() {
  for (auto& [key, value] : mutation_counters_) kept_counters_[key] = std::move(value);
  mutation_counters_.clear();
  (void)batch_.PopSavePoint();  // NotFound only without a save point, and StartMutation set one
}

absl::Status WriteTxn::DiscardMutation() {
  // Rows read after these writes hold the discarded values.
  if (counter_rows_ != nullptr) {
    for (const auto& entry : mutation_counters_) counter_rows_->Invalidate(entry.first);
  }
  mutation_counters_.clear();
  return FromRocksDb(batch_.RollbackToSavePoint(), "roll back a failed change");
}

}  // namespace leadrouter::storage
