// Order-preserving key encoding: composite keys whose bytewise order is the order of their parts.
//
// Every RocksDB key of leadrouter is a sequence of parts written with KeyWriter and read back with
// KeyReader:
// - unsigned integers as big-endian fixed width, so 2 < 10 bytewise as numerically;
// - signed integers (times in microseconds) with the sign bit flipped, so negatives sort first;
// - strings escaped and terminated: each 0x00 byte becomes 0x00 0xFF and the string ends with
//   0x00 0x01. The encoding is prefix-free, so ("a", 2) sorts before ("ab", 1) and a string part
//   never runs into the part after it; and it keeps bytewise order ("a" < "a\0" < "ab").
//
// A key is a value type (std::string); nothing here allocates beyond that string.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace leadrouter::storage {

class KeyWriter {
 public:
  KeyWriter() = default;
  // Continues a key whose first parts are already encoded (`prefix`, from another KeyWriter).
  explicit KeyWriter(std::string prefix) : key_(std::move(prefix)) {}

  KeyWriter& Byte(uint8_t value);
  KeyWriter& U32(uint32_t value);
  KeyWriter& U64(uint64_t value);
  KeyWriter& I64(int64_t value);
  KeyWriter& String(absl::string_view value);

  const std::string& key() const& { return key_; }
  std::string key() && { return std::move(key_); }

 private:
  std::string key_;
};

// Reads the parts of a key in the order they were written. Every method fails with DATA_LOSS on a
// truncated or malformed key (a key written by another schema, or corruption), never crashes.
class KeyReader {
 public:
  // The reader only views `key`: the string must outlive the reader (a named reader over a
  // temporary string reads freed memory).
  explicit KeyReader(absl::string_view key) : rest_(key) {}

  [[nodiscard]] absl::StatusOr<uint8_t> Byte();
  [[nodiscard]] absl::StatusOr<uint32_t> U32();
  [[nodiscard]] absl::StatusOr<uint64_t> U64();
  [[nodiscard]] absl::StatusOr<int64_t> I64();
  [[nodiscard]] absl::StatusOr<std::string> String();

  bool done() const { return rest_.empty(); }
  absl::string_view rest() const { return rest_; }

 private:
  absl::string_view rest_;
};

// The smallest key greater than every key starting with `prefix`: the exclusive upper bound of a
// prefix scan. Empty when no such key exists (prefix is all 0xFF bytes), meaning "no bound".
std::string PrefixEnd(absl::string_view prefix);

}  // namespace leadrouter::storage
