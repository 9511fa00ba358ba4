// What the merges of an update_mask share (leads: server/assign/lead_fields.cc, reps:
// server/reps/rep_registry.cc).
#pragma once

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace leadrouter::server {

// For a mask path "{map}.{key}": the entry `key` of `from` copied onto `to`, or erased from `to`
// when `from` has none. Any other path changes nothing.
template <typename Map>
void MergeMapEntry(absl::string_view path, absl::string_view map, const Map& from, Map& to) {
  const std::string prefix = absl::StrCat(map, ".");
  if (!absl::StartsWith(path, prefix)) return;
  const std::string key(path.substr(prefix.size()));
  const auto it = from.find(key);
  if (it == from.end()) {
    to.erase(key);
  } else {
    to[key] = it->second;
  }
}

}  // namespace leadrouter::server
