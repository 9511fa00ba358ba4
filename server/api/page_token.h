// Opaque page tokens: where the previous page stopped, bound to the request's filters so that a
// token reused with other filters is INVALID_ARGUMENT (field `page_token`), as docs/api.md says.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace leadrouter::server {

// A fingerprint of `request`'s type and of its fields but the paging ones (`page_token`,
// `page_size`): what a token is bound to, so a token works only with the list and the filters
// that issued it.
uint64_t FilterFingerprint(const google::protobuf::Message& request);

std::string EncodePageToken(absl::string_view position, uint64_t filter_fingerprint);

// The position stored in `token`; empty for an empty token. INVALID_ARGUMENT (page_token) for a
// token that does not parse or was made for other filters.
[[nodiscard]] absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                                          uint64_t filter_fingerprint);

}  // namespace leadrouter::server
