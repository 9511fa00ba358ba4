#include "storage/read_view.h"

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "storage/key_codec.h"
#include "storage/status.h"

namespace leadrouter::storage {
namespace {

absl::string_view FromSlice(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

}  // namespace

absl::Status ReadView::ScanPrefix(ColumnFamily cf, absl::string_view prefix, ScanOrder order,
                                  ScanVisitor visit) const {
  const std::string end = PrefixEnd(prefix);
  return Scan(cf, prefix, end, order, visit);
}

absl::Status ScanIterator(std::unique_ptr<rocksdb::Iterator> it, absl::string_view begin,
                          absl::string_view end, ScanOrder order, ScanVisitor visit) {
  const rocksdb::Slice begin_slice(begin.data(), begin.size());
  const rocksdb::Slice end_slice(end.data(), end.size());
  if (order == ScanOrder::kAscending) {
    it->Seek(begin_slice);
  } else if (end.empty()) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(end_slice);
    if (it->Valid() && it->key().compare(end_slice) >= 0) it->Prev();
  }
  for (; it->Valid(); order == ScanOrder::kAscending ? it->Next() : it->Prev()) {
    const rocksdb::Slice key = it->key();
    if (order == ScanOrder::kAscending && !end.empty() && key.compare(end_slice) >= 0) break;
    if (order == ScanOrder::kDescending && key.compare(begin_slice) < 0) break;
    ASSIGN_OR_RETURN(bool more, visit(FromSlice(key), FromSlice(it->value())));
    if (!more) return absl::OkStatus();
  }
  return FromRocksDb(it->status(), "scan");
}

DatabaseView::DatabaseView(Database& db) : db_(db), snapshot_(db.raw().GetSnapshot()) {}

DatabaseView::~DatabaseView() { db_.raw().ReleaseSnapshot(snapshot_); }

absl::StatusOr<std::optional<std::string>> DatabaseView::Get(ColumnFamily cf,
                                                             absl::string_view key) const {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot_;
  std::string value;
  const rocksdb::Status status =
      db_.raw().Get(read_options, db_.handle(cf), rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) {
    return FromRocksDb(status, absl::StrCat("read ", std::string(ColumnFamilyName(cf))));
  }
  return value;
}

absl::Status DatabaseView::Scan(ColumnFamily cf, absl::string_view begin, absl::string_view end,
                                ScanOrder order, ScanVisitor visit) const {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot_;
  return ScanIterator(
      std::unique_ptr<rocksdb::Iterator>(db_.raw().NewIterator(read_options, db_.handle(cf))),
      begin, end, order, visit);
}

}  // namespace leadrouter::storage
