#include "clients/leadctl/dry_run_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/common/text_table.h"
#include "dsl/decision/explanation.h"
#include "dsl/decision/periods.h"

namespace leadrouter::leadctl {
namespace {

using Json = nlohmann::ordered_json;

std::string RepOf(const dsl::DryRunResult& result, const dsl::DryRunLead& lead) {
  return lead.rep < 0 ? "" : result.reps[static_cast<size_t>(lead.rep)].id;
}

std::string RuleOf(const dsl::DryRunResult& result, const dsl::DryRunLead& lead) {
  return lead.rule < 0 ? "" : result.summary.rule_labels[static_cast<size_t>(lead.rule)];
}

std::string OutcomeOf(const dsl::DryRunLead& lead) {
  if (dsl::PicksRep(lead.outcome)) return std::string(dsl::OutcomeName(lead.outcome));
  return absl::StrCat("unassigned:", std::string(dsl::UnassignedReasonName(lead.reason)));
}

// The unassigned lead's cause (dsl/decision/unassigned_why.h); "" for an assigned one.
const std::string& WhyOf(const dsl::DryRunResult& result, const dsl::DryRunLead& lead) {
  static const std::string kNone;
  return lead.why < 0 ? kNone : result.summary.why[static_cast<size_t>(lead.why)];
}

void PrintLeadLines(std::ostream& out, const dsl::DryRunResult& result,
                    const std::vector<dsl::LeadRow>& leads) {
  out << absl::StrFormat("%-38s %-20s %-12s %-32s %s\n", "lead", "time", "rep", "rule", "outcome");
  for (const dsl::DryRunLead& lead : result.leads) {
    const std::string& why = WhyOf(result, lead);
    out << absl::StrFormat("%-38s %-20s %-12s %-32s %s%s\n", leads[lead.row].id,
                           dsl::FormatUtc(lead.time), RepOf(result, lead), RuleOf(result, lead),
                           OutcomeOf(lead), why.empty() ? "" : absl::StrCat("  why: ", why));
  }
  out << '\n';
}

// Leads decided per second by a run that took `deciding` (one too fast to time counts as 1 µs).
double DecisionsPerSecond(const dsl::DryRunResult& result, absl::Duration deciding) {
  return static_cast<double>(result.summary.total) /
         std::max(absl::ToDoubleSeconds(deciding), 1e-6);
}

// The summary for people (the table format's, and the csv format's on stderr).
void PrintSummaryText(std::ostream& out, const dsl::DryRunResult& result, absl::Duration deciding) {
  const dsl::DryRunSummary& s = result.summary;
  out << absl::StrFormat("summary: %d leads, %d assigned, %d unassigned\n", s.total, s.assigned,
                         s.total - s.assigned);
  if (s.pending_review > 0) {
    out << absl::StrFormat("of the assigned, %d wait for review (proposals of rules with review)\n",
                           s.pending_review);
  }
  out << absl::StrFormat("decided in %s: %.0f decisions/s (reading and printing excluded)\n",
                         absl::FormatDuration(absl::Trunc(deciding, absl::Microseconds(1))),
                         DecisionsPerSecond(result, deciding));
  out << absl::StrFormat("\n%-16s %-7s %6s %13s %14s %11s\n", "rep", "status", "leads",
                         "mean quality", "quality sum", "share >=80");
  for (const dsl::DryRunRep& rep : result.reps) {
    out << absl::StrFormat("%-16s %-7s %6d %13.1f %14.0f %10.1f%%\n", rep.id,
                           dsl::RepStatusName(rep.status), rep.totals.count,
                           rep.totals.quality_mean(), rep.totals.quality_sum,
                           100 * rep.totals.high_quality_share());
  }
  out << "\nunassigned by reason:\n";
  bool any = false;
  for (size_t r = 0; r < s.unassigned_by_reason.size(); ++r) {
    if (s.unassigned_by_reason[r] == 0) continue;
    any = true;
    out << absl::StrFormat("  %-24s %d\n",
                           dsl::UnassignedReasonName(static_cast<dsl::UnassignedReason>(r)),
                           s.unassigned_by_reason[r]);
  }
  if (!any) out << "  (none)\n";
  if (!s.why.empty()) {
    // The causes, most frequent first (at most ten lines; the per-lead lines have every one).
    std::vector<size_t> order(s.why.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&s](size_t a, size_t b) { return s.why_count[a] > s.why_count[b]; });
    out << "\nunassigned, why:\n";
    for (size_t i = 0; i < order.size() && i < 10; ++i) {
      out << absl::StrFormat("  %6d  %s\n", s.why_count[order[i]], s.why[order[i]]);
    }
    if (order.size() > 10) out << absl::StrFormat("  ... %d more causes\n", order.size() - 10);
  }
  out << "\nhits per rule:\n";
  for (size_t r = 0; r < s.rule_hits.size(); ++r) {
    out << absl::StrFormat("  %-40s %d\n", s.rule_labels[r], s.rule_hits[r]);
  }
  out << absl::StrFormat(
      "\nfairness across %d reps that could receive leads: Gini of count %.3f, Gini of quality "
      "sum %.3f\n",
      s.eligible_reps, s.gini_count, s.gini_quality);
}

Json SummaryJson(const dsl::DryRunResult& result, absl::Duration deciding) {
  const dsl::DryRunSummary& s = result.summary;
  Json j;
  j["type"] = "summary";
  j["total"] = s.total;
  j["assigned"] = s.assigned;
  j["unassigned"] = s.total - s.assigned;
  j["pending_review"] = s.pending_review;
  j["decide_seconds"] = absl::ToDoubleSeconds(deciding);
  j["decisions_per_second"] = DecisionsPerSecond(result, deciding);
  Json reasons = Json::object();
  for (size_t r = 0; r < s.unassigned_by_reason.size(); ++r) {
    if (s.unassigned_by_reason[r] == 0) continue;
    reasons[std::string(dsl::UnassignedReasonName(static_cast<dsl::UnassignedReason>(r)))] =
        s.unassigned_by_reason[r];
  }
  j["unassigned_by_reason"] = reasons;
  Json why = Json::array();
  for (size_t w = 0; w < s.why.size(); ++w) {
    why.push_back({{"why", s.why[w]}, {"leads", s.why_count[w]}});
  }
  j["unassigned_why"] = why;
  Json rules = Json::array();
  for (size_t r = 0; r < s.rule_hits.size(); ++r) {
    rules.push_back({{"rule", s.rule_labels[r]}, {"hits", s.rule_hits[r]}});
  }
  j["rule_hits"] = rules;
  Json reps = Json::array();
  for (const dsl::DryRunRep& rep : result.reps) {
    reps.push_back({{"rep", rep.id},
                    {"status", dsl::RepStatusName(rep.status)},
                    {"leads", rep.totals.count},
                    {"mean_quality", rep.totals.quality_mean()},
                    {"quality_sum", rep.totals.quality_sum},
                    {"high_quality_share", rep.totals.high_quality_share()},
                    {"eligible", rep.eligible}});
  }
  j["reps"] = reps;
  j["eligible_reps"] = s.eligible_reps;
  j["gini_count"] = s.gini_count;
  j["gini_quality"] = s.gini_quality;
  return j;
}

}  // namespace

void PrintDryRunReport(std::ostream& out, std::ostream& summary_out,
                       const dsl::DryRunResult& result, const std::vector<dsl::LeadRow>& leads,
                       ReportFormat format, absl::Duration deciding) {
  if (result.explanation) {
    out << (format == ReportFormat::kJson
                ? absl::StrCat(dsl::RenderExplanationJson(*result.explanation), "\n")
                : dsl::RenderExplanationText(*result.explanation));
    return;
  }
  switch (format) {
    case ReportFormat::kTable:
      PrintLeadLines(out, result, leads);
      PrintSummaryText(out, result, deciding);
      return;
    case ReportFormat::kJson:
      for (const dsl::DryRunLead& lead : result.leads) {
        Json j;
        j["lead"] = leads[lead.row].id;
        j["time"] = dsl::FormatUtc(lead.time);
        j["outcome"] = dsl::OutcomeName(lead.outcome);
        if (lead.rep >= 0) {
          j["rep"] = RepOf(result, lead);
          j["rule"] = RuleOf(result, lead);
        } else {
          j["reason"] = dsl::UnassignedReasonName(lead.reason);
          j["why"] = WhyOf(result, lead);
        }
        out << j.dump() << '\n';
      }
      out << SummaryJson(result, deciding).dump() << '\n';
      return;
    case ReportFormat::kCsv:
      out << "lead,time,outcome,rep,rule,reason,why\n";
      for (const dsl::DryRunLead& lead : result.leads) {
        out << client::CsvField(leads[lead.row].id) << ',' << dsl::FormatUtc(lead.time) << ','
            << dsl::OutcomeName(lead.outcome) << ',' << client::CsvField(RepOf(result, lead)) << ','
            << client::CsvField(RuleOf(result, lead)) << ','
            << (lead.rep >= 0 ? "" : dsl::UnassignedReasonName(lead.reason)) << ','
            << client::CsvField(WhyOf(result, lead)) << '\n';
      }
      // stdout stays one CSV table a spreadsheet opens; the summary is for the person.
      PrintSummaryText(summary_out, result, deciding);
      return;
  }
}

}  // namespace leadrouter::leadctl
