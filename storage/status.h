// The one place where RocksDB's Status becomes ours.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace leadrouter::storage {

// Maps a rocksdb::Status to an absl::Status, prefixing the message with `context` (what we were
// doing, e.g. "open ./data"). NotFound maps to kNotFound: callers that treat absence as data check
// for it explicitly. A full disk (IOError NoSpace) is kUnavailable with a message that says so.
[[nodiscard]] absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context);

}  // namespace leadrouter::storage
