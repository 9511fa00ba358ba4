// Responses shown to people (short names, times, outcomes, values) and to programs (JSON).
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/strings/string_view.h"
#include "leadrouter/v1/common.pb.h"
#include "leadrouter/v1/explanation.pb.h"

namespace leadrouter::client {

// The message in the proto3 JSON mapping (lowerCamelCase names, enums by name), indented, ending
// with a newline: what `--format json` prints.
std::string ToJson(const google::protobuf::Message& message);

// The id part of a resource name: "reps/ana" -> "ana", "leads/L1/assignments/0042" -> "0042".
absl::string_view ShortName(absl::string_view name);

// RFC 3339 in UTC to the second, "2026-01-05T09:00:00Z"; "" when unset.
std::string FormatTime(const google::protobuf::Timestamp& time);

// "assigned", "pending review", "unassigned", "already assigned".
std::string OutcomeText(v1::Outcome outcome);
// An enum value name without its prefix, lower case: CHANNEL_PHONE -> "phone",
// UNASSIGNED_REASON_NO_ELIGIBLE_REP -> "no eligible rep".
std::string EnumText(absl::string_view value_name, absl::string_view prefix);
std::string ChannelText(v1::Channel channel);
std::string RepStatusText(v1::RepStatus status);

// "85", "0.5", "\"ads\"" is shown as ads, lists as [a, b], null as "null".
std::string FormatValue(const v1::Value& value);
// A number without a needless ".0": 85 -> "85", 0.25 -> "0.25".
std::string FormatNumber(double value);

}  // namespace leadrouter::client
