#include "storage/value_codec.h"

#include "absl/strings/str_cat.h"
#include "storage/key_codec.h"

namespace leadrouter::storage {
namespace {

absl::Status BadFormat(absl::string_view bytes, uint8_t expected, absl::string_view what) {
  if (bytes.empty()) return absl::DataLossError(absl::StrCat("stored ", what, " is empty"));
  return absl::DataLossError(absl::StrCat("stored ", what, " has value format ",
                                          static_cast<uint8_t>(bytes[0]), ", expected ", expected));
}

}  // namespace

std::string EncodeProto(const google::protobuf::MessageLite& message) {
  std::string out(1, static_cast<char>(kValueFormatProto));
  message.AppendToString(&out);
  return out;
}

absl::Status DecodeProto(absl::string_view bytes, google::protobuf::MessageLite& message,
                         absl::string_view what) {
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kValueFormatProto) {
    return BadFormat(bytes, kValueFormatProto, what);
  }
  bytes.remove_prefix(1);
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("stored ", what, " does not parse as ", message.GetTypeName()));
  }
  return absl::OkStatus();
}

std::string EncodeInteger(uint64_t value) {
  KeyWriter writer;
  writer.Byte(kValueFormatInteger).U64(value);
  return std::move(writer).key();
}

absl::StatusOr<uint64_t> DecodeInteger(absl::string_view bytes, absl::string_view what) {
  if (bytes.size() != 9 || static_cast<uint8_t>(bytes[0]) != kValueFormatInteger) {
    if (bytes.size() != 9 && !bytes.empty() &&
        static_cast<uint8_t>(bytes[0]) == kValueFormatInteger) {
      return absl::DataLossError(
          absl::StrCat("stored ", what, " has ", bytes.size(), " bytes, expected 9"));
    }
    return BadFormat(bytes, kValueFormatInteger, what);
  }
  KeyReader reader(bytes.substr(1));
  return reader.U64();
}

}  // namespace leadrouter::storage
