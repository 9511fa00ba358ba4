// String helpers that work with std::string_view (Debian's Abseil has its own absl::string_view,
// so absl::StrCat does not accept std::string_view).
#pragma once

#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadrouter::dsl {

// Concatenates anything fmt can format: Concat("line ", 3, ": ", name).
template <typename... Args>
std::string Concat(const Args&... args) {
  std::string out;
  (fmt::format_to(std::back_inserter(out), "{}", args), ...);
  return out;
}

// Replaces every occurrence of each `from` by its `to`, scanning `text` once, left to right.
inline std::string ReplaceAll(
    std::string_view text, const std::vector<std::pair<std::string_view, std::string_view>>& map) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [from, to] : map) {
      if (!from.empty() && text.substr(i, from.size()) == from) {
        out.append(to);
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(text[i++]);
  }
  return out;
}

}  // namespace leadrouter::dsl
