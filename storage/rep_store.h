// Reps: column family `reps`, keyed by the rep's resource name ("reps/ana").
//
// Every write bumps the rep's revision (also its etag) and appends an audit record in the same
// change, so the audit log has a record with before/after revision for every stored version of a
// rep. It also keeps the version it replaces in `rep_versions`, keyed by the last assignment
// sequence handed out at the time: the roster a past decision saw can be rebuilt exactly
// (RepsAsOf), which is what Explain needs to recompute any rep's trace.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/common.pb.h"
#include "storage/audit_log.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

[[nodiscard]] absl::StatusOr<std::optional<RepRecord>> ReadRep(const ReadView& view,
                                                               absl::string_view name);

// Stores `rep` (keyed by rep.name()) as the next revision and audits it. Returns the record
// written.
[[nodiscard]] absl::StatusOr<RepRecord> PutRep(WriteTxn& txn, const leadrouter::v1::Rep& rep,
                                               const ChangeInfo& change);

// Deletes the rep and audits it (after version 0). NOT_FOUND when there is no such rep. Its
// history, counters and index entries stay: they are facts about the past.
[[nodiscard]] absl::Status DeleteRep(WriteTxn& txn, absl::string_view name,
                                     const ChangeInfo& change);

// The reps as decision `sequence` saw them (every change committed before it, none after), in
// name order: also reps deleted since, not those created since. FAILED_PRECONDITION when the
// database did not keep rep versions yet at that decision (it was opened by a build without them).
[[nodiscard]] absl::StatusOr<std::vector<leadrouter::v1::Rep>> RepsAsOf(const ReadView& view,
                                                                        uint64_t sequence);

// The rep `name` as the decision of assignment `sequence` saw it, by the same rule as RepsAsOf;
// for a decision from before rep versions were kept, the oldest version the store has (the best
// it knows); nullopt when it did not exist.
[[nodiscard]] absl::StatusOr<std::optional<leadrouter::v1::Rep>> RepAsOf(const ReadView& view,
                                                                         absl::string_view name,
                                                                         uint64_t sequence);

// Records where rep versions start (meta_key::kRepVersionsFrom) when the database has none yet.
[[nodiscard]] absl::Status MarkRepVersionsStart(Database& db);

// Visits reps in name order starting after `start_after` (empty: from the first).
[[nodiscard]] absl::Status ListReps(const ReadView& view, absl::string_view start_after,
                                    absl::FunctionRef<bool(const RepRecord&)> visit);

}  // namespace leadrouter::storage
