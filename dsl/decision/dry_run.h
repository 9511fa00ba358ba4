// The offline dry run: leads assigned in order against an in-memory state with a simulated clock,
// and the summary a rule author needs (per-rep load and quality, unassigned reasons, rule hits,
// fairness). `leadctl dry-run` prints it; tests and benchmarks call it directly.
//
// Simulation: a lead with created_at arrives then; the others arrive `start + i * 3600 / rate`
// (i counting leads in file order). Decision sequence numbers count leads from 1. Leads stay open
// for the whole run (a dry run has no follow-ups or closes), so `N open` caps and max_open fill up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/compile/program.h"
#include "dsl/decision/distribution_tally.h"
#include "dsl/decision/explanation.h"
#include "dsl/decision/lead_row.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/roster.h"

namespace leadrouter::dsl {

struct DryRunOptions {
  PeriodCalendar calendar;
  // Arrival of the first lead without created_at. Default: 2026-01-05T09:00:00Z (a Monday)
  int64_t start = 1767603600;
  // Leads per hour for leads without created_at; must be > 0. Default: 60
  double rate_per_hour = 60;
  // Keep the full explanation of the lead with this id. Default: none
  std::optional<std::string> explain_lead;
  // Called with (leads done, total) every 4096 leads and at the end. Default: none
  std::function<void(size_t, size_t)> progress;
};

struct DryRunLead {
  uint32_t row = 0;  // index into the input leads
  int64_t time = 0;
  Outcome outcome = Outcome::kUnassigned;
  UnassignedReason reason = UnassignedReason::kUnspecified;
  int32_t rep = -1;   // roster index (DryRunResult::reps order), -1 when unassigned
  int32_t rule = -1;  // program rule index; rules().size() for otherwise; -1 when none
  int32_t why = -1;   // unassigned: index into DryRunSummary::why
};

struct DryRunRep {
  std::string id;
  std::string name;
  RepStatus status = RepStatus::kActive;
  RepTally totals;  // high quality: at least kHighQuality
  // Passed every filter of the deciding rule for at least one lead: could receive leads.
  bool eligible = false;
};

struct DryRunSummary {
  size_t total = 0;
  // Leads that got a rep, proposals for review included (they count against caps as
  // assignments do), and of those the proposals.
  size_t assigned = 0;
  size_t pending_review = 0;
  // Indexed by UnassignedReason.
  std::vector<size_t> unassigned_by_reason;
  // The distinct UnassignedWhy lines (dsl/decision/unassigned_why.h) of the unassigned leads, in
  // order of first appearance, and how many leads each explains.
  std::vector<std::string> why;
  std::vector<size_t> why_count;
  // Indexed by rule index; the last entry is `otherwise`.
  std::vector<size_t> rule_hits;
  std::vector<std::string> rule_labels;
  // Gini of the lead count and of the quality sum across the eligible reps (0 = perfectly even).
  double gini_count = 0;
  double gini_quality = 0;
  size_t eligible_reps = 0;
};

struct DryRunResult {
  std::vector<DryRunRep> reps;  // the roster, sorted by id
  std::vector<DryRunLead> leads;
  DryRunSummary summary;
  std::optional<Explanation> explanation;  // for DryRunOptions::explain_lead, when found
};

// InvalidArgument for a bad roster (duplicate ids) or rate; other errors come from the state.
[[nodiscard]] absl::StatusOr<DryRunResult> RunDryRun(std::shared_ptr<const Program> program,
                                                     std::vector<RepInfo> reps,
                                                     std::span<const LeadRow> leads,
                                                     const DryRunOptions& options);

}  // namespace leadrouter::dsl
