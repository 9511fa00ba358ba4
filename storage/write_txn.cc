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

uint64_t FamilyBit(ColumnFamily cf) { return uint64_t{1} << static_cast<int>(cf); }

std::string LaterKey(ColumnFamily cf, absl::string_view key) {
  std::string joined(1, static_cast<char>(cf));
  joined.append(key.data(), key.size());
  return joined;
}

// A staged-later write's value, encoded first if that has not happened yet (WriteTxn::LaterWrite).
template <typename LaterWrite>
const std::string& Encoded(LaterWrite& write) {
  if (write.encode) {
    write.value = std::move(write.encode)();
    write.encode = nullptr;
  }
  return write.value;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> WriteTxn::Get(ColumnFamily cf,
                                                         absl::string_view key) const {
  if (cf == ColumnFamily::kCounters) return GetCounter(key);
  if (const size_t* index = FindLater(cf, key); index != nullptr && !later_[*index].in_batch) {
    return Encoded(later_[*index]);
  }
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
  RETURN_IF_ERROR(MaterializeLater(cf));
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
  // A key staged for later enters the batch first, so that this write comes after it.
  if (const size_t* index = FindLater(cf, key)) RETURN_IF_ERROR(MaterializeLater(*index));
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
  if (const size_t* index = FindLater(cf, key)) RETURN_IF_ERROR(MaterializeLater(*index));
  return FromRocksDb(batch_.Delete(db_.handle(cf), ToSlice(key)),
                     absl::StrCat("stage delete in ", Name(cf)));
}

absl::Status WriteTxn::PutLater(ColumnFamily cf, std::string key, Encoder encode) {
  return StageLater(LaterWrite{cf, std::move(key), std::move(encode), {}});
}

absl::Status WriteTxn::PutUnindexed(ColumnFamily cf, std::string key, std::string value) {
  return StageLater(LaterWrite{cf, std::move(key), nullptr, std::move(value)});
}

absl::Status WriteTxn::StageLater(LaterWrite write) {
  if (sealed_) return absl::FailedPreconditionError("write to a sealed commit group");
  if (write.cf == ColumnFamily::kCounters) {
    return absl::InvalidArgumentError("counters are not staged for later");
  }
  const auto [it, first] = later_index_.try_emplace(LaterKey(write.cf, write.key), later_.size());
  if (!first) {
    // A second write of the key: the first goes into the batch, where the second will follow it.
    RETURN_IF_ERROR(MaterializeLater(it->second));
    it->second = later_.size();
  }
  later_families_ |= FamilyBit(write.cf);
  later_.push_back(std::move(write));
  return absl::OkStatus();
}

const size_t* WriteTxn::FindLater(ColumnFamily cf, absl::string_view key) const {
  if ((later_families_ & FamilyBit(cf)) == 0) return nullptr;
  const auto it = later_index_.find(LaterKey(cf, key));
  return it == later_index_.end() ? nullptr : &it->second;
}

absl::Status WriteTxn::MaterializeLater(size_t index) const {
  LaterWrite& write = later_[index];
  if (write.in_batch) return absl::OkStatus();
  RETURN_IF_ERROR(
      FromRocksDb(batch_.Put(db_.handle(write.cf), ToSlice(write.key), ToSlice(Encoded(write))),
                  absl::StrCat("stage write to ", Name(write.cf))));
  write.in_batch = true;
  if (index < mutation_later_begin_) materialized_by_mutation_.push_back(index);
  return absl::OkStatus();
}

absl::Status WriteTxn::MaterializeLater(ColumnFamily cf) const {
  if ((later_families_ & FamilyBit(cf)) == 0) return absl::OkStatus();
  for (size_t index = 0; index < later_.size(); ++index) {
    if (later_[index].cf == cf) RETURN_IF_ERROR(MaterializeLater(index));
  }
  return absl::OkStatus();
}

void WriteTxn::EncodeLater(size_t begin, size_t end) {
  for (size_t index = begin; index < end && index < later_.size(); ++index) Encoded(later_[index]);
}

absl::Status WriteTxn::Seal() {
  if (sealed_) return absl::OkStatus();
  sealed_ = true;
  rocksdb::WriteBatch& raw = *batch_.GetWriteBatch();
  // Straight into the underlying batch: nothing reads through the index any more, so keeping it
  // up to date would only cost a seek per key.
  rocksdb::ColumnFamilyHandle* counters = db_.handle(ColumnFamily::kCounters);
  for (const auto& [key, value] : kept_counters_) {
    const rocksdb::Status status = value.has_value()
                                       ? raw.Put(counters, ToSlice(key), ToSlice(*value))
                                       : raw.Delete(counters, ToSlice(key));
    if (!status.ok()) return FromRocksDb(status, "stage counters");
  }
  EncodeLater(0, later_.size());  // what no caller encoded
  for (const LaterWrite& write : later_) {
    if (write.in_batch) continue;
    const rocksdb::Status status =
        raw.Put(db_.handle(write.cf), ToSlice(write.key), ToSlice(write.value));
    if (!status.ok()) return FromRocksDb(status, absl::StrCat("stage write to ", Name(write.cf)));
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
  mutation_later_begin_ = later_.size();
  materialized_by_mutation_.clear();
  batch_.SetSavePoint();
}

void WriteTxn::KeepMutation() {
  for (auto& [key, value] : mutation_counters_) kept_counters_[key] = std::move(value);
  mutation_counters_.clear();
  materialized_by_mutation_.clear();
  mutation_later_begin_ = later_.size();
  (void)batch_.PopSavePoint();  // NotFound only without a save point, and StartMutation set one
}

absl::Status WriteTxn::DiscardMutation() {
  // Rows read after these writes hold the discarded values.
  if (counter_rows_ != nullptr) {
    for (const auto& entry : mutation_counters_) counter_rows_->Invalidate(entry.first);
  }
  mutation_counters_.clear();
  RETURN_IF_ERROR(FromRocksDb(batch_.RollbackToSavePoint(), "roll back a failed change"));
  // Kept writes this mutation's reads had moved into the batch went with the rollback.
  for (const size_t index : materialized_by_mutation_) {
    const LaterWrite& write = later_[index];
    RETURN_IF_ERROR(
        FromRocksDb(batch_.Put(db_.handle(write.cf), ToSlice(write.key), ToSlice(write.value)),
                    "restore a kept change"));
  }
  materialized_by_mutation_.clear();
  while (later_.size() > mutation_later_begin_) {
    const LaterWrite& write = later_.back();
    const auto it = later_index_.find(LaterKey(write.cf, write.key));
    if (it != later_index_.end() && it->second == later_.size() - 1) later_index_.erase(it);
    later_.pop_back();
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::storage
