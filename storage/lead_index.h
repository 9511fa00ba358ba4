// The lead index: column family `lead_index`, what ListLeads reads instead of every lead.
//
// Each lead has one entry per index below, keyed (index, value, receive time, lead name) with an
// empty value, so one prefix scan returns the leads of one owner, state or source in receive-time
// order (newest first when scanned descending):
//
//   "all",    ""                  every lead
//   "owner",  "reps/ana"          leads with an owner (or a proposed one, PENDING_REVIEW)
//   "state",  "OPEN"              the LeadState name without LEAD_STATE_
//   "source", "web_form"          leads with a non-empty source
//
// PutLead (storage/lead_store.h) keeps it: it deletes the entries of the stored version that the
// new one does not have and puts the new ones, in the same mutation as the lead. So the index
// never disagrees with the leads, whatever changes a lead (assign, reassign, pin, follow-up,
// close). A database written before the index existed gets it built once at open.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/common.pb.h"
#include "storage/database.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

enum class LeadIndex { kAll, kOwner, kState, kSource };

// The index value of a state: "OPEN", "CONTACTED", ...
std::string LeadStateIndexValue(leadrouter::v1::LeadState state);

// Every index key of `lead`.
std::vector<std::string> LeadIndexKeys(const leadrouter::v1::Lead& lead);

// Moves the index from `before` (nullptr for a new lead) to `after`, inside the mutation.
[[nodiscard]] absl::Status UpdateLeadIndex(WriteTxn& txn, const leadrouter::v1::Lead* before,
                                           const leadrouter::v1::Lead& after);

// A place in an index: a lead's receive time and name. Pages stop and start at one.
struct LeadIndexPosition {
  int64_t receive_us = 0;
  std::string lead;
};

// Visits the leads of (`index`, `value`) received in [from_us, to_us), newest first (ties: name,
// descending), starting strictly after `after` when given; stops when `visit` returns false.
[[nodiscard]] absl::Status ScanLeadIndex(
    const ReadView& view, LeadIndex index, absl::string_view value, int64_t from_us, int64_t to_us,
    const std::optional<LeadIndexPosition>& after,
    absl::FunctionRef<absl::StatusOr<bool>(const LeadIndexPosition&)> visit);

// Builds the index from every lead unless meta_key::kLeadIndexBuilt says it was; one synced write.
// Must run while no commit is in flight (at open, before the CommitQueue starts). Returns how
// many leads it indexed (0 when it was built already).
[[nodiscard]] absl::StatusOr<int64_t> BuildLeadIndexIfMissing(Database& db);

}  // namespace leadrouter::storage
