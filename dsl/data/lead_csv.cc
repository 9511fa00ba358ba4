#include "dsl/data/lead_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dsl/data/csv_reader.h"

namespace leadrouter::dsl {
namespace {

bool IsMissing(std::string_view cell) { return cell.empty() || cell == "Select"; }

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

double XEducationQuality(std::string_view lead_quality, double time_on_site, double visits) {
  double judgement = 40;
  if (lead_quality == "High in Relevance") judgement = 100;
  if (lead_quality == "Might be") judgement = 70;
  if (lead_quality == "Not Sure") judgement = 45;
  if (lead_quality == "Low in Relevance") judgement = 25;
  if (lead_quality == "Worst") judgement = 0;
  const double time_score = 100 * std::clamp(time_on_site / 1500.0, 0.0, 1.0);
  const double visit_score = 100 * std::clamp(visits / 10.0, 0.0, 1.0);
  return std::round(0.5 * judgement + 0.3 * time_score + 0.2 * visit_score);
}

std::vector<Attribute> XEducationLead(const std::vector<std::string>& header,
                                      const std::vector<std::string>& fields) {
  std::vector<Attribute> lead;
  const auto cell = [&](std::string_view column) -> std::string_view {
    const auto it = std::find(header.begin(), header.end(), column);
    const auto index = static_cast<size_t>(it - header.begin());
    return index < fields.size() ? std::string_view(fields[index]) : std::string_view();
  };
  const auto text = [&](std::string name, std::string_view column) {
    const std::string_view value = cell(column);
    if (!IsMissing(value)) lead.push_back(Attribute{std::move(name), std::string(value)});
  };
  const auto number = [&](std::string name, std::string_view column) -> std::optional<double> {
    const std::optional<double> value = ParseNumber(cell(column));
    if (value) lead.push_back(Attribute{std::move(name), *value});
    return value;
  };
  text("id", "Prospect ID");
  text("source", "Lead Source");
  text("industry", "Specialization");
  text("region", "City");
  text("city", "City");
  text("country", "Country");
  text("origin", "Lead Origin");
  text("last_activity", "Last Activity");
  text("occupation", "What is your current occupation");
  text("status_tag", "Tags");
  const std::optional<double> visits = number("visits", "TotalVisits");
  const std::optional<double> time_on_site = number("time_on_site", "Total Time Spent on Website");
  if (const std::string_view converted = cell("Converted"); !IsMissing(converted)) {
    lead.push_back(Attribute{"converted", converted == "1"});
  }
  std::string_view judgement = cell("Lead Quality");
  if (IsMissing(judgement)) judgement = {};
  lead.push_back(Attribute{
      "quality", XEducationQuality(judgement, time_on_site.value_or(0), visits.value_or(0))});
  return lead;
}

absl::StatusOr<std::vector<XEducationRow>> ParseXEducationLeads(std::string_view text) {
  CsvReader reader(text);
  std::vector<std::string> header;
  if (!reader.Next(header)) {
    if (!reader.status().ok()) return reader.status();
    return absl::InvalidArgumentError("empty file (expected a header row)");
  }
  std::vector<XEducationRow> rows;
  std::vector<std::string> fields;
  while (reader.Next(fields)) rows.push_back({reader.line(), XEducationLead(header, fields)});
  if (!reader.status().ok()) return reader.status();
  return rows;
}

absl::StatusOr<std::vector<std::vector<Attribute>>> ReadXEducationLeads(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = std::move(buffer).str();
  absl::StatusOr<std::vector<XEducationRow>> rows = ParseXEducationLeads(text);
  if (!rows.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", rows.status().message()));
  }
  std::vector<std::vector<Attribute>> leads;
  leads.reserve(rows->size());
  for (XEducationRow& row : *rows) leads.push_back(std::move(row.attributes));
  return leads;
}

}  // namespace leadrouter::dsl
