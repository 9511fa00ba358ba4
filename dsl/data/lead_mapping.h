// A lead mapping: how the columns of someone else's CSV export become lead fields, written in a
// small TOML file instead of code, so that `leadctl import` (online), `leadctl dry-run` (offline)
// and backtests read a file the same way. examples/x-education.mapping.toml is the X Education
// export's mapping (the same leads as dsl/data/lead_csv.h); docs/leadctl.md#mapping-files
// describes the format:
//
//   missing = ["", "Select"]          # cells that mean "no value", for every column
//   [fields]
//   id = "Prospect ID"                # a text field straight from a column
//   visits = { column = "TotalVisits", type = "number" }
//   converted = { column = "Converted", values = { "1" = true, "0" = false } }
//   [fields.quality]                  # computed: round(sum of weight * points)
//   round = true
//   score = [
//     { weight = 0.5, column = "Lead Quality", points = { "High in Relevance" = 100 }, otherwise =
//     40 }, { weight = 0.3, column = "Total Time Spent on Website", scale = [0, 1500] },
//   ]
//
// A field's value: a missing cell (listed in `missing`) leaves the field out; a cell listed in
// `values` takes the value given there (a string, number or boolean); any other cell is converted
// by `type` (text, number, bool, time, auto), and a cell that does not convert is an error naming
// the file, line and column. A score term gives `points[cell]` (or `otherwise` when the cell is
// missing or not listed), or with `scale = [low, high]` the cell's number mapped linearly onto
// 0..100 and clamped (`otherwise`, default 0, when missing).
//
// Errors in the mapping file are InvalidArgument `file:line:column: message`; a mapping that names
// a column the data file lacks is InvalidArgument naming both. Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dsl/base/record.h"
#include "dsl/decision/lead_row.h"

namespace leadrouter::dsl {

// How a cell's text becomes a value when `values` does not list it.
enum class CellType : uint8_t {
  kText,    // the text itself (default)
  kNumber,  // a finite number
  kBool,    // true / false (any case)
  kTime,    // RFC 3339, `YYYY-MM-DD HH:MM[:SS]` in the reader's zone, or Unix seconds
  kAuto,    // a number, true / false, otherwise text (as custom CSV columns are typed)
};

// One term of a computed score: weight * points.
struct ScoreTerm {
  double weight = 1;
  std::string column;
  // cell -> points; used when `scale` is not set.
  std::vector<std::pair<std::string, double>> points;
  // [low, high]: 100 * clamp((x - low) / (high - low), 0, 1).
  std::optional<std::pair<double, double>> scale;
  // Points for a missing cell, an unlisted cell, or (with scale) a cell that is not a number.
  double otherwise = 0;
};

struct FieldMapping {
  std::string name;    // the lead field: id, created_at, quality, source, ..., or a custom name
  std::string column;  // the source column; empty for a computed score
  CellType type = CellType::kText;
  std::vector<std::pair<std::string, AttributeValue>> values;  // cell -> value
  std::optional<std::vector<std::string>> missing;             // overrides LeadMapping::missing
  std::vector<ScoreTerm> score;                                // not empty: a computed field
  bool round = false;  // round the score half away from zero
};

struct LeadMapping {
  // Cells that mean "no value" in every column. Default: the empty cell.
  std::vector<std::string> missing = {""};
  // In name order. A lead with no `id` field gets `#<row>`.
  std::vector<FieldMapping> fields;
};

// Parses a mapping file's text; `file_name` labels errors.
[[nodiscard]] absl::StatusOr<LeadMapping> ParseLeadMapping(std::string_view toml_text,
                                                           std::string_view file_name);
[[nodiscard]] absl::StatusOr<LeadMapping> ReadLeadMappingFile(const std::string& path);

// Maps every record of a CSV text (RFC 4180, header row) to a LeadRow.
[[nodiscard]] absl::StatusOr<std::vector<LeadRow>> MapLeads(const LeadMapping& mapping,
                                                            std::string_view csv_text,
                                                            std::string_view file_name,
                                                            const absl::TimeZone& zone);
// Reads `path` (a .csv file, at most 2 GiB) and maps it.
[[nodiscard]] absl::StatusOr<std::vector<LeadRow>> ReadMappedLeadsFile(const std::string& path,
                                                                       const LeadMapping& mapping,
                                                                       const absl::TimeZone& zone);

// The one way leadctl's commands (dry-run, import, backtest) read a lead file: with a mapping file
// when `mapping_path` is not empty, else by dataset.h's columns (ReadLeadsFile).
[[nodiscard]] absl::StatusOr<std::vector<LeadRow>> ReadLeadsWithMapping(
    const std::string& path, const std::string& mapping_path, const absl::TimeZone& zone);

}  // namespace leadrouter::dsl
