// A streaming RFC 4180 reader that knows where each record starts, for inputs whose errors must
// name file:line (rosters and leads of `leadctl dry-run`, the server's example loaders, the
// benchmark's leads).
//
// Fields are separated by commas; a field may be quoted with `"`, and a quoted field may hold
// commas, newlines and `""` (one quote). Records end with LF or CRLF; a UTF-8 BOM is skipped; blank
// lines are skipped. The one CSV reader of the language: rosters, leads and the X Education export
// (dsl/data/lead_csv.h) are all read with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace leadrouter::dsl {

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text);

  // Reads the next record into `fields` (reusing its strings). False at the end of the input or on
  // an error (then status() is not OK).
  bool Next(std::vector<std::string>& fields);

  // The 1-based line on which the last record read starts.
  uint32_t line() const { return record_line_; }

  // InvalidArgument "line N: ..." for an unterminated quote or text after a closing quote.
  const absl::Status& status() const { return status_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  uint32_t current_line_ = 1;
  uint32_t record_line_ = 0;
  absl::Status status_;
};

}  // namespace leadrouter::dsl
