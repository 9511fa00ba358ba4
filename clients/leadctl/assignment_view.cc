#include "clients/leadctl/assignment_view.h"

#include "absl/strings/str_cat.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"

namespace leadrouter::leadctl {

using client::ShortName;

std::string RuleText(const v1::RuleRef& rule) {
  if (rule.otherwise()) return "otherwise";
  if (rule.index() == 0) return "";
  if (rule.name().empty()) return absl::StrCat("#", rule.index());
  return absl::StrCat("\"", rule.name(), "\" (#", rule.index(), ")");
}

std::string OutcomeWithReason(const v1::Assignment& assignment) {
  std::string text = client::OutcomeText(assignment.outcome());
  if (assignment.outcome() == v1::OUTCOME_UNASSIGNED &&
      assignment.unassigned_reason() != v1::UNASSIGNED_REASON_UNSPECIFIED) {
    absl::StrAppend(&text, ": ",
                    client::EnumText(v1::UnassignedReason_Name(assignment.unassigned_reason()),
                                     "UNASSIGNED_REASON_"));
  }
  return text;
}

client::TextTable DecisionTable() {
  return client::TextTable({"LEAD", "OUTCOME", "REP", "RULE", "VERSION", "ASSIGNMENT"});
}

void AddDecisionRow(client::TextTable& table, const v1::Assignment& assignment) {
  table.AddRow({std::string(ShortName(assignment.lead())), OutcomeWithReason(assignment),
                std::string(ShortName(assignment.rep())), RuleText(assignment.rule()),
                assignment.rule_version() == 0 ? "" : absl::StrCat(assignment.rule_version()),
                std::string(ShortName(assignment.name()))});
}

client::TextTable HistoryTable(bool with_lead) {
  std::vector<std::string> header = {"TIME", "KIND",    "OUTCOME", "REP",   "FROM",
                                     "RULE", "VERSION", "ACTOR",   "REASON"};
  if (with_lead) header.insert(header.begin() + 1, "LEAD");
  return client::TextTable(std::move(header));
}

void AddHistoryRow(client::TextTable& table, const v1::Assignment& assignment, bool with_lead) {
  std::string kind =
      client::EnumText(v1::AssignmentKind_Name(assignment.kind()), "ASSIGNMENT_KIND_");
  if (assignment.forced()) kind += " (forced)";
  if (assignment.pinned()) kind += " (pinned)";
  std::vector<std::string> row = {
      client::FormatTime(assignment.decide_time()),
      kind,
      OutcomeWithReason(assignment),
      std::string(ShortName(assignment.rep())),
      std::string(ShortName(assignment.previous_rep())),
      RuleText(assignment.rule()),
      assignment.rule_version() == 0 ? "" : absl::StrCat(assignment.rule_version()),
      assignment.actor(),
      assignment.reason()};
  if (with_lead) row.insert(row.begin() + 1, std::string(ShortName(assignment.lead())));
  table.AddRow(std::move(row));
}

int DecisionExitCode(const v1::Assignment& assignment) {
  return assignment.outcome() == v1::OUTCOME_UNASSIGNED ? client::kExitNo : client::kExitOk;
}

}  // namespace leadrouter::leadctl
