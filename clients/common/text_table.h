// Plain-text tables for people: a header row, columns left-aligned and separated by two spaces,
// the last column not padded (so no line ends in spaces). Widths count UTF-8 code points.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace leadrouter::client {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);

  // Missing cells are empty; extra cells are dropped.
  void AddRow(std::vector<std::string> row);
  size_t rows() const { return rows_.size(); }

  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// `key  value` lines with the keys padded to one width; pairs with an empty value are left out.
std::string RenderKeyValues(const std::vector<std::pair<std::string, std::string>>& pairs);

// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or newline.
std::string CsvField(const std::string& text);

}  // namespace leadrouter::client
