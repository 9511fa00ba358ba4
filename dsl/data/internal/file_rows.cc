#include "dsl/data/internal/file_rows.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "dsl/base/text_util.h"

namespace leadrouter::dsl::data_internal {

absl::Status Where::Error(const std::string& message) const {
  std::string out = absl::StrCat(Piece(file), ":", line, ": ");
  if (!column.empty()) absl::StrAppend(&out, "column \"", Piece(column), "\": ");
  absl::StrAppend(&out, message);
  return absl::InvalidArgumentError(out);
}

std::string Quote(std::string_view text) {
  return absl::StrCat("\"", Piece(text.substr(0, 60)), text.size() > 60 ? "..." : "", "\"");
}

std::optional<double> ParseNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

absl::StatusOr<double> Number(std::string_view text, const Where& where) {
  const std::optional<double> n = ParseNumber(text);
  if (!n) return where.Error(absl::StrCat(Quote(text), " is not a number"));
  return *n;
}

AttributeValue InferValue(const std::string& text) {
  if (const std::optional<double> n = ParseNumber(text)) return *n;
  if (text == "true") return true;
  if (text == "false") return false;
  return text;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    if (error == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    if (error == EACCES)
      return absl::PermissionDeniedError(absl::StrCat(path, ": permission denied"));
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open: ", std::strerror(error)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat(path, ": read error"));
  std::string text = std::move(buffer).str();
  if (text.size() > (size_t{2} << 30))
    return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 2 GiB"));
  return text;
}

}  // namespace leadrouter::dsl::data_internal
