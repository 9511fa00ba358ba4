// Request checks shared by the services: resource names, caller-chosen ids, sizes, typed values.
// Every failure is INVALID_ARGUMENT naming the offending field (server/api/errors.h), so bad input
// never reaches the core as UNKNOWN or INTERNAL.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "leadrouter/v1/common.pb.h"

namespace leadrouter::server {

// Caller-chosen ids: 1..128 characters of [A-Za-z0-9._~-], not starting with '.'.
bool IsValidId(absl::string_view id);

// The id of `name` = "<collection>/<id>" (e.g. "leads/acme-1" -> "acme-1"). INVALID_ARGUMENT
// naming `field` when it is empty, has another collection, or a bad id.
[[nodiscard]] absl::StatusOr<std::string> ParseName(absl::string_view name,
                                                    absl::string_view collection,
                                                    absl::string_view field);

// `text` is at most `max_bytes` long (and, when `required`, not empty) and valid UTF-8.
[[nodiscard]] absl::Status CheckText(absl::string_view text, absl::string_view field,
                                     size_t max_bytes, bool required);

// A time the Timestamp type can hold: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, nanos in
// [0, 999999999]. Beyond that the conversions to microseconds overflow.
[[nodiscard]] absl::Status CheckTimestamp(const google::protobuf::Timestamp& time,
                                          absl::string_view field);

// A TimeRange in microseconds since the Unix epoch, [start_us, end_us); an unset end is open.
struct MicrosRange {
  int64_t start_us = std::numeric_limits<int64_t>::min();
  int64_t end_us = std::numeric_limits<int64_t>::max();
};
// `range` as microseconds: each end set must pass CheckTimestamp ("<field>.start_time",
// "<field>.end_time"), and the end may not be before the start.
[[nodiscard]] absl::StatusOr<MicrosRange> CheckTimeRange(const leadrouter::v1::TimeRange& range,
                                                         absl::string_view field);

// Custom attribute keys: [a-z][a-z0-9_]{0,63}.
bool IsValidAttributeKey(absl::string_view key);

// A typed value: strings <= 4096 bytes, finite numbers, lists <= 256 items of <= 1024 bytes.
[[nodiscard]] absl::Status CheckValue(const leadrouter::v1::Value& value, absl::string_view field);

// The input fields of a lead (name, known fields, attributes); `field` prefixes the paths, e.g.
// "lead" or "items[3].lead".
[[nodiscard]] absl::Status CheckLead(const leadrouter::v1::Lead& lead, absl::string_view field);

// The input fields of a rep.
[[nodiscard]] absl::Status CheckRep(const leadrouter::v1::Rep& rep, absl::string_view field);

// Paths of a lead update mask: the known input fields, `attributes` or `attributes.<key>`.
[[nodiscard]] absl::Status CheckLeadMask(const google::protobuf::FieldMask& mask,
                                         absl::string_view field);
// Paths of a rep update mask.
[[nodiscard]] absl::Status CheckRepMask(const google::protobuf::FieldMask& mask,
                                        absl::string_view field);

// The page size to use: 0 -> `default_size`, above `max_size` -> `max_size`, negative ->
// INVALID_ARGUMENT.
[[nodiscard]] absl::StatusOr<int> PageSize(int32_t requested, int default_size, int max_size,
                                           absl::string_view field = "page_size");

// The channel's lower-case name as the rule language spells it ("phone"); empty for UNSPECIFIED.
std::string ChannelName(leadrouter::v1::Channel channel);
// The built-in channel a name spells ("phone"); nullopt for any other name (a configured channel).
std::optional<leadrouter::v1::Channel> ChannelFromName(absl::string_view name);

}  // namespace leadrouter::server
