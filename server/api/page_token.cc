#include "server/api/page_token.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dsl/decision/roster.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/api/errors.h"

namespace leadrouter::server {

uint64_t FilterFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const google::protobuf::Descriptor* descriptor = copy->GetDescriptor();
  for (const char* name : {"page_token", "page_size"}) {
    if (const auto* field = descriptor->FindFieldByName(name)) {
      copy->GetReflection()->ClearField(copy.get(), field);
    }
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  // The message's type is part of it: a token of one list is refused by another even when
  // neither has a filter set (both would serialize to nothing).
  return dsl::StableHash(absl::StrCat(descriptor->full_name(), "\n", bytes));
}

std::string EncodePageToken(absl::string_view position, uint64_t filter_fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrCat(filter_fingerprint, ":", position));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t filter_fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  uint64_t fingerprint = 0;
  const size_t colon = absl::WebSafeBase64Unescape(token, &raw) ? raw.find(':') : std::string::npos;
  if (colon == std::string::npos || !absl::SimpleAtoi(raw.substr(0, colon), &fingerprint)) {
    return InvalidField("page_token", "not a token this server issued");
  }
  if (fingerprint != filter_fingerprint) {
    return InvalidField("page_token", "was issued for other filters; pass every field unchanged");
  }
  return raw.substr(colon + 1);
}

}  // namespace leadrouter::server
