#include "server/api/dsl_binding.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/api/validation.h"

namespace leadrouter::server {
namespace {

using leadrouter::v1::Rep;
using leadrouter::v1::Value;

dsl::AttributeValue FromValue(const Value& value) {
  switch (value.kind_case()) {
    case Value::kStringValue:
      return value.string_value();
    case Value::kNumberValue:
      return value.number_value();
    case Value::kBoolValue:
      return value.bool_value();
    case Value::kStringListValue:
      return std::vector<std::string>(value.string_list_value().values().begin(),
                                      value.string_list_value().values().end());
    case Value::kTimestampValue:
      return dsl::TimestampSeconds{value.timestamp_value().seconds()};
    case Value::KIND_NOT_SET:
      break;
  }
  return std::monostate();
}

// The proto Value of a roster-file attribute; false when the API has no such type.
bool ToValue(const dsl::AttributeValue& attribute, Value& out) {
  if (const auto* b = std::get_if<bool>(&attribute)) {
    out.set_bool_value(*b);
  } else if (const auto* d = std::get_if<double>(&attribute)) {
    if (!std::isfinite(*d)) return false;
    out.set_number_value(*d);
  } else if (const auto* s = std::get_if<std::string>(&attribute)) {
    out.set_string_value(*s);
  } else if (const auto* list = std::get_if<std::vector<std::string>>(&attribute)) {
    for (const std::string& item : *list) out.mutable_string_list_value()->add_values(item);
  } else if (const auto* t = std::get_if<dsl::TimestampSeconds>(&attribute)) {
    out.mutable_timestamp_value()->set_seconds(t->seconds);
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::string LeadName(absl::string_view id) { return absl::StrCat("leads/", id); }
std::string RepName(absl::string_view id) { return absl::StrCat("reps/", id); }

std::string IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

std::vector<dsl::Attribute> LeadAttributes(const leadrouter::v1::Lead& lead) {
  std::vector<dsl::Attribute> attributes;
  attributes.reserve(10 + lead.attributes_size());
  attributes.push_back({"id", IdOf(lead.name())});
  attributes.push_back({"source", lead.source()});
  if (lead.has_quality()) attributes.push_back({"quality", lead.quality()});
  if (lead.has_value()) attributes.push_back({"value", lead.value()});
  attributes.push_back({"region", lead.region()});
  attributes.push_back({"industry", lead.industry()});
  if (lead.has_create_time()) {
    attributes.push_back({"created_at", dsl::TimestampSeconds{lead.create_time().seconds()}});
  }
  if (lead.preferred_channel() != leadrouter::v1::CHANNEL_UNSPECIFIED) {
    attributes.push_back({"channel", ChannelName(lead.preferred_channel())});
  }
  if (!lead.account().empty()) attributes.push_back({"account", lead.account()});
  if (lead.has_score()) attributes.push_back({"score", lead.score()});
  for (const auto& [key, value] : lead.attributes()) {
    attributes.push_back({key, FromValue(value)});
  }
  return attributes;
}

dsl::RepInfo ToRepInfo(const Rep& rep) {
  dsl::RepInfo info;
  info.id = IdOf(rep.name());
  info.name = rep.display_name();
  info.team = rep.team();
  switch (rep.status()) {
    case leadrouter::v1::REP_STATUS_AWAY:
      info.status = dsl::RepStatus::kAway;
      break;
    case leadrouter::v1::REP_STATUS_OFF:
      info.status = dsl::RepStatus::kOff;
      break;
    default:
      info.status = dsl::RepStatus::kActive;
  }
  if (rep.has_daily_cap()) info.daily_cap = rep.daily_cap();
  if (rep.has_max_open()) info.max_open = rep.max_open();
  info.attributes.push_back({"level", static_cast<double>(rep.level())});
  info.attributes.push_back({"region", rep.region()});
  dsl::SkillMap skills;
  for (const auto& [skill, level] : rep.skills()) skills.emplace_back(skill, level);
  std::sort(skills.begin(), skills.end());
  info.attributes.push_back({"skills", std::move(skills)});
  info.attributes.push_back(
      {"tags", std::vector<std::string>(rep.tags().begin(), rep.tags().end())});
  std::vector<std::string> channels;
  for (const int channel : rep.channels()) {
    channels.push_back(ChannelName(static_cast<leadrouter::v1::Channel>(channel)));
  }
  info.attributes.push_back({"channels", std::move(channels)});
  for (const auto& [key, value] : rep.attributes()) {
    info.attributes.push_back({key, FromValue(value)});
  }
  return info;
}

Rep FromRepInfo(const dsl::RepInfo& info) {
  Rep rep;
  rep.set_name(RepName(info.id));
  rep.set_display_name(info.name);
  rep.set_team(info.team);
  switch (info.status) {
    case dsl::RepStatus::kActive:
      rep.set_status(leadrouter::v1::REP_STATUS_ACTIVE);
      break;
    case dsl::RepStatus::kAway:
      rep.set_status(leadrouter::v1::REP_STATUS_AWAY);
      break;
    case dsl::RepStatus::kOff:
      rep.set_status(leadrouter::v1::REP_STATUS_OFF);
      break;
  }
  if (info.daily_cap) rep.set_daily_cap(static_cast<int32_t>(*info.daily_cap));
  if (info.max_open) rep.set_max_open(static_cast<int32_t>(*info.max_open));
  for (const dsl::Attribute& attribute : info.attributes) {
    const dsl::AttributeValue& value = attribute.value;
    if (attribute.name == "level") {
      if (const auto* d = std::get_if<double>(&value)) rep.set_level(static_cast<int32_t>(*d));
    } else if (attribute.name == "region") {
      if (const auto* s = std::get_if<std::string>(&value)) rep.set_region(*s);
    } else if (attribute.name == "skills") {
      if (const auto* skills = std::get_if<dsl::SkillMap>(&value)) {
        for (const auto& [skill, level] : *skills) {
          (*rep.mutable_skills())[skill] = static_cast<int32_t>(level);
        }
      }
    } else if (attribute.name == "tags") {
      if (const auto* tags = std::get_if<std::vector<std::string>>(&value)) {
        for (const std::string& tag : *tags) rep.add_tags(tag);
      }
    } else if (attribute.name == "channels") {
      if (const auto* channels = std::get_if<std::vector<std::string>>(&value)) {
        for (const std::string& channel : *channels) {
          if (auto parsed = ChannelFromName(channel)) rep.add_channels(*parsed);
        }
      }
    } else if (!std::holds_alternative<std::monostate>(value)) {
      Value converted;
      if (ToValue(value, converted)) (*rep.mutable_attributes())[attribute.name] = converted;
    }
  }
  return rep;
}

}  // namespace leadrouter::server
