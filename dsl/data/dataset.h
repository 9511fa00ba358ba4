// Rosters and leads from files: text -> RepInfo / lead attributes. Parse* read text in memory;
// Read*File open and read the file itself (leadrouterd its --reps file, `leadctl dry-run` its
// inputs, the server's end-to-end tests the examples).
//
// Two formats, chosen by extension: `.csv` (RFC 4180, a header row naming the columns) and
// `.jsonl` (one JSON object per line; blank lines skipped). docs/decision.md lists the columns.
//
// Reps: id (required), name, team, status (active | away | off; default active), level, region,
//   skills (`tech:4;sales:2`, or a JSON object), tags and channels (`a;b`, or a JSON array),
//   daily_cap, max_open (whole numbers >= 0; empty: none). Any other column is a custom attribute.
// Leads: id (default: `#<row>`), created_at (RFC 3339, local `YYYY-MM-DD HH:MM[:SS]` in the given
//   zone, or Unix seconds), source, quality, value, score (numbers), region, industry, channel,
//   account, company, country, city, email, phone. Any other column is a custom attribute.
// Custom CSV cells are typed by their text: a number, `true` / `false`, otherwise a string. An
// empty cell (or JSON null) is a missing value: the attribute is left out and rules see null.
//
// A CSV file whose header has `Prospect ID` is the X Education export
// (examples/data/leads-x-education.csv) and is mapped by dsl/data/lead_csv.h (XEducationLead).
//
// Errors are InvalidArgument naming `file:line` and the column, e.g.
// `reps.csv:7: column "level": "high" is not a number`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dsl/base/record.h"
#include "dsl/decision/lead_row.h"
#include "dsl/decision/roster.h"

namespace leadrouter::dsl {

enum class DatasetFormat : uint8_t { kCsv, kJsonLines };

// `.csv` or `.jsonl` (case-insensitive); InvalidArgument for anything else.
[[nodiscard]] absl::StatusOr<DatasetFormat> DatasetFormatForPath(std::string_view path);

// `file_name` only labels errors.
[[nodiscard]] absl::StatusOr<std::vector<RepInfo>> ParseReps(std::string_view text,
                                                             DatasetFormat format,
                                                             std::string_view file_name);
[[nodiscard]] absl::StatusOr<std::vector<LeadRow>> ParseLeads(std::string_view text,
                                                              DatasetFormat format,
                                                              std::string_view file_name,
                                                              const absl::TimeZone& zone);

// Reads `path` (at most 2 GiB) and parses it by its extension. NotFound / PermissionDenied when it
// cannot be opened.
[[nodiscard]] absl::StatusOr<std::vector<RepInfo>> ReadRepsFile(const std::string& path);
[[nodiscard]] absl::StatusOr<std::vector<LeadRow>> ReadLeadsFile(const std::string& path,
                                                                 const absl::TimeZone& zone);

}  // namespace leadrouter::dsl
