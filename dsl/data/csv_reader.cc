#include "dsl/data/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace leadrouter::dsl {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool CsvReader::Next(std::vector<std::string>& fields) {
  if (!status_.ok()) return false;
  // Skip blank lines (LF or CRLF).
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++current_line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = current_line_;
  size_t count = 0;
  const auto field = [&]() -> std::string& {
    if (count == fields.size()) fields.emplace_back();
    std::string& f = fields[count++];
    f.clear();
    return f;
  };
  std::string* cell = &field();
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '"' && cell->empty()) {
      // A quoted field: up to the closing quote, `""` being one quote.
      const uint32_t opened = current_line_;
      ++pos_;
      bool closed = false;
      while (pos_ < text_.size()) {
        const char q = text_[pos_++];
        if (q == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            cell->push_back('"');
            ++pos_;
            continue;
          }
          closed = true;
          break;
        }
        if (q == '\n') ++current_line_;
        cell->push_back(q);
      }
      if (!closed) {
        status_ = absl::InvalidArgumentError(
            absl::StrCat("line ", opened, ": a quoted field is not closed"));
        return false;
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
          !(text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'))) {
        status_ = absl::InvalidArgumentError(
            absl::StrCat("line ", current_line_, ": text after a closing quote"));
        return false;
      }
      continue;
    }
    ++pos_;
    if (c == ',') {
      cell = &field();
    } else if (c == '\n') {
      ++current_line_;
      break;
    } else if (c == '\r' && (pos_ == text_.size() || text_[pos_] == '\n')) {
      continue;  // the CR of CRLF
    } else {
      cell->push_back(c);
    }
  }
  fields.resize(count);
  return true;
}

}  // namespace leadrouter::dsl
