#include "server/api/validation.h"

#include <google/protobuf/util/time_util.h>

#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "dsl/base/schema.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/utf8.h"
#include "server/api/errors.h"
#include "server/api/plan_proto.h"

namespace leadrouter::server {
namespace {

using leadrouter::v1::Lead;
using leadrouter::v1::Rep;
using leadrouter::v1::Value;

// Lead fields 2..10 and the names rules reach as known lead fields: a custom attribute must not
// shadow any of them.
const std::set<std::string, std::less<>>& KnownLeadFields() {
  static const auto* const fields = new std::set<std::string, std::less<>>{
      "id",         "name",        "source",  "quality",           "value",   "region", "industry",
      "created_at", "create_time", "channel", "preferred_channel", "account", "score",  "owner",
      "state",      "pin"};
  return *fields;
}

// The rep fields of the schema (dsl/base/schema.cc, one list for the rules and the API) and the
// API's own names for them (`display_name`) or beside them (`load`).
const std::set<std::string, std::less<>>& KnownRepFields() {
  static const auto* const fields = [] {
    auto* known = new std::set<std::string, std::less<>>{"display_name", "load"};
    const dsl::FieldTable schema(dsl::RecordKind::kRep);
    for (const dsl::FieldInfo& field : schema.fields()) {
      known->insert(field.name);
    }
    return known;
  }();
  return *fields;
}

absl::Status CheckAttributes(const google::protobuf::Map<std::string, Value>& attributes,
                             const std::set<std::string, std::less<>>& known,
                             absl::string_view field) {
  if (attributes.size() > 64) {
    return InvalidField(field, absl::StrCat("at most 64 entries, got ", attributes.size()));
  }
  for (const auto& [key, value] : attributes) {
    const std::string path = absl::StrCat(field, ".", key);
    if (!IsValidAttributeKey(key)) {
      return InvalidField(path, "key must match [a-z][a-z0-9_]{0,63}");
    }
    if (known.contains(key)) {
      return InvalidField(path, "is a known field; set the field itself, not an attribute");
    }
    RETURN_IF_ERROR(CheckValue(value, path));
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalNumber(bool has, double value, absl::string_view field, double min,
                                 double max) {
  if (!has) return absl::OkStatus();
  if (!std::isfinite(value) || value < min || value > max) {
    return InvalidField(field, absl::StrCat("must be in [", min, ", ", max, "], got ", value));
  }
  return absl::OkStatus();
}

absl::Status CheckMaskPaths(const google::protobuf::FieldMask& mask,
                            const std::set<std::string, std::less<>>& plain,
                            const std::set<std::string, std::less<>>& maps,
                            absl::string_view field) {
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (plain.contains(path) || maps.contains(path)) continue;
    const size_t dot = path.find('.');
    if (dot != std::string::npos && maps.contains(path.substr(0, dot)) &&
        IsValidAttributeKey(path.substr(dot + 1))) {
      continue;
    }
    return InvalidField(absl::StrCat(field, ".paths[", i, "]"),
                        absl::StrCat("unknown field path \"", path, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') return false;
  for (const char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '~' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view collection,
                                      absl::string_view field) {
  if (name.empty()) return InvalidField(field, absl::StrCat("required, e.g. ", collection, "/x"));
  const std::string prefix = absl::StrCat(collection, "/");
  if (!absl::StartsWith(name, prefix)) {
    return InvalidField(
        field, absl::StrCat("must be ", collection, "/{id}, got \"", name.substr(0, 200), "\""));
  }
  const absl::string_view id = name.substr(prefix.size());
  if (!IsValidId(id)) {
    return InvalidField(field, absl::StrCat("id must be 1..128 characters of [A-Za-z0-9._~-] not "
                                            "starting with '.', got \"",
                                            id.substr(0, 200), "\""));
  }
  return std::string(id);
}

absl::Status CheckText(absl::string_view text, absl::string_view field, size_t max_bytes,
                       bool required) {
  if (required && text.empty()) return InvalidField(field, "required");
  if (text.size() > max_bytes) {
    return InvalidField(field, absl::StrCat("at most ", max_bytes, " bytes, got ", text.size()));
  }
  const std::string_view bytes(text.data(), text.size());
  if (const size_t at = dsl::utf8::FirstInvalid(bytes); at != std::string_view::npos) {
    return InvalidField(
        field, absl::StrCat("not valid UTF-8 (", dsl::utf8::DescribeInvalidAt(bytes, at), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(const google::protobuf::Timestamp& time, absl::string_view field) {
  using google::protobuf::util::TimeUtil;
  if (time.seconds() < TimeUtil::kTimestampMinSeconds ||
      time.seconds() > TimeUtil::kTimestampMaxSeconds) {
    return InvalidField(field, absl::StrCat("must be between 0001-01-01 and 9999-12-31, got ",
                                            time.seconds(), " seconds"));
  }
  if (time.nanos() < 0 || time.nanos() > 999999999) {
    return InvalidField(field, absl::StrCat("nanos must be in [0, 999999999], got ", time.nanos()));
  }
  return absl::OkStatus();
}

absl::StatusOr<MicrosRange> CheckTimeRange(const leadrouter::v1::TimeRange& range,
                                           absl::string_view field) {
  using google::protobuf::util::TimeUtil;
  MicrosRange micros;
  if (range.has_start_time()) {
    const std::string start = absl::StrCat(field, ".start_time");
    RETURN_IF_ERROR(CheckTimestamp(range.start_time(), start));
    micros.start_us = TimeUtil::TimestampToMicroseconds(range.start_time());
  }
  if (range.has_end_time()) {
    const std::string end = absl::StrCat(field, ".end_time");
    RETURN_IF_ERROR(CheckTimestamp(range.end_time(), end));
    micros.end_us = TimeUtil::TimestampToMicroseconds(range.end_time());
    if (micros.end_us < micros.start_us) return InvalidField(end, "is before start_time");
  }
  return micros;
}

bool IsValidAttributeKey(absl::string_view key) {
  if (key.empty() || key.size() > 64 || !absl::ascii_islower(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  for (const char c : key) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

absl::Status CheckValue(const Value& value, absl::string_view field) {
  switch (value.kind_case()) {
    case Value::kStringValue:
      return CheckText(value.string_value(), field, 4096, false);
    case Value::kNumberValue:
      if (!std::isfinite(value.number_value())) {
        return InvalidField(field, "must be a finite number");
      }
      return absl::OkStatus();
    case Value::kStringListValue: {
      const auto& items = value.string_list_value().values();
      if (items.size() > 256) {
        return InvalidField(field, absl::StrCat("at most 256 items, got ", items.size()));
      }
      for (int i = 0; i < items.size(); ++i) {
        RETURN_IF_ERROR(CheckText(items[i], absl::StrCat(field, "[", i, "]"), 1024, false));
      }
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status CheckLead(const Lead& lead, absl::string_view field) {
  RETURN_IF_ERROR(ParseName(lead.name(), "leads", absl::StrCat(field, ".name")).status());
  const auto text = [&](const std::string& value, absl::string_view name) {
    return CheckText(value, absl::StrCat(field, ".", name), 128, false);
  };
  for (auto [value, name] : {std::pair<const std::string*, const char*>{&lead.source(), "source"},
                             {&lead.region(), "region"},
                             {&lead.industry(), "industry"},
                             {&lead.account(), "account"}}) {
    RETURN_IF_ERROR(text(*value, name));
  }
  RETURN_IF_ERROR(CheckOptionalNumber(lead.has_quality(), lead.quality(),
                                      absl::StrCat(field, ".quality"), 0, 100));
  RETURN_IF_ERROR(
      CheckOptionalNumber(lead.has_value(), lead.value(), absl::StrCat(field, ".value"), 0, 1e18));
  RETURN_IF_ERROR(
      CheckOptionalNumber(lead.has_score(), lead.score(), absl::StrCat(field, ".score"), 0, 1));
  if (lead.has_create_time()) {
    RETURN_IF_ERROR(CheckTimestamp(lead.create_time(), absl::StrCat(field, ".create_time")));
  }
  if (!leadrouter::v1::Channel_IsValid(lead.preferred_channel())) {
    return InvalidField(absl::StrCat(field, ".preferred_channel"), "unknown channel");
  }
  return CheckAttributes(lead.attributes(), KnownLeadFields(), absl::StrCat(field, ".attributes"));
}

absl::Status CheckRep(const Rep& rep, absl::string_view field) {
  RETURN_IF_ERROR(ParseName(rep.name(), "reps", absl::StrCat(field, ".name")).status());
  RETURN_IF_ERROR(CheckText(rep.display_name(), absl::StrCat(field, ".display_name"), 256, false));
  for (auto [value, name] : {std::pair<const std::string*, const char*>{&rep.team(), "team"},
                             {&rep.region(), "region"}}) {
    RETURN_IF_ERROR(CheckText(*value, absl::StrCat(field, ".", name), 128, false));
  }
  if (rep.level() < 0 || rep.level() > 100) {
    return InvalidField(absl::StrCat(field, ".level"),
                        absl::StrCat("must be in [0, 100], got ", rep.level()));
  }
  if (rep.skills_size() > 64) {
    return InvalidField(absl::StrCat(field, ".skills"), "at most 64 entries");
  }
  for (const auto& [skill, level] : rep.skills()) {
    const std::string path = absl::StrCat(field, ".skills.", skill);
    if (!IsValidAttributeKey(skill)) return InvalidField(path, "must match [a-z][a-z0-9_]{0,63}");
    if (level < 1 || level > 100) {
      return InvalidField(path, absl::StrCat("level must be in [1, 100], got ", level));
    }
  }
  if (rep.tags_size() > 64) return InvalidField(absl::StrCat(field, ".tags"), "at most 64 tags");
  for (int i = 0; i < rep.tags_size(); ++i) {
    const std::string& tag = rep.tags(i);
    bool ok =
        !tag.empty() && tag.size() <= 64 && absl::ascii_islower(static_cast<unsigned char>(tag[0]));
    for (const char c : tag) {
      ok = ok && (absl::ascii_islower(static_cast<unsigned char>(c)) ||
                  absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    }
    if (!ok) {
      return InvalidField(absl::StrCat(field, ".tags[", i, "]"),
                          "must match [a-z][a-z0-9_-]{0,63}");
    }
  }
  std::set<int> channels;
  for (int i = 0; i < rep.channels_size(); ++i) {
    const int channel = rep.channels(i);
    const std::string path = absl::StrCat(field, ".channels[", i, "]");
    if (channel == leadrouter::v1::CHANNEL_UNSPECIFIED ||
        !leadrouter::v1::Channel_IsValid(channel)) {
      return InvalidField(path, "unknown channel");
    }
    if (!channels.insert(channel).second) return InvalidField(path, "duplicate channel");
  }
  if (!leadrouter::v1::RepStatus_IsValid(rep.status())) {
    return InvalidField(absl::StrCat(field, ".status"), "unknown status");
  }
  if (rep.has_daily_cap() && (rep.daily_cap() < 0 || rep.daily_cap() > 100000)) {
    return InvalidField(absl::StrCat(field, ".daily_cap"),
                        absl::StrCat("must be in [0, 100000], got ", rep.daily_cap()));
  }
  if (rep.has_max_open() && (rep.max_open() < 0 || rep.max_open() > 1000000)) {
    return InvalidField(absl::StrCat(field, ".max_open"),
                        absl::StrCat("must be in [0, 1000000], got ", rep.max_open()));
  }
  if (rep.has_schedule()) {
    RETURN_IF_ERROR(
        FromWorkScheduleProto(rep.schedule(), absl::StrCat(field, ".schedule")).status());
  }
  return CheckAttributes(rep.attributes(), KnownRepFields(), absl::StrCat(field, ".attributes"));
}

absl::Status CheckLeadMask(const google::protobuf::FieldMask& mask, absl::string_view field) {
  static const auto* const plain = new std::set<std::string, std::less<>>{
      "source",      "quality",           "value",   "region", "industry",
      "create_time", "preferred_channel", "account", "score"};
  static const auto* const maps = new std::set<std::string, std::less<>>{"attributes"};
  return CheckMaskPaths(mask, *plain, *maps, field);
}

absl::Status CheckRepMask(const google::protobuf::FieldMask& mask, absl::string_view field) {
  static const auto* const plain = new std::set<std::string, std::less<>>{
      "display_name", "team",   "level",     "region",   "tags",
      "channels",     "status", "daily_cap", "max_open", "schedule"};
  static const auto* const maps = new std::set<std::string, std::less<>>{"skills", "attributes"};
  return CheckMaskPaths(mask, *plain, *maps, field);
}

absl::StatusOr<int> PageSize(int32_t requested, int default_size, int max_size,
                             absl::string_view field) {
  if (requested < 0) return InvalidField(field, absl::StrCat("must be >= 0, got ", requested));
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : static_cast<int>(requested);
}

std::string ChannelName(leadrouter::v1::Channel channel) {
  if (channel == leadrouter::v1::CHANNEL_UNSPECIFIED) return "";
  std::string name = leadrouter::v1::Channel_Name(channel);
  return absl::AsciiStrToLower(absl::StripPrefix(name, "CHANNEL_"));
}

std::optional<leadrouter::v1::Channel> ChannelFromName(absl::string_view name) {
  leadrouter::v1::Channel channel;
  if (!leadrouter::v1::Channel_Parse(absl::StrCat("CHANNEL_", absl::AsciiStrToUpper(name)),
                                     &channel) ||
      channel == leadrouter::v1::CHANNEL_UNSPECIFIED) {
    return std::nullopt;
  }
  return channel;
}

}  // namespace leadrouter::server
