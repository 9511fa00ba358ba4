#include "dsl/decision/dry_run.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "dsl/base/status_macros.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "dsl/decision/unassigned_why.h"

namespace leadrouter::dsl {

namespace {

// The result before the first lead: every rep with zero counts, the summary's rule labels.
DryRunResult EmptyResult(const Program& program, const Roster& roster, size_t lead_count) {
  DryRunResult result;
  result.reps.reserve(roster.size());
  for (const RepInfo& rep : roster.reps()) {
    DryRunRep r;
    r.id = rep.id;
    r.name = rep.name;
    r.status = rep.status;
    result.reps.push_back(std::move(r));
  }
  DryRunSummary& summary = result.summary;
  summary.total = lead_count;
  summary.rule_hits.assign(program.rules().size() + 1, 0);
  for (const Rule& rule : program.rules()) summary.rule_labels.push_back(rule.label);
  summary.rule_labels.push_back(program.has_otherwise() ? program.otherwise_label() : "otherwise");
  result.leads.reserve(lead_count);
  return result;
}

void TallyAssigned(const Decision& decision, const Record& lead, const DecisionWorkspace& workspace,
                   DryRunLead& out, DryRunResult& result, DistributionTally& tally) {
  out.rep = static_cast<int32_t>(*decision.rep_index);
  out.rule = static_cast<int32_t>(*decision.rule_index);
  ++result.summary.rule_hits[*decision.rule_index];
  tally.AddGiven(*decision.rep_index, decision.outcome, lead);
  for (const uint32_t eligible : workspace.last_eligible()) result.reps[eligible].eligible = true;
}

// The one-line cause of an unassigned lead, counted once per distinct cause.
void TallyUnassigned(const Decision& decision, std::string why, DryRunLead& out,
                     DryRunSummary& summary, DistributionTally& tally) {
  tally.AddUnassigned(decision.unassigned_reason);
  const auto known = std::find(summary.why.begin(), summary.why.end(), why);
  out.why = static_cast<int32_t>(known - summary.why.begin());
  if (known == summary.why.end()) {
    summary.why.push_back(std::move(why));
    summary.why_count.push_back(0);
  }
  ++summary.why_count[static_cast<size_t>(out.why)];
}

// The tally's totals into the result, and the fairness across the reps that could receive leads.
void Summarise(const DistributionTally& tally, DryRunResult& result) {
  std::vector<bool> eligible;
  eligible.reserve(result.reps.size());
  for (size_t r = 0; r < result.reps.size(); ++r) {
    result.reps[r].totals = tally.reps()[r];
    eligible.push_back(result.reps[r].eligible);
  }
  DryRunSummary& summary = result.summary;
  summary.assigned = tally.assigned();
  summary.pending_review = tally.pending_review();
  summary.unassigned_by_reason = tally.unassigned_by_reason();
  const Fairness fairness = tally.FairnessOver(eligible);
  summary.eligible_reps = fairness.reps;
  summary.gini_count = fairness.gini_count;
  summary.gini_quality = fairness.gini_quality;
}

}  // namespace

absl::StatusOr<DryRunResult> RunDryRun(std::shared_ptr<const Program> program,
                                       std::vector<RepInfo> reps, std::span<const LeadRow> leads,
                                       const DryRunOptions& options) {
  if (!(options.rate_per_hour > 0) || !std::isfinite(options.rate_per_hour)) {
    return absl::InvalidArgumentError("the lead rate must be a positive number per hour");
  }
  ASSIGN_OR_RETURN(const Roster roster, Roster::Bind(program, std::move(reps)));
  const Program& p = *program;
  DryRunResult result = EmptyResult(p, roster, leads.size());

  InMemoryDecisionState state;
  DecisionWorkspace workspace;
  DistributionTally tally(roster.size(), kHighQuality);
  const double spacing = 3600.0 / options.rate_per_hour;
  for (size_t i = 0; i < leads.size(); ++i) {
    const LeadRow& row = leads[i];
    const int64_t at =
        row.created_at
            ? *row.created_at
            : options.start + static_cast<int64_t>(std::floor(static_cast<double>(i) * spacing));
    const DecisionTime time{at, i + 1};
    const Record lead = p.BindLead(row.attributes);
    DecideOptions decide;
    decide.explain = options.explain_lead && *options.explain_lead == row.id;
    decide.lead_id = row.id;
    ASSIGN_OR_RETURN(Decision decision,
                     Decide(p, lead, roster, state, time, options.calendar, decide, workspace));
    DryRunLead out;
    out.row = static_cast<uint32_t>(i);
    out.time = at;
    out.outcome = decision.outcome;
    out.reason = decision.unassigned_reason;
    if (decision.delta) {
      state.Apply(*decision.delta);
      TallyAssigned(decision, lead, workspace, out, result, tally);
    } else if (decide.explain) {
      TallyUnassigned(decision, UnassignedWhy(decision.explanation), out, result.summary, tally);
    } else {
      // Say why without --explain: decide again with the explanation (nothing was applied, so the
      // state is the same) and keep its one-line cause.
      DecideOptions again = decide;
      again.explain = true;
      ASSIGN_OR_RETURN(const Decision traced,
                       Decide(p, lead, roster, state, time, options.calendar, again, workspace));
      TallyUnassigned(decision, UnassignedWhy(traced.explanation), out, result.summary, tally);
    }
    if (decide.explain) result.explanation = std::move(decision.explanation);
    result.leads.push_back(out);
    if (options.progress && ((i + 1) % 4096 == 0 || i + 1 == leads.size())) {
      options.progress(i + 1, leads.size());
    }
  }
  Summarise(tally, result);
  return result;
}

}  // namespace leadrouter::dsl
