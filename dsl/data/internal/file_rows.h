// What the file readers of dsl/data share: error locations, number parsing, CSV rows with a
// checked header, whole-file reads. Private to dsl/data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/record.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"
#include "dsl/data/csv_reader.h"

namespace leadrouter::dsl::data_internal {

// Where a value came from, for error messages: `file:line: column "x": `.
struct Where {
  std::string_view file;
  uint32_t line = 0;
  std::string_view column;

  absl::Status Error(const std::string& message) const;
};

// `"text"`, cut at 60 bytes.
std::string Quote(std::string_view text);

// A finite number, surrounding spaces and a leading `+` allowed; nullopt otherwise.
std::optional<double> ParseNumber(std::string_view text);
// ParseNumber, or InvalidArgument `where: "x" is not a number`.
absl::StatusOr<double> Number(std::string_view text, const Where& where);

// A custom CSV cell, typed by its text: a number, `true` / `false`, otherwise the text.
AttributeValue InferValue(const std::string& text);

// Reads `path` whole (at most 2 GiB). NotFound / PermissionDenied when it cannot be opened.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Calls `row(header, fields, line)` for each CSV record after the header.
template <typename RowFn>
absl::Status ForEachCsvRow(std::string_view text, std::string_view file, RowFn row) {
  CsvReader reader(text);
  std::vector<std::string> header;
  if (!reader.Next(header)) {
    if (!reader.status().ok()) {
      return absl::InvalidArgumentError(absl::StrCat(Piece(file), ":", reader.status().message()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(Piece(file), ": empty file (expected a header row)"));
  }
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) {
      return Where{file, reader.line(), ""}.Error(
          absl::StrCat("column ", i + 1, " of the header has no name"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (header[j] == header[i]) return Where{file, reader.line(), header[i]}.Error("repeated");
    }
  }
  std::vector<std::string> fields;
  size_t index = 0;
  while (reader.Next(fields)) {
    if (fields.size() != header.size()) {
      return Where{file, reader.line(), ""}.Error(
          absl::StrCat(fields.size(), " fields, the header has ", header.size()));
    }
    RETURN_IF_ERROR(row(header, fields, reader.line(), ++index));
  }
  if (!reader.status().ok()) {
    return absl::InvalidArgumentError(absl::StrCat(Piece(file), ":", reader.status().message()));
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::dsl::data_internal
