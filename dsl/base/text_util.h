// String helpers for dsl/: Piece() for absl::StrCat, compile-time text (FixedText, AppendList),
// StableHash and ReplaceAll. Strings are built with absl::StrCat / absl::StrAppend, and
// absl::StrFormat where a width or precision is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace leadrouter::dsl {

// absl::StrCat and absl::StrAppend take absl::string_view, which in Debian's Abseil is a type of
// its own (ABSL_OPTION_USE_STD_STRING_VIEW is 0), not std::string_view: pass a std::string_view to
// them through Piece(). std::string, literals and numbers go as they are.
inline absl::string_view Piece(std::string_view text) { return {text.data(), text.size()}; }

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

// Text composed at compile time, for messages built from the vocabulary tables
// (dsl/base/vocabulary.h): `inline constexpr auto kHint = [] { FixedText<128> t; ...; return t;
// }();` then `kHint.view()` is a constant. Appending past `Capacity` fails the constant evaluation.
template <size_t Capacity>
class FixedText {
 public:
  constexpr FixedText() = default;
  constexpr explicit FixedText(std::string_view text) { Append(text); }

  template <typename... Parts>
  constexpr FixedText& Append(const Parts&... parts) {
    (AppendOne(std::string_view(parts)), ...);
    return *this;
  }
  constexpr std::string_view view() const { return {chars_, size_}; }

 private:
  constexpr void AppendOne(std::string_view text) {
    for (const char c : text) chars_[size_++] = c;
  }

  char chars_[Capacity] = {};
  size_t size_ = 0;
};

// Appends every item of `items` through `write(out, item)`, separated by ", " and, before the last,
// by `last_separator` (", " for a plain list, " or " for "a, b or c").
template <typename Text, typename Items, typename Write>
constexpr void AppendList(Text& out, const Items& items, std::string_view last_separator,
                          Write write) {
  const size_t n = std::size(items);
  size_t i = 0;
  for (const auto& item : items) {
    if (i > 0) out.Append(i + 1 == n ? last_separator : std::string_view(", "));
    write(out, item);
    ++i;
  }
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
