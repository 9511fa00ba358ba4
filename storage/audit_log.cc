#include "storage/audit_log.h"

#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "storage/records.h"

namespace leadrouter::storage {

absl::StatusOr<uint64_t> AppendAudit(WriteTxn& txn, AuditRecord record, int64_t now_us) {
  ASSIGN_OR_RETURN(uint64_t sequence, txn.NextSequence(std::string(meta_key::kAuditSequence)));
  record.set_sequence(sequence);
  if (record.principal().empty()) record.set_principal(std::string(txn.principal()));
  if (!record.has_time()) {
    *record.mutable_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(now_us);
  }
  RETURN_IF_ERROR(
      WriteMessageLater(txn, ColumnFamily::kAudit, keys::Audit(sequence), std::move(record)));
  return sequence;
}

absl::StatusOr<uint64_t> AuditChange(WriteTxn& txn, const ChangeInfo& change,
                                     absl::string_view entity, uint64_t before, uint64_t after) {
  AuditRecord audit;
  audit.set_actor(change.actor);
  audit.set_action(change.action);
  audit.set_entity(std::string(entity));
  audit.set_before_version(before);
  audit.set_after_version(after);
  audit.set_assignment(change.assignment);
  audit.set_detail(change.detail);
  return AppendAudit(txn, std::move(audit), change.now_us);
}

absl::Status ReadAudit(const ReadView& view, uint64_t from,
                       absl::FunctionRef<bool(const AuditRecord&)> visit) {
  return view.Scan(ColumnFamily::kAudit, keys::Audit(from), "", ScanOrder::kAscending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     AuditRecord record;
                     RETURN_IF_ERROR(DecodeProto(value, record, "audit record"));
                     return visit(record);
                   });
}

}  // namespace leadrouter::storage
