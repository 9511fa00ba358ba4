// Printing a dry run: one line per lead, then the summary, as a table, JSON Lines or CSV; or, with
// --explain, the explanation of one lead.
#pragma once

#include <ostream>
#include <vector>

#include "dsl/data/dataset.h"
#include "dsl/decision/dry_run.h"

namespace leadrouter::leadctl {

enum class ReportFormat { kTable, kJson, kCsv };

// With result.explanation set, prints only that explanation (text for table/csv, JSON for json).
void PrintDryRunReport(std::ostream& out, const dsl::DryRunResult& result,
                       const std::vector<dsl::LeadRow>& leads, ReportFormat format);

}  // namespace leadrouter::leadctl
