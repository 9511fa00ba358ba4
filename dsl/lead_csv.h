// Leads from CSV files: a small RFC 4180 reader, and the mapping of the public X Education lead
// export (examples/data/leads-x-education.csv) to lead attributes. Used by the evaluation
// benchmark, and meant for dry runs and server tests that need realistic leads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/record.h"

namespace leadrouter::dsl {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header (padded / truncated)
};

// Comma-separated, `"` quotes with `""` escapes, LF or CRLF line ends, an optional UTF-8 BOM.
// InvalidArgument for an unterminated quote or an empty file.
absl::StatusOr<CsvTable> ParseCsv(std::string_view text);

// X Education columns -> lead attributes. "Select" (the form's untouched default) and empty cells
// are missing values, so the attribute is left out.
//   Prospect ID -> id               Lead Source -> source        Specialization -> industry
//   City -> region and city         Country -> country           Lead Origin -> origin
//   TotalVisits -> visits           Total Time Spent on Website -> time_on_site (seconds)
//   Converted -> converted (bool)   Last Activity -> last_activity
//   What is your current occupation -> occupation               Tags -> status_tag
//   quality: a synthetic 0-100 score from Lead Quality (the sales team's judgement), time on
//   site and visits; see XEducationQuality.
std::vector<Attribute> XEducationLead(const CsvTable& table, size_t row);

// The synthetic quality score: 50% from Lead Quality (High in Relevance 100, Might be 70, Not Sure
// 45, Low in Relevance 25, Worst 0, missing 40), 30% from time on site (saturating at 1,500 s) and
// 20% from visits (saturating at 10), rounded to a whole number.
double XEducationQuality(std::string_view lead_quality, double time_on_site, double visits);

// Reads and maps the whole file. NotFound / InvalidArgument when it cannot be read or parsed.
absl::StatusOr<std::vector<std::vector<Attribute>>> ReadXEducationLeads(const std::string& path);

}  // namespace leadrouter::dsl
