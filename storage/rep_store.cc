#include "storage/rep_store.h"

#include "absl/strings/str_cat.h"
#include "storage/audit_log.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace leadrouter::storage {

absl::StatusOr<std::optional<RepRecord>> ReadRep(const ReadView& view, absl::string_view name) {
  return ReadMessage<RepRecord>(view, ColumnFamily::kReps, keys::Rep(name),
                                absl::StrCat("rep ", name));
}

absl::StatusOr<RepRecord> PutRep(WriteTxn& txn, const leadrouter::v1::Rep& rep,
                                 const ChangeInfo& change) {
  if (rep.name().empty()) return absl::InvalidArgumentError("rep name is empty");
  absl::StatusOr<std::optional<RepRecord>> before = ReadRep(txn, rep.name());
  if (!before.ok()) return before.status();
  const uint64_t before_revision = before->has_value() ? (*before)->revision() : 0;
  RepRecord record;
  *record.mutable_rep() = rep;
  record.set_revision(before_revision + 1);
  if (absl::Status status = WriteMessage(txn, ColumnFamily::kReps, keys::Rep(rep.name()), record);
      !status.ok()) {
    return status;
  }
  if (absl::StatusOr<uint64_t> sequence =
          AuditChange(txn, change, rep.name(), before_revision, record.revision());
      !sequence.ok()) {
    return sequence.status();
  }
  return record;
}

absl::Status DeleteRep(WriteTxn& txn, absl::string_view name, const ChangeInfo& change) {
  absl::StatusOr<std::optional<RepRecord>> before = ReadRep(txn, name);
  if (!before.ok()) return before.status();
  if (!before->has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  if (absl::Status status = txn.Delete(ColumnFamily::kReps, keys::Rep(name)); !status.ok()) {
    return status;
  }
  return AuditChange(txn, change, name, (*before)->revision(), 0).status();
}

absl::Status ListReps(const ReadView& view, absl::string_view start_after,
                      absl::FunctionRef<bool(const RepRecord&)> visit) {
  // The smallest key after `start_after` is its key plus a zero byte.
  std::string begin = start_after.empty() ? std::string() : keys::Rep(start_after) + '\0';
  return view.Scan(ColumnFamily::kReps, begin, "", ScanOrder::kAscending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     RepRecord record;
                     if (absl::Status status = DecodeProto(value, record, "rep"); !status.ok()) {
                       return status;
                     }
                     return visit(record);
                   });
}

}  // namespace leadrouter::storage
