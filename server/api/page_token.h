// Opaque page tokens: where the previous page stopped, bound to the request's filters so that a
// token reused with other filters is INVALID_ARGUMENT (field `page_token`), as docs/api.md says.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/api/errors.h"

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

// The position in `token` as `parse` (std::string -> std::optional<Position>) reads it; nullopt
// for an empty token. INVALID_ARGUMENT (page_token) as DecodePageToken, and for a position
// `parse` refuses.
template <typename Position, typename Parse>
[[nodiscard]] absl::StatusOr<std::optional<Position>> DecodePagePosition(
    absl::string_view token, uint64_t filter_fingerprint, Parse parse) {
  absl::StatusOr<std::string> text = DecodePageToken(token, filter_fingerprint);
  if (!text.ok()) return text.status();
  if (text->empty()) return std::nullopt;
  std::optional<Position> position = parse(*text);
  if (!position.has_value()) return InvalidField("page_token", "not a token this server issued");
  return position;
}

}  // namespace leadrouter::server
