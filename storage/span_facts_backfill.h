// The span facts of a database from before them (storage/span_facts.h), built once from history.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace leadrouter::storage {

// Builds every owner span's row from the history, follow-ups and tasks, and points each lead's
// record at its last span, when the database has not got them yet (meta_key::kSpanFactsBuilt);
// before the writer starts. Each lead's history walked in order with the same fold the writer
// applies (MadeOwner, EndsOwnership, ...), written in batches of bounded size, the marker with the
// last: a crash part-way builds them again at the next open. What history cannot tell is taken
// as the store has it now: the lead's fields (the writer keeps them as at the decision) and, for
// a decision from before rep versions were kept, the owner's team and level; the SLA steps that
// came due without moving the lead (a pinned lead) left no entry and are not counted. Returns the
// rows written (0 when they were there).
[[nodiscard]] absl::StatusOr<int64_t> BuildSpanFactsIfMissing(Database& db);

}  // namespace leadrouter::storage
