#include "clients/leadctl/backtest_report.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/common/proto_output.h"
#include "clients/common/text_table.h"
#include "clients/leadctl/assignment_view.h"

namespace leadrouter::leadctl {
namespace {

namespace v1 = leadrouter::v1;

std::string Signed(int64_t delta) {
  return delta > 0 ? absl::StrCat("+", delta) : absl::StrCat(delta);
}

// A rule as the other tables write it (assignment_view.h), "-" for none.
std::string RuleOrDash(const v1::RuleRef& rule) {
  const std::string text = RuleText(rule);
  return text.empty() ? "-" : text;
}

std::string RepOrDash(const std::string& rep) {
  return rep.empty() ? "-" : std::string(client::ShortName(rep));
}

void PrintReps(std::ostream& out, const v1::BacktestResponse& r) {
  client::TextTable table({"rep", "actual", "candidate", "change", "quality mean actual",
                           "quality mean candidate", "high-quality actual",
                           "high-quality candidate"});
  for (int i = 0; i < r.candidate().reps_size() && i < r.actual().reps_size(); ++i) {
    const v1::RepTally& a = r.actual().reps(i);
    const v1::RepTally& c = r.candidate().reps(i);
    table.AddRow({std::string(client::ShortName(c.rep())), absl::StrCat(a.count()),
                  absl::StrCat(c.count()), Signed(c.count() - a.count()),
                  client::FormatNumber(a.quality_mean()), client::FormatNumber(c.quality_mean()),
                  absl::StrCat(a.high_quality_count()), absl::StrCat(c.high_quality_count())});
  }
  out << "Per rep\n" << table.Render() << "\n";
}

void PrintRules(std::ostream& out, const v1::BacktestResponse& r) {
  // Candidate rules in evaluation order, then rules only history names.
  std::vector<std::string> order;
  std::map<std::string, std::pair<int, int>> counts;
  for (const v1::RuleTally& t : r.candidate().rules()) {
    const std::string name = RuleOrDash(t.rule());
    if (!counts.contains(name)) order.push_back(name);
    counts[name].second += t.count();
  }
  for (const v1::RuleTally& t : r.actual().rules()) {
    const std::string name = RuleOrDash(t.rule());
    if (!counts.contains(name)) order.push_back(name);
    counts[name].first += t.count();
  }
  client::TextTable table({"rule", "actual", "candidate", "change"});
  for (const std::string& name : order) {
    const auto [a, c] = counts[name];
    table.AddRow({name, absl::StrCat(a), absl::StrCat(c), Signed(c - a)});
  }
  out << "Per rule\n" << table.Render() << "\n";
}

void PrintUnassigned(std::ostream& out, const v1::BacktestResponse& r) {
  std::set<std::string> reasons;
  for (const auto& [reason, n] : r.actual().unassigned_by_reason()) reasons.insert(reason);
  for (const auto& [reason, n] : r.candidate().unassigned_by_reason()) reasons.insert(reason);
  client::TextTable table({"unassigned reason", "actual", "candidate", "change"});
  for (const std::string& reason : reasons) {
    const auto count = [&](const v1::DistributionSummary& s) {
      const auto it = s.unassigned_by_reason().find(reason);
      return it == s.unassigned_by_reason().end() ? 0 : it->second;
    };
    const int a = count(r.actual());
    const int c = count(r.candidate());
    table.AddRow({reason, absl::StrCat(a), absl::StrCat(c), Signed(c - a)});
  }
  table.AddRow({"total", absl::StrCat(r.actual().unassigned()),
                absl::StrCat(r.candidate().unassigned()),
                Signed(r.candidate().unassigned() - r.actual().unassigned())});
  out << "Unassigned\n" << table.Render() << "\n";
}

void PrintChanges(std::ostream& out, const v1::BacktestResponse& r) {
  out << "Changed leads (" << r.changes_size() << " listed of " << r.changed() << ")\n";
  for (const v1::BacktestChange& c : r.changes()) {
    out << absl::StrFormat("%s  %s  %s (%s) -> %s (%s)\n", client::ShortName(c.lead()),
                           client::FormatTime(c.decide_time()), RepOrDash(c.actual_rep()),
                           RuleOrDash(c.actual_rule()), RepOrDash(c.candidate_rep()),
                           RuleOrDash(c.candidate_rule()));
    out << "  actual:    " << c.actual_summary().text() << "\n";
    out << "  candidate: " << c.candidate_summary().text() << "\n";
    if (!c.candidate_why().empty()) out << "  why:       " << c.candidate_why() << "\n";
  }
  out << "\n";
}

}  // namespace

void PrintBacktestTables(std::ostream& out, const v1::BacktestResponse& response) {
  PrintReps(out, response);
  PrintRules(out, response);
  PrintUnassigned(out, response);
  PrintChanges(out, response);
}

void PrintBacktestSummaryLine(std::ostream& out, const v1::BacktestResponse& r,
                              absl::Duration took) {
  out << absl::StrFormat(
      "%d leads replayed%s, %d change owner or outcome (%s%%); unassigned %d -> %d; gini count "
      "%.3f -> %.3f, "
      "quality %.3f -> %.3f; %.0f ms\n",
      r.leads(), r.truncated() ? " (truncated: more matched)" : "", r.changed(),
      client::FormatNumber(r.leads() == 0 ? 0 : 100.0 * r.changed() / r.leads()),
      r.actual().unassigned(), r.candidate().unassigned(), r.actual().gini_count(),
      r.candidate().gini_count(), r.actual().gini_quality(), r.candidate().gini_quality(),
      absl::ToDoubleMilliseconds(took));
}

}  // namespace leadrouter::leadctl
