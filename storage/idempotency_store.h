// Idempotency records: the first response to a request carrying an idempotency key, so a retry
// gets the same answer instead of a second change.
//
// A record is written in the same WriteBatch as the change it answers for: a retry either finds
// the record and the change, or neither. Keys are scoped per RPC ("assign", "reassign",
// "followup"). Records are kept at least `retention` (24 hours by the API contract) and removed by
// PurgeIdempotency, which the server runs periodically.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

[[nodiscard]] absl::StatusOr<std::optional<IdempotencyRecord>> ReadIdempotency(
    const ReadView& view, absl::string_view scope, absl::string_view key);

[[nodiscard]] absl::Status WriteIdempotency(WriteTxn& txn, absl::string_view scope,
                                            absl::string_view key, const IdempotencyRecord& record);

// Deletes records created before `cutoff_us`; returns how many. Run it as its own commit.
[[nodiscard]] absl::StatusOr<int64_t> PurgeIdempotency(WriteTxn& txn, int64_t cutoff_us);

}  // namespace leadrouter::storage
