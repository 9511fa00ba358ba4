// String helpers that work with std::string_view (Debian's Abseil has its own absl::string_view,
// so absl::StrCat does not accept std::string_view).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadrouter::dsl {

// 64-bit FNV-1a of `text`; stable across processes and versions (content hashes of rule files,
// state keys of anonymous rules, tie-breaks by rep id).
constexpr uint64_t StableHash(std::string_view text) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

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
