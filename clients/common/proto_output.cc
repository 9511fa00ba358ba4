#include "clients/common/proto_output.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"

namespace leadrouter::client {

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}\n";
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

absl::string_view ShortName(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == absl::string_view::npos ? name : name.substr(slash + 1);
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

std::string EnumText(absl::string_view value_name, absl::string_view prefix) {
  absl::string_view rest = value_name;
  if (absl::StartsWith(rest, prefix)) rest.remove_prefix(prefix.size());
  return absl::StrReplaceAll(absl::AsciiStrToLower(rest), {{"_", " "}});
}

std::string OutcomeText(v1::Outcome outcome) {
  return EnumText(v1::Outcome_Name(outcome), "OUTCOME_");
}

std::string ChannelText(v1::Channel channel) {
  return EnumText(v1::Channel_Name(channel), "CHANNEL_");
}

std::string RepStatusText(v1::RepStatus status) {
  return EnumText(v1::RepStatus_Name(status), "REP_STATUS_");
}

std::string FormatNumber(double value) {
  std::string text = absl::StrCat(value);  // shortest form that round-trips for common values
  return text;
}

std::string FormatValue(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kNumberValue:
      return FormatNumber(value.number_value());
    case v1::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::Value::kStringListValue:
      return absl::StrCat("[", absl::StrJoin(value.string_list_value().values(), ", "), "]");
    case v1::Value::kTimestampValue:
      return FormatTime(value.timestamp_value());
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return "null";
}

}  // namespace leadrouter::client
