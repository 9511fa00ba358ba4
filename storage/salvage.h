// The way out of a database whose write-ahead log is damaged (storage/checked_open.h refuses to
// open it): a copy that keeps every change before the damage, and a report of every change it
// drops, so that none is lost without a word.
//
// The damaged directory is only read. Three read-only replays find what the log holds: the strict
// one (is there anything to salvage?), a point-in-time one (the consistent prefix: every change up
// to the first damaged record), and one that skips damaged records (every change still readable
// after the damage). The copy is then opened point-in-time, which persists the prefix, and checked
// as leadrouterd would (schema, table checksums, counters against history).
//
// Why the prefix and not everything readable: a change after the damage may depend on one lost
// in it (a reassign of an assign that is gone; counters stored as totals that include lost
// decisions). The report lists those changes for an operator to re-apply or hand on.
//
// Never RocksDB's RepairDB: on leadrouter's column families it drops every WAL record, and on a
// damaged table it drops the whole table file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "leadrouter/v1/common.pb.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

// A change that was stored and acknowledged but comes after the damage: dropped by the salvage.
struct DroppedChange {
  AuditRecord audit;             // who, what, when, which entity
  std::optional<v1::Lead> lead;  // the lead as that change left it, for lead changes
};

// Audit sequences [first, last] that were in the damaged bytes; last == 0: to the end of the log.
struct SequenceRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

struct SalvageReport {
  // RocksDB's description of the damage: "/data/000004.log: dropping 20367 bytes; ...".
  std::vector<std::string> damage;
  // Every change up to this audit sequence is in the copy.
  uint64_t kept_through = 0;
  // Changes that could not be read at all, and those read but dropped, in sequence order.
  std::vector<SequenceRange> unreadable;
  std::vector<DroppedChange> dropped;
};

// Salvages the database in `source` into `target` (which must not exist, or be empty).
// FAILED_PRECONDITION when `source` opens cleanly (nothing to salvage) or its table files are
// damaged (only a backup helps then); the error of any step that fails, with nothing left at
// `target`.
[[nodiscard]] absl::StatusOr<SalvageReport> Salvage(const std::string& source,
                                                    const std::string& target);

}  // namespace leadrouter::storage
