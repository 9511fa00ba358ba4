// Value encoding: one format byte, then the payload.
//
// The leading byte names the encoding of the rest, so a future layout can change how values are
// written without guessing at old bytes; protobuf payloads add and retire fields without a
// migration. A value with an unknown format byte is DATA_LOSS, never a crash.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"

namespace leadrouter::storage {

// A serialized protobuf message.
inline constexpr uint8_t kValueFormatProto = 1;
// A big-endian fixed-width unsigned integer (metadata, sequences).
inline constexpr uint8_t kValueFormatInteger = 2;

std::string EncodeProto(const google::protobuf::MessageLite& message);
// `what` names the value in the error message, e.g. "lead acme-1".
[[nodiscard]] absl::Status DecodeProto(absl::string_view bytes,
                                       google::protobuf::MessageLite& message,
                                       absl::string_view what);

std::string EncodeInteger(uint64_t value);
[[nodiscard]] absl::StatusOr<uint64_t> DecodeInteger(absl::string_view bytes,
                                                     absl::string_view what);

}  // namespace leadrouter::storage
