// Leads from the public X Education lead export (examples/data/leads-x-education.csv): the mapping
// of its columns to lead attributes. The CSV itself is read with dsl/data/csv_reader.h, so a
// malformed file is reported with the line at fault. Used by the evaluation benchmark, by
// dsl/data/dataset.h (which recognises the export by its `Prospect ID` column) and by the server's
// end-to-end test.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"

namespace leadrouter::dsl {

// X Education columns -> lead attributes, for one record (`fields`) of a file whose header row is
// `header`. "Select" (the form's untouched default), empty cells and cells past the end of a short
// record are missing values, so the attribute is left out.
//   Prospect ID -> id               Lead Source -> source        Specialization -> industry
//   City -> region and city         Country -> country           Lead Origin -> origin
//   TotalVisits -> visits           Total Time Spent on Website -> time_on_site (seconds)
//   Converted -> converted (bool)   Last Activity -> last_activity
//   What is your current occupation -> occupation               Tags -> status_tag
//   quality: a synthetic 0-100 score from Lead Quality (the sales team's judgement), time on
//   site and visits; see XEducationQuality.
std::vector<Attribute> XEducationLead(const std::vector<std::string>& header,
                                      const std::vector<std::string>& fields);

// The synthetic quality score: 50% from Lead Quality (High in Relevance 100, Might be 70, Not Sure
// 45, Low in Relevance 25, Worst 0, missing 40), 30% from time on site (saturating at 1,500 s) and
// 20% from visits (saturating at 10), rounded to a whole number.
double XEducationQuality(std::string_view lead_quality, double time_on_site, double visits);

// One lead of the export.
struct XEducationRow {
  uint32_t line = 0;  // 1-based line on which its CSV record starts
  std::vector<Attribute> attributes;
};

// Maps every record after the header row. InvalidArgument "line N: ..." for malformed CSV (a quoted
// field not closed, text after a closing quote), or "empty file" when there is no header row.
absl::StatusOr<std::vector<XEducationRow>> ParseXEducationLeads(std::string_view text);

// Reads and maps the whole file. NotFound when it cannot be read; InvalidArgument "path: ..." as
// ParseXEducationLeads.
absl::StatusOr<std::vector<std::vector<Attribute>>> ReadXEducationLeads(const std::string& path);

}  // namespace leadrouter::dsl
