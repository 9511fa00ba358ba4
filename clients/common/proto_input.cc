#include "clients/common/proto_input.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "dsl/base/status_macros.h"

namespace leadrouter::client {
namespace {

std::string WithPrefix(absl::string_view prefix, absl::string_view id_or_name) {
  if (absl::StartsWith(id_or_name, prefix)) return std::string(id_or_name);
  return absl::StrCat(prefix, id_or_name);
}

absl::StatusOr<int32_t> WholeNumber(double value, absl::string_view what, int64_t max) {
  if (!std::isfinite(value) || value != std::floor(value) || value < 0 ||
      value > static_cast<double>(max)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", value, " is not a whole number in [0, ", max, "]"));
  }
  return static_cast<int32_t>(value);
}

google::protobuf::Timestamp TimestampOf(int64_t seconds) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  return timestamp;
}

const std::string* StringOf(const dsl::AttributeValue& value) {
  return std::get_if<std::string>(&value);
}

// Leads are decoded with the dataset readers; their error messages name the file and line.
absl::StatusOr<std::vector<v1::Lead>> LeadsFromRows(const std::vector<dsl::LeadRow>& rows) {
  std::vector<v1::Lead> leads;
  for (const dsl::LeadRow& row : rows) {
    ASSIGN_OR_RETURN(v1::Lead lead, LeadFromRow(row));
    leads.push_back(std::move(lead));
  }
  return leads;
}

std::string CsvCell(absl::string_view text) {
  std::string cell = "\"";
  for (const char c : text) {
    if (c == '"') cell += '"';
    cell += c;
  }
  cell += '"';
  return cell;
}

}  // namespace

std::string LeadName(absl::string_view id_or_name) { return WithPrefix("leads/", id_or_name); }
std::string RepName(absl::string_view id_or_name) { return WithPrefix("reps/", id_or_name); }
std::string VersionName(int64_t version) { return absl::StrCat("rules/versions/", version); }

absl::StatusOr<int64_t> ParseVersion(absl::string_view text) {
  absl::string_view digits = text;
  if (absl::StartsWith(digits, "rules/versions/")) digits.remove_prefix(15);
  if (absl::StartsWith(digits, "v")) digits.remove_prefix(1);
  int64_t version = 0;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &version) || version < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a rule version (1, 2, ... or rules/versions/N)"));
  }
  return version;
}

absl::StatusOr<v1::Channel> ParseChannel(absl::string_view text) {
  std::string upper = absl::AsciiStrToUpper(text);
  if (!absl::StartsWith(upper, "CHANNEL_")) upper = absl::StrCat("CHANNEL_", upper);
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  if (upper == "CHANNEL_UNSPECIFIED" || !v1::Channel_Parse(upper, &channel)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a channel (phone, email, sms, wechat, social, im or visit)"));
  }
  return channel;
}

absl::StatusOr<v1::RepStatus> ParseRepStatus(absl::string_view text) {
  std::string upper = absl::AsciiStrToUpper(text);
  if (!absl::StartsWith(upper, "REP_STATUS_")) upper = absl::StrCat("REP_STATUS_", upper);
  v1::RepStatus status = v1::REP_STATUS_UNSPECIFIED;
  if (upper == "REP_STATUS_UNSPECIFIED" || !v1::RepStatus_Parse(upper, &status)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a rep status (active, away or off)"));
  }
  return status;
}

absl::StatusOr<v1::Value> ValueFromAttribute(const dsl::AttributeValue& value) {
  v1::Value out;
  if (const auto* b = std::get_if<bool>(&value)) {
    out.set_bool_value(*b);
  } else if (const auto* d = std::get_if<double>(&value)) {
    out.set_number_value(*d);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    out.set_string_value(*s);
  } else if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
    for (const std::string& item : *list) out.mutable_string_list_value()->add_values(item);
  } else if (const auto* duration = std::get_if<dsl::DurationSeconds>(&value)) {
    out.set_number_value(static_cast<double>(duration->seconds));
  } else if (const auto* at = std::get_if<dsl::TimestampSeconds>(&value)) {
    *out.mutable_timestamp_value() = TimestampOf(at->seconds);
  } else if (std::holds_alternative<dsl::SkillMap>(value)) {
    return absl::InvalidArgumentError("a skill map is not an attribute value");
  }
  return out;  // monostate: null
}

absl::StatusOr<v1::Lead> LeadFromRow(const dsl::LeadRow& row) {
  if (row.id.empty() || absl::StartsWith(row.id, "#")) {
    return absl::InvalidArgumentError(
        absl::StrCat("the lead on line ", row.line, " has no id (give it an `id` field, or --id)"));
  }
  v1::Lead lead;
  lead.set_name(LeadName(row.id));
  for (const dsl::Attribute& attribute : row.attributes) {
    const std::string& name = attribute.name;
    const std::string* text = StringOf(attribute.value);
    const auto* number = std::get_if<double>(&attribute.value);
    const std::string where = absl::StrCat("lead ", row.id, ": field ", name);
    if (name == "id" || name == "score" ||
        std::holds_alternative<std::monostate>(attribute.value)) {
      continue;
    } else if (name == "source" && text != nullptr) {
      lead.set_source(*text);
    } else if (name == "region" && text != nullptr) {
      lead.set_region(*text);
    } else if (name == "industry" && text != nullptr) {
      lead.set_industry(*text);
    } else if (name == "account" && text != nullptr) {
      lead.set_account(*text);
    } else if (name == "quality" && number != nullptr) {
      lead.set_quality(*number);
    } else if (name == "value" && number != nullptr) {
      lead.set_value(*number);
    } else if (name == "created_at") {
      const auto* at = std::get_if<dsl::TimestampSeconds>(&attribute.value);
      if (at == nullptr) return absl::InvalidArgumentError(absl::StrCat(where, ": not a time"));
      *lead.mutable_create_time() = TimestampOf(at->seconds);
    } else if (name == "channel" && text != nullptr) {
      absl::StatusOr<v1::Channel> channel = ParseChannel(*text);
      if (!channel.ok())
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", channel.status().message()));
      lead.set_preferred_channel(*channel);
    } else {
      absl::StatusOr<v1::Value> value = ValueFromAttribute(attribute.value);
      if (!value.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", value.status().message()));
      }
      (*lead.mutable_attributes())[name] = *std::move(value);
    }
  }
  return lead;
}

absl::StatusOr<std::vector<v1::Lead>> ReadLeads(const std::string& path) {
  const std::string lower = absl::AsciiStrToLower(path);
  if (!absl::EndsWith(lower, ".json")) {
    ASSIGN_OR_RETURN(std::vector<dsl::LeadRow> rows, dsl::ReadLeadsFile(path, absl::UTCTimeZone()));
    return LeadsFromRows(rows);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json json =
      nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    return absl::InvalidArgumentError(absl::StrCat(path, ": not valid JSON"));
  // The dataset reader takes JSON Lines: one compact object per line.
  std::string lines;
  if (json.is_object()) {
    lines = json.dump();
  } else if (json.is_array()) {
    for (const nlohmann::json& item : json) {
      if (!item.is_object()) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": expected an array of objects"));
      }
      absl::StrAppend(&lines, item.dump(), "\n");
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected a lead object or an array of them"));
  }
  ASSIGN_OR_RETURN(
      std::vector<dsl::LeadRow> rows,
      dsl::ParseLeads(lines, dsl::DatasetFormat::kJsonLines, path, absl::UTCTimeZone()));
  return LeadsFromRows(rows);
}

absl::StatusOr<NameValue> SplitAssignment(absl::string_view text) {
  const size_t separator = text.find_first_of("=:");
  if (separator == absl::string_view::npos || separator == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not name=value (e.g. quality=85)"));
  }
  return NameValue{std::string(text.substr(0, separator)), std::string(text.substr(separator + 1))};
}

absl::StatusOr<v1::Lead> LeadFromFields(const std::vector<std::string>& fields,
                                        absl::string_view id) {
  // A one-row CSV file, so that flags are typed and checked exactly like CSV cells.
  std::vector<std::string> header;
  std::vector<std::string> row;
  if (!id.empty()) {
    header.push_back(CsvCell("id"));
    row.push_back(CsvCell(id));
  }
  for (const std::string& field : fields) {
    ASSIGN_OR_RETURN(const NameValue assignment, SplitAssignment(field));
    if (assignment.name == "id" && !id.empty()) {
      return absl::InvalidArgumentError("the lead id is given twice (--id and --field id=...)");
    }
    header.push_back(CsvCell(assignment.name));
    row.push_back(CsvCell(assignment.value));
  }
  const std::string text =
      absl::StrCat(absl::StrJoin(header, ","), "\n", absl::StrJoin(row, ","), "\n");
  ASSIGN_OR_RETURN(std::vector<dsl::LeadRow> rows,
                   dsl::ParseLeads(text, dsl::DatasetFormat::kCsv, "--field", absl::UTCTimeZone()));
  if (rows.size() != 1) return absl::InvalidArgumentError("--field: expected one lead");
  return LeadFromRow(rows.front());
}

absl::StatusOr<v1::Rep> RepFromInfo(const dsl::RepInfo& info) {
  v1::Rep rep;
  rep.set_name(RepName(info.id));
  if (!info.name.empty()) rep.set_display_name(info.name);
  rep.set_team(info.team);
  switch (info.status) {
    case dsl::RepStatus::kActive:
      rep.set_status(v1::REP_STATUS_ACTIVE);
      break;
    case dsl::RepStatus::kAway:
      rep.set_status(v1::REP_STATUS_AWAY);
      break;
    case dsl::RepStatus::kOff:
      rep.set_status(v1::REP_STATUS_OFF);
      break;
  }
  const std::string who = absl::StrCat("rep ", info.id);
  if (info.daily_cap.has_value()) {
    ASSIGN_OR_RETURN(int32_t cap, WholeNumber(static_cast<double>(*info.daily_cap),
                                              absl::StrCat(who, ": daily_cap"), 100000));
    rep.set_daily_cap(cap);
  }
  if (info.max_open.has_value()) {
    ASSIGN_OR_RETURN(int32_t cap, WholeNumber(static_cast<double>(*info.max_open),
                                              absl::StrCat(who, ": max_open"), 1000000));
    rep.set_max_open(cap);
  }
  for (const dsl::Attribute& attribute : info.attributes) {
    const std::string& name = attribute.name;
    const std::string where = absl::StrCat(who, ": ", name);
    if (std::holds_alternative<std::monostate>(attribute.value)) continue;
    if (name == "level") {
      const auto* level = std::get_if<double>(&attribute.value);
      if (level == nullptr)
        return absl::InvalidArgumentError(absl::StrCat(where, ": not a number"));
      ASSIGN_OR_RETURN(int32_t whole, WholeNumber(*level, where, 100));
      rep.set_level(whole);
    } else if (name == "region" && StringOf(attribute.value) != nullptr) {
      rep.set_region(*StringOf(attribute.value));
    } else if (name == "skills") {
      const auto* skills = std::get_if<dsl::SkillMap>(&attribute.value);
      if (skills == nullptr)
        return absl::InvalidArgumentError(absl::StrCat(where, ": not a skill map"));
      for (const auto& [skill, level] : *skills) {
        ASSIGN_OR_RETURN(int32_t whole, WholeNumber(level, absl::StrCat(where, ".", skill), 100));
        (*rep.mutable_skills())[skill] = whole;
      }
    } else if (name == "tags" || name == "channels") {
      const auto* items = std::get_if<std::vector<std::string>>(&attribute.value);
      if (items == nullptr) return absl::InvalidArgumentError(absl::StrCat(where, ": not a list"));
      for (const std::string& item : *items) {
        if (name == "tags") {
          rep.add_tags(item);
          continue;
        }
        absl::StatusOr<v1::Channel> channel = ParseChannel(item);
        if (!channel.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": ", channel.status().message()));
        }
        rep.add_channels(*channel);
      }
    } else {
      absl::StatusOr<v1::Value> value = ValueFromAttribute(attribute.value);
      if (!value.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", value.status().message()));
      }
      (*rep.mutable_attributes())[name] = *std::move(value);
    }
  }
  return rep;
}

}  // namespace leadrouter::client
