#include "dsl/lead_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/status/status.h"

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

absl::StatusOr<CsvTable> ParseCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string cell;
  bool quoted = false;
  bool any = false;  // the current record has content
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        cell.push_back(c);
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        quoted = true;
        any = true;
        break;
      case ',':
        record.push_back(std::move(cell));
        cell.clear();
        any = true;
        break;
      case '\r':
        break;  // CRLF: the LF ends the record
      case '\n':
        if (any || !cell.empty()) {
          record.push_back(std::move(cell));
          records.push_back(std::move(record));
        }
        cell.clear();
        record.clear();
        any = false;
        break;
      default:
        cell.push_back(c);
        any = true;
    }
  }
  if (quoted) return absl::InvalidArgumentError("CSV: a quoted cell is not terminated");
  if (any || !cell.empty()) {
    record.push_back(std::move(cell));
    records.push_back(std::move(record));
  }
  if (records.empty()) return absl::InvalidArgumentError("CSV: no header line");
  CsvTable table;
  table.header = std::move(records.front());
  for (size_t r = 1; r < records.size(); ++r) {
    records[r].resize(table.header.size());
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

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

std::vector<Attribute> XEducationLead(const CsvTable& table, size_t row) {
  std::vector<Attribute> lead;
  if (row >= table.rows.size()) return lead;
  const std::vector<std::string>& cells = table.rows[row];
  const auto cell = [&](std::string_view column) -> std::string_view {
    const auto it = std::find(table.header.begin(), table.header.end(), column);
    if (it == table.header.end()) return {};
    return cells[static_cast<size_t>(it - table.header.begin())];
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

absl::StatusOr<std::vector<std::vector<Attribute>>> ReadXEducationLeads(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<CsvTable> table = ParseCsv(text.str());
  if (!table.ok()) return table.status();
  std::vector<std::vector<Attribute>> leads;
  leads.reserve(table->rows.size());
  for (size_t row = 0; row < table->rows.size(); ++row)
    leads.push_back(XEducationLead(*table, row));
  return leads;
}

}  // namespace leadrouter::dsl
