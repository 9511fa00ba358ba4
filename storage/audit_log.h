// The append-only audit log: one record per committed change, in commit order.
//
// Records are appended inside the change they describe (same WriteBatch), so the log holds a
// record for a change exactly when the change is stored. Nothing updates or deletes a record.
#pragma once

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

// Who made a change and why: what the audit record says besides the entity and versions.
struct ChangeInfo {
  std::string actor;
  std::string action;      // e.g. "lead.upsert", "lead.assign", "rep.set_status"
  std::string detail;      // the request's reason, or a generated sentence
  std::string assignment;  // the assignment the change created, if any
  int64_t now_us = 0;      // commit time, microseconds since the Unix epoch
};

// Appends `record`, setting its sequence (and `time` to `now_us` when unset). Returns the sequence.
[[nodiscard]] absl::StatusOr<uint64_t> AppendAudit(WriteTxn& txn, AuditRecord record,
                                                   int64_t now_us);

// Appends the record of `change` to `entity`, whose version went from `before` to `after`.
[[nodiscard]] absl::StatusOr<uint64_t> AuditChange(WriteTxn& txn, const ChangeInfo& change,
                                                   absl::string_view entity, uint64_t before,
                                                   uint64_t after);

// Visits the records with sequence >= `from`, oldest first, until `visit` returns false.
[[nodiscard]] absl::Status ReadAudit(const ReadView& view, uint64_t from,
                                     absl::FunctionRef<bool(const AuditRecord&)> visit);

}  // namespace leadrouter::storage
