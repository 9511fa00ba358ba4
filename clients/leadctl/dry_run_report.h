// Printing a dry run: one line per lead, then the summary, as a table, JSON Lines or CSV; or, with
// --explain, the explanation of one lead.
#pragma once

#include <ostream>
#include <vector>

#include "absl/time/time.h"
#include "clients/leadctl/report_format.h"
#include "dsl/data/dataset.h"
#include "dsl/decision/dry_run.h"

namespace leadrouter::leadctl {

// With result.explanation set, prints only that explanation (text for table/csv, JSON for json).
// Otherwise the lead lines and the summary on `out`, except for csv, whose summary goes to
// `summary_out` (stderr) so that `out` stays one CSV table. An unassigned lead's line says why.
// `deciding` is how long RunDryRun took (reading the files and printing excluded): the summary
// states it with the decisions per second, the one part of the output that differs between runs.
void PrintDryRunReport(std::ostream& out, std::ostream& summary_out,
                       const dsl::DryRunResult& result, const std::vector<dsl::LeadRow>& leads,
                       ReportFormat format, absl::Duration deciding);

}  // namespace leadrouter::leadctl
