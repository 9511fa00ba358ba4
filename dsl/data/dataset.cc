#include "dsl/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"
#include "dsl/data/csv_reader.h"
#include "dsl/data/internal/file_rows.h"
#include "dsl/data/lead_csv.h"
#include "dsl/decision/periods.h"

namespace leadrouter::dsl {
namespace {

using Json = nlohmann::json;
using data_internal::ForEachCsvRow;
using data_internal::InferValue;
using data_internal::Number;
using data_internal::ParseNumber;
using data_internal::Quote;
using data_internal::ReadWholeFile;
using data_internal::Where;

absl::StatusOr<int64_t> Count(std::string_view text, const Where& where) {
  ASSIGN_OR_RETURN(const double n, Number(text, where));
  if (n < 0 || n != std::floor(n) || n > 1e15) {
    return where.Error(absl::StrCat(Quote(text), " is not a whole number >= 0"));
  }
  return static_cast<int64_t>(n);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(";|", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    start = end + 1;
  }
  return items;
}

absl::StatusOr<SkillMap> ParseSkills(std::string_view text, const Where& where) {
  SkillMap skills;
  for (const std::string& item : SplitList(text)) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos || colon == 0) {
      return where.Error(
          absl::StrCat("skill ", Quote(item), " is not name:level (e.g. tech:4;sales:2)"));
    }
    ASSIGN_OR_RETURN(const double level, Number(std::string_view(item).substr(colon + 1), where));
    skills.emplace_back(item.substr(0, colon), level);
  }
  return skills;
}

// JSON scalars as the text a CSV cell would hold, for known fields.
std::optional<std::string> ScalarText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return absl::StrCat(value.get<int64_t>());
  if (value.is_number_unsigned()) return absl::StrCat(value.get<uint64_t>());
  // 17 significant digits read back as the same double, whatever the cell's column makes of it.
  if (value.is_number_float()) return absl::StrFormat("%.17g", value.get<double>());
  return std::nullopt;
}

absl::StatusOr<std::vector<std::string>> JsonStringList(const Json& value, const Where& where) {
  if (value.is_string()) return SplitList(value.get<std::string>());
  if (!value.is_array()) return where.Error("expected a list of strings");
  std::vector<std::string> items;
  for (const Json& item : value) {
    if (!item.is_string()) return where.Error("expected a list of strings");
    items.push_back(item.get<std::string>());
  }
  return items;
}

absl::StatusOr<AttributeValue> JsonCustomValue(const Json& value, const Where& where) {
  if (value.is_string()) return AttributeValue(value.get<std::string>());
  if (value.is_boolean()) return AttributeValue(value.get<bool>());
  if (value.is_number()) {
    const double d = value.get<double>();
    if (!std::isfinite(d)) return where.Error("not a finite number");
    return AttributeValue(d);
  }
  if (value.is_array()) {
    ASSIGN_OR_RETURN(std::vector<std::string> items, JsonStringList(value, where));
    return AttributeValue(std::move(items));
  }
  return where.Error("nested objects are not supported");
}

// ---------------------------------------------------------------------------------------------
// Reps

absl::Status SetRepText(RepInfo& rep, std::string_view column, const std::string& text,
                        const Where& where) {
  if (text.empty()) return absl::OkStatus();
  if (column == "id") {
    rep.id = text;
  } else if (column == "name") {
    rep.name = text;
  } else if (column == "team") {
    rep.team = text;
  } else if (column == "status") {
    const std::optional<RepStatus> status = ParseRepStatus(text);
    if (!status)
      return where.Error(absl::StrCat(Quote(text), " is not a status (active, away or off)"));
    rep.status = *status;
  } else if (column == "daily_cap") {
    ASSIGN_OR_RETURN(rep.daily_cap, Count(text, where));
  } else if (column == "max_open") {
    ASSIGN_OR_RETURN(rep.max_open, Count(text, where));
  } else if (column == "level") {
    ASSIGN_OR_RETURN(const double level, Number(text, where));
    rep.attributes.push_back({"level", level});
  } else if (column == "skills") {
    ASSIGN_OR_RETURN(SkillMap skills, ParseSkills(text, where));
    rep.attributes.push_back({"skills", std::move(skills)});
  } else if (column == "tags" || column == "channels") {
    rep.attributes.push_back({std::string(column), SplitList(text)});
  } else if (column == "region") {
    rep.attributes.push_back({"region", text});
  } else {
    rep.attributes.push_back({std::string(column), InferValue(text)});
  }
  return absl::OkStatus();
}

bool IsRepTextColumn(std::string_view column) {
  static constexpr std::string_view kKnown[] = {"id",        "name",     "team",  "status",
                                                "daily_cap", "max_open", "level", "region"};
  return std::find(std::begin(kKnown), std::end(kKnown), column) != std::end(kKnown);
}

absl::Status SetRepJson(RepInfo& rep, const std::string& column, const Json& value,
                        const Where& where) {
  if (value.is_null()) return absl::OkStatus();
  if (column == "skills" && value.is_object()) {
    SkillMap skills;
    for (const auto& [name, level] : value.items()) {
      if (!level.is_number())
        return where.Error(absl::StrCat("skill \"", name, "\" has no numeric level"));
      skills.emplace_back(name, level.get<double>());
    }
    rep.attributes.push_back({"skills", std::move(skills)});
    return absl::OkStatus();
  }
  if ((column == "tags" || column == "channels") && value.is_array()) {
    ASSIGN_OR_RETURN(std::vector<std::string> items, JsonStringList(value, where));
    rep.attributes.push_back({column, std::move(items)});
    return absl::OkStatus();
  }
  if (IsRepTextColumn(column) || column == "skills" || column == "tags" || column == "channels") {
    const std::optional<std::string> text = ScalarText(value);
    if (!text) return where.Error("expected a string or a number");
    return SetRepText(rep, column, *text, where);
  }
  ASSIGN_OR_RETURN(AttributeValue custom, JsonCustomValue(value, where));
  rep.attributes.push_back({column, std::move(custom)});
  return absl::OkStatus();
}

absl::Status CheckRep(const RepInfo& rep, const Where& where) {
  if (rep.id.empty()) return where.Error("the rep has no id");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Leads

bool IsLeadNumber(std::string_view column) {
  return column == "quality" || column == "value" || column == "score";
}

absl::Status SetLeadText(LeadRow& lead, std::string_view column, const std::string& text,
                         const Where& where, const absl::TimeZone& zone) {
  if (text.empty()) return absl::OkStatus();
  if (column == "id") {
    lead.id = text;
    lead.attributes.push_back({"id", text});
  } else if (column == "created_at") {
    absl::StatusOr<int64_t> at = ParseInstant(text, zone);
    if (!at.ok()) return where.Error(std::string(at.status().message()));
    lead.created_at = *at;
    lead.attributes.push_back({"created_at", TimestampSeconds{*at}});
  } else if (IsLeadNumber(column)) {
    ASSIGN_OR_RETURN(const double n, Number(text, where));
    lead.attributes.push_back({std::string(column), n});
  } else if (FieldTable(RecordKind::kLead).IsKnown(column)) {
    lead.attributes.push_back({std::string(column), text});
  } else {
    lead.attributes.push_back({std::string(column), InferValue(text)});
  }
  return absl::OkStatus();
}

absl::Status SetLeadJson(LeadRow& lead, const std::string& column, const Json& value,
                         const Where& where, const absl::TimeZone& zone) {
  if (value.is_null()) return absl::OkStatus();
  if (FieldTable(RecordKind::kLead).IsKnown(column)) {
    const std::optional<std::string> text = ScalarText(value);
    if (!text) return where.Error("expected a string or a number");
    if (!IsLeadNumber(column) && column != "created_at" && column != "id" && !value.is_string()) {
      return where.Error("expected a string");
    }
    return SetLeadText(lead, column, *text, where, zone);
  }
  ASSIGN_OR_RETURN(AttributeValue custom, JsonCustomValue(value, where));
  lead.attributes.push_back({column, std::move(custom)});
  return absl::OkStatus();
}

void DefaultLeadId(LeadRow& lead, size_t row) {
  if (!lead.id.empty()) return;
  lead.id = absl::StrCat("#", row);
  lead.attributes.push_back({"id", lead.id});
}

// ---------------------------------------------------------------------------------------------
// Files

// Calls `row(object, line, index)` for each non-blank line of a JSON Lines text.
template <typename RowFn>
absl::Status ForEachJsonLine(std::string_view text, std::string_view file, RowFn row) {
  uint32_t line = 0;
  size_t index = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (line == 1 && content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Json object = Json::parse(content, nullptr, /*allow_exceptions=*/false);
    const Where where{file, line, ""};
    if (object.is_discarded()) return where.Error("not valid JSON");
    if (!object.is_object()) return where.Error("expected a JSON object");
    RETURN_IF_ERROR(row(object, line, ++index));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<LeadRow>> ParseXEducation(std::string_view text, std::string_view file) {
  absl::StatusOr<std::vector<XEducationRow>> rows = ParseXEducationLeads(text);
  if (!rows.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(Piece(file), ": ", rows.status().message()));
  }
  std::vector<LeadRow> leads;
  leads.reserve(rows->size());
  for (size_t r = 0; r < rows->size(); ++r) {
    LeadRow lead;
    lead.attributes = std::move((*rows)[r].attributes);
    lead.line = (*rows)[r].line;
    for (const Attribute& a : lead.attributes) {
      if (a.name == "id") {
        if (const auto* id = std::get_if<std::string>(&a.value)) lead.id = *id;
      }
    }
    DefaultLeadId(lead, r + 1);
    leads.push_back(std::move(lead));
  }
  return leads;
}

}  // namespace

absl::StatusOr<DatasetFormat> DatasetFormatForPath(std::string_view path) {
  std::string lower(path);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.ends_with(".csv")) return DatasetFormat::kCsv;
  if (lower.ends_with(".jsonl")) return DatasetFormat::kJsonLines;
  return absl::InvalidArgumentError(std::string(path) +
                                    ": unknown format (expected a .csv or .jsonl file)");
}

absl::StatusOr<std::vector<RepInfo>> ParseReps(std::string_view text, DatasetFormat format,
                                               std::string_view file_name) {
  std::vector<RepInfo> reps;
  const auto csv_row = [&](const std::vector<std::string>& header,
                           const std::vector<std::string>& fields, uint32_t line,
                           size_t) -> absl::Status {
    RepInfo rep;
    for (size_t i = 0; i < header.size(); ++i) {
      const absl::Status status =
          SetRepText(rep, header[i], fields[i], Where{file_name, line, header[i]});
      if (!status.ok()) return status;
    }
    const absl::Status status = CheckRep(rep, Where{file_name, line, ""});
    if (status.ok()) reps.push_back(std::move(rep));
    return status;
  };
  const auto json_row = [&](const Json& object, uint32_t line, size_t) -> absl::Status {
    RepInfo rep;
    for (const auto& [key, value] : object.items()) {
      const absl::Status status = SetRepJson(rep, key, value, Where{file_name, line, key});
      if (!status.ok()) return status;
    }
    const absl::Status status = CheckRep(rep, Where{file_name, line, ""});
    if (status.ok()) reps.push_back(std::move(rep));
    return status;
  };
  if (format == DatasetFormat::kCsv) {
    RETURN_IF_ERROR(ForEachCsvRow(text, file_name, csv_row));
  } else {
    RETURN_IF_ERROR(ForEachJsonLine(text, file_name, json_row));
  }
  std::vector<std::string_view> ids;
  for (const RepInfo& rep : reps) ids.push_back(rep.id);
  std::sort(ids.begin(), ids.end());
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] == ids[i - 1]) {
      return absl::InvalidArgumentError(
          absl::StrCat(Piece(file_name), ": rep id \"", Piece(ids[i]), "\" appears twice"));
    }
  }
  return reps;
}

absl::StatusOr<std::vector<LeadRow>> ParseLeads(std::string_view text, DatasetFormat format,
                                                std::string_view file_name,
                                                const absl::TimeZone& zone) {
  std::vector<LeadRow> leads;
  const auto csv_row = [&](const std::vector<std::string>& header,
                           const std::vector<std::string>& fields, uint32_t line,
                           size_t index) -> absl::Status {
    LeadRow lead;
    lead.line = line;
    for (size_t i = 0; i < header.size(); ++i) {
      const absl::Status status =
          SetLeadText(lead, header[i], fields[i], Where{file_name, line, header[i]}, zone);
      if (!status.ok()) return status;
    }
    DefaultLeadId(lead, index);
    leads.push_back(std::move(lead));
    return absl::OkStatus();
  };
  const auto json_row = [&](const Json& object, uint32_t line, size_t index) -> absl::Status {
    LeadRow lead;
    lead.line = line;
    for (const auto& [key, value] : object.items()) {
      const absl::Status status = SetLeadJson(lead, key, value, Where{file_name, line, key}, zone);
      if (!status.ok()) return status;
    }
    DefaultLeadId(lead, index);
    leads.push_back(std::move(lead));
    return absl::OkStatus();
  };
  if (format == DatasetFormat::kCsv) {
    {  // The X Education export has its own columns.
      CsvReader probe(text);
      std::vector<std::string> header;
      if (probe.Next(header) &&
          std::find(header.begin(), header.end(), "Prospect ID") != header.end()) {
        return ParseXEducation(text, file_name);
      }
    }
    RETURN_IF_ERROR(ForEachCsvRow(text, file_name, csv_row));
  } else {
    RETURN_IF_ERROR(ForEachJsonLine(text, file_name, json_row));
  }
  return leads;
}

absl::StatusOr<std::vector<RepInfo>> ReadRepsFile(const std::string& path) {
  ASSIGN_OR_RETURN(const DatasetFormat format, DatasetFormatForPath(path));
  ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  return ParseReps(text, format, path);
}

absl::StatusOr<std::vector<LeadRow>> ReadLeadsFile(const std::string& path,
                                                   const absl::TimeZone& zone) {
  ASSIGN_OR_RETURN(const DatasetFormat format, DatasetFormatForPath(path));
  ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  return ParseLeads(text, format, path, zone);
}

}  // namespace leadrouter::dsl
