// Idempotency records: the first response to a request carrying an idempotency key, so a retry
// gets the same answer instead of a second change.
//
// A record is written in the same WriteBatch as the change it answers for: a retry either finds
// the record and the change, or neither. Keys are scoped per RPC ("assign", "reassign",
// "followup"). Records are kept at least `retention` (24 hours by the API contract) and removed by
// PurgeIdempotency, which the server runs periodically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/read_view.h"
#include "storage/storage.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

[[nodiscard]] absl::StatusOr<std::optional<IdempotencyRecord>> ReadIdempotency(
    const ReadView& view, absl::string_view scope, absl::string_view key);

[[nodiscard]] absl::Status WriteIdempotency(WriteTxn& txn, absl::string_view scope,
                                            absl::string_view key, const IdempotencyRecord& record);

// Deletes records created before `cutoff_us`; returns how many. The records are found on a
// snapshot, outside the writer, and deleted `batch_size` per commit, so a purge of millions of
// records never holds up decisions for a whole scan. A record found expired cannot be written
// again before it is deleted (its key replays it until then), so deleting it blindly is safe.
[[nodiscard]] absl::StatusOr<int64_t> PurgeIdempotency(Storage& storage, int64_t cutoff_us,
                                                       size_t batch_size = 1000);

}  // namespace leadrouter::storage
