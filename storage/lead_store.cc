#include "storage/lead_store.h"

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "storage/audit_log.h"
#include "storage/due_index.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/lead_index.h"
#include "storage/records.h"

namespace leadrouter::storage {

absl::StatusOr<std::optional<LeadRecord>> ReadLead(const ReadView& view, absl::string_view name) {
  return ReadMessage<LeadRecord>(view, ColumnFamily::kLeads, keys::Lead(name),
                                 absl::StrCat("lead ", name));
}

absl::StatusOr<LeadRecord> PutLead(WriteTxn& txn, const leadrouter::v1::Lead& lead,
                                   const ChangeInfo& change,
                                   std::optional<uint64_t> current_sequence,
                                   std::optional<SpanRef> last_span) {
  if (lead.name().empty()) return absl::InvalidArgumentError("lead name is empty");
  ASSIGN_OR_RETURN(std::optional<LeadRecord> before, ReadLead(txn, lead.name()));
  const uint64_t before_revision = before.has_value() ? before->revision() : 0;
  LeadRecord record;
  *record.mutable_lead() = lead;
  record.set_revision(before_revision + 1);
  record.set_current_sequence(
      current_sequence.value_or(before.has_value() ? before->current_sequence() : uint64_t{0}));
  const SpanRef span = last_span.value_or(before.has_value() ? LastSpanOf(*before) : SpanRef{});
  record.set_open_span_decide_us(span.decide_us);
  record.set_open_span_sequence(span.sequence);
  RETURN_IF_ERROR(WriteMessage(txn, ColumnFamily::kLeads, keys::Lead(lead.name()), record));
  RETURN_IF_ERROR(UpdateLeadIndex(txn, before.has_value() ? &before->lead() : nullptr, lead));
  RETURN_IF_ERROR(UpdateSlaDue(txn, before.has_value() ? &before->lead() : nullptr, lead));
  RETURN_IF_ERROR(
      AuditChange(txn, change, lead.name(), before_revision, record.revision()).status());
  return record;
}

absl::Status ListLeads(const ReadView& view, absl::string_view start_after,
                       absl::FunctionRef<bool(const LeadRecord&)> visit) {
  // The smallest key after `start_after` is its key plus a zero byte.
  std::string begin = start_after.empty() ? std::string() : keys::Lead(start_after) + '\0';
  return view.Scan(ColumnFamily::kLeads, begin, "", ScanOrder::kAscending,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                     LeadRecord record;
                     RETURN_IF_ERROR(DecodeProto(value, record, "lead"));
                     return visit(record);
                   });
}

}  // namespace leadrouter::storage
