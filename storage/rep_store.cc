#include "storage/rep_store.h"

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
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
  ASSIGN_OR_RETURN(std::optional<RepRecord> before, ReadRep(txn, rep.name()));
  const uint64_t before_revision = before.has_value() ? before->revision() : 0;
  RepRecord record;
  *record.mutable_rep() = rep;
  record.set_revision(before_revision + 1);
  RETURN_IF_ERROR(WriteMessage(txn, ColumnFamily::kReps, keys::Rep(rep.name()), record));
  RETURN_IF_ERROR(
      AuditChange(txn, change, rep.name(), before_revision, record.revision()).status());
  return record;
}

absl::Status DeleteRep(WriteTxn& txn, absl::string_view name, const ChangeInfo& change) {
  ASSIGN_OR_RETURN(std::optional<RepRecord> before, ReadRep(txn, name));
  if (!before.has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  RETURN_IF_ERROR(txn.Delete(ColumnFamily::kReps, keys::Rep(name)));
  return AuditChange(txn, change, name, before->revision(), 0).status();
}

absl::Status ListReps(const ReadView& view, absl::string_view start_after,
                      absl::FunctionRef<bool(const RepRecord&)> visit) {
  // The smallest key after `start_after` is its key plus a zero byte.
  std::string begin = start_after.empty() ? std::string() : keys::Rep(start_after) + '\0';
  return view.Scan(ColumnFamily::kReps, begin, "", ScanOrder::kAscending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     RepRecord record;
                     RETURN_IF_ERROR(DecodeProto(value, record, "rep"));
                     return visit(record);
                   });
}

}  // namespace leadrouter::storage
