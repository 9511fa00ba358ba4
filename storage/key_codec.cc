#include "storage/key_codec.h"

#include "absl/status/status.h"
#include "dsl/base/status_macros.h"

namespace leadrouter::storage {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedZero = '\xff';
constexpr char kTerminator = '\x01';

void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

absl::Status Truncated(absl::string_view what) {
  return absl::DataLossError(std::string("malformed storage key: truncated ") + std::string(what));
}

}  // namespace

KeyWriter& KeyWriter::Byte(uint8_t value) {
  key_.push_back(static_cast<char>(value));
  return *this;
}

KeyWriter& KeyWriter::U32(uint32_t value) {
  AppendBigEndian(key_, value, 4);
  return *this;
}

KeyWriter& KeyWriter::U64(uint64_t value) {
  AppendBigEndian(key_, value, 8);
  return *this;
}

KeyWriter& KeyWriter::I64(int64_t value) {
  // Flipping the sign bit maps INT64_MIN..INT64_MAX onto 0..UINT64_MAX in order.
  return U64(static_cast<uint64_t>(value) ^ (uint64_t{1} << 63));
}

KeyWriter& KeyWriter::String(absl::string_view value) {
  key_.reserve(key_.size() + value.size() + 2);
  // Zero bytes are rare (names are text): copy the runs between them whole.
  size_t start = 0;
  for (size_t zero = value.find(kEscape); zero != absl::string_view::npos;
       zero = value.find(kEscape, start)) {
    key_.append(value.data() + start, zero - start + 1);
    key_.push_back(kEscapedZero);
    start = zero + 1;
  }
  key_.append(value.data() + start, value.size() - start);
  key_.push_back(kEscape);
  key_.push_back(kTerminator);
  return *this;
}

absl::StatusOr<uint8_t> KeyReader::Byte() {
  if (rest_.empty()) return Truncated("byte");
  const auto value = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return value;
}

absl::StatusOr<uint32_t> KeyReader::U32() {
  if (rest_.size() < 4) return Truncated("32-bit integer");
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(4);
  return value;
}

absl::StatusOr<uint64_t> KeyReader::U64() {
  if (rest_.size() < 8) return Truncated("64-bit integer");
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(8);
  return value;
}

absl::StatusOr<int64_t> KeyReader::I64() {
  ASSIGN_OR_RETURN(uint64_t raw, U64());
  return static_cast<int64_t>(raw ^ (uint64_t{1} << 63));
}

absl::StatusOr<std::string> KeyReader::String() {
  std::string value;
  for (size_t i = 0; i < rest_.size(); ++i) {
    if (rest_[i] != kEscape) {
      value.push_back(rest_[i]);
      continue;
    }
    if (i + 1 >= rest_.size()) break;
    if (rest_[i + 1] == kTerminator) {
      rest_.remove_prefix(i + 2);
      return value;
    }
    if (rest_[i + 1] != kEscapedZero) {
      return absl::DataLossError("malformed storage key: bad escape in string");
    }
    value.push_back(kEscape);
    ++i;
  }
  return Truncated("string");
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (static_cast<uint8_t>(end.back()) != 0xff) {
      end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace leadrouter::storage
