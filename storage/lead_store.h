// Leads: column family `leads`, keyed by the lead's resource name ("leads/acme-1").
//
// Every write bumps the lead's revision, moves its entries of the lead index
// (storage/lead_index.h) and its pending SLA steps' rows of the due index (storage/due_index.h),
// and appends an audit record in the same change, so the audit log has a
// record with before/after revision for every stored version of a lead.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/common.pb.h"
#include "storage/audit_log.h"
#include "storage/read_view.h"
#include "storage/span_facts.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

[[nodiscard]] absl::StatusOr<std::optional<LeadRecord>> ReadLead(const ReadView& view,
                                                                 absl::string_view name);

// Stores `lead` (keyed by lead.name()) as the next revision and audits it. `current_sequence`
// replaces the record's current history entry and `last_span` its last owner span
// (storage/assignment_store.h sets them); nullopt keeps the stored one. Returns the record written.
[[nodiscard]] absl::StatusOr<LeadRecord> PutLead(
    WriteTxn& txn, const leadrouter::v1::Lead& lead, const ChangeInfo& change,
    std::optional<uint64_t> current_sequence = std::nullopt,
    std::optional<SpanRef> last_span = std::nullopt);

// Visits leads in name order starting after `start_after` (empty: from the first).
[[nodiscard]] absl::Status ListLeads(const ReadView& view, absl::string_view start_after,
                                     absl::FunctionRef<bool(const LeadRecord&)> visit);

}  // namespace leadrouter::storage
