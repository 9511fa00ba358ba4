// How leadctl shows decisions (Assign, Reassign, history entries) to people.
#pragma once

#include <string>

#include "clients/common/text_table.h"
#include "leadrouter/v1/assignment.pb.h"

namespace leadrouter::leadctl {

// `"hot" (#4)`, `#2` for an anonymous rule, `otherwise`; "" when no rule decided.
std::string RuleText(const v1::RuleRef& rule);

// "assigned", "unassigned: no eligible rep", ...
std::string OutcomeWithReason(const v1::Assignment& assignment);

// LEAD  OUTCOME  REP  RULE  VERSION  ASSIGNMENT
client::TextTable DecisionTable();
void AddDecisionRow(client::TextTable& table, const v1::Assignment& assignment);

// TIME  KIND  OUTCOME  REP  FROM  RULE  VERSION  ACTOR  REASON (LEAD first when `with_lead`).
client::TextTable HistoryTable(bool with_lead);
void AddHistoryRow(client::TextTable& table, const v1::Assignment& assignment, bool with_lead);

// 0 when the lead has (or is proposed to) an owner, 1 when the decision left it without one.
int DecisionExitCode(const v1::Assignment& assignment);

}  // namespace leadrouter::leadctl
