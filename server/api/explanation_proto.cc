#include "server/api/explanation_proto.h"

#include <cctype>
#include <cmath>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "server/api/dsl_binding.h"
#include "server/api/plan_proto.h"
#include "server/api/score_trace_proto.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

v1::StrategyKind ToStrategyProto(dsl::StrategyKind kind, bool implicit) {
  if (implicit) return v1::STRATEGY_KIND_UNSPECIFIED;
  switch (kind) {
    case dsl::StrategyKind::kRoundRobin:
      return v1::STRATEGY_KIND_ROUND_ROBIN;
    case dsl::StrategyKind::kLeastLoaded:
      return v1::STRATEGY_KIND_LEAST_LOADED;
    case dsl::StrategyKind::kBalanced:
      return v1::STRATEGY_KIND_BALANCED;
    case dsl::StrategyKind::kWeighted:
      return v1::STRATEGY_KIND_WEIGHTED;
    case dsl::StrategyKind::kSticky:
      return v1::STRATEGY_KIND_STICKY;
  }
  return v1::STRATEGY_KIND_UNSPECIFIED;
}

v1::CapUnit ToCapUnitProto(dsl::CapUnit unit) {
  switch (unit) {
    case dsl::CapUnit::kDay:
      return v1::CAP_UNIT_DAY;
    case dsl::CapUnit::kWeek:
      return v1::CAP_UNIT_WEEK;
    case dsl::CapUnit::kMonth:
      return v1::CAP_UNIT_MONTH;
    case dsl::CapUnit::kOpen:
      return v1::CAP_UNIT_OPEN;
  }
  return v1::CAP_UNIT_UNSPECIFIED;
}

v1::RuleResult ToRuleResultProto(dsl::RuleResult result) {
  return static_cast<v1::RuleResult>(static_cast<int>(result));  // same order by construction
}

v1::RemovalReason ToRemovalProto(dsl::RemovalReason reason) {
  if (reason == dsl::RemovalReason::kNoWeight) return v1::REMOVAL_REASON_EVALUATION_ERROR;
  return static_cast<v1::RemovalReason>(static_cast<int>(reason));
}

// A cap of the rep itself (daily_cap, or max_open when `open`): scope REP, no source range.
void SetRepCap(int64_t limit, bool open, v1::CapTrace& cap) {
  cap.mutable_cap()->set_limit(static_cast<int32_t>(limit));
  cap.mutable_cap()->set_unit(open ? v1::CAP_UNIT_OPEN : v1::CAP_UNIT_DAY);
  cap.mutable_cap()->set_scope(v1::CAP_SCOPE_REP);
}

v1::ExpressionTrace ToExpressionProto(const dsl::ExpressionTrace& trace,
                                      const dsl::SourceFile& source, const std::string& value) {
  v1::ExpressionTrace out;
  *out.mutable_range() = ToRangeProto(source, trace.range);
  out.set_text(trace.text);
  if (!value.empty()) out.mutable_value()->set_string_value(value);
  return out;
}

const std::string& RepIdAt(const dsl::Explanation& explanation, uint32_t index) {
  static const std::string kUnknown = "?";
  return index < explanation.reps.size() ? explanation.reps[index].id : kUnknown;
}

std::string Number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.4g", value);
}

}  // namespace

namespace {

v1::RuleInfo ToRuleInfo(const dsl::Rule& rule, bool otherwise, const dsl::SourceFile& source,
                        int64_t version) {
  v1::RuleInfo info;
  v1::RuleRef& ref = *info.mutable_rule();
  ref.set_name(otherwise ? "otherwise" : (rule.named ? rule.label : ""));
  ref.set_index(static_cast<int32_t>(rule.index) + 1);
  ref.set_version(version);
  *ref.mutable_range() = ToRangeProto(source, rule.span);
  ref.set_otherwise(otherwise);
  if (rule.when) info.set_when(rule.when->text);
  if (rule.team) info.set_team(*rule.team);
  if (rule.require) info.set_require(rule.require->text);
  for (const dsl::PreferKey& key : rule.prefer) info.add_prefer(key.text);
  info.set_strategy(ToStrategyProto(rule.distribute.kind, rule.distribute.implicit));
  if (!rule.distribute.implicit) info.set_strategy_text(rule.distribute.text);
  for (const dsl::CapLimit& cap : rule.caps) {
    v1::Cap* out = info.add_caps();
    out->set_limit(static_cast<int32_t>(cap.limit));
    out->set_unit(ToCapUnitProto(cap.unit));
    out->set_scope(v1::CAP_SCOPE_RULE);
  }
  if (rule.sla) *info.mutable_sla() = ToSlaProto(*rule.sla);
  *info.mutable_followup() = ToFollowUpPlanProto(rule.followup);
  return info;
}

}  // namespace

v1::SourceRange ToRangeProto(const dsl::SourceFile& source, dsl::SourceSpan span) {
  v1::SourceRange range;
  range.set_file(source.name());
  const dsl::LineColumn begin = source.Locate(span.begin);
  const dsl::LineColumn end = source.Locate(span.end);
  range.set_line(static_cast<int32_t>(begin.line));
  range.set_column(static_cast<int32_t>(begin.column));
  range.set_end_line(static_cast<int32_t>(end.line));
  range.set_end_column(static_cast<int32_t>(end.column));
  return range;
}

v1::RuleRef ToRuleRefProto(const dsl::RuleRef& rule, const dsl::SourceFile& source) {
  v1::RuleRef out;
  out.set_name(rule.name);
  out.set_index(rule.index);
  out.set_version(rule.version);
  *out.mutable_range() = ToRangeProto(source, rule.range);
  out.set_otherwise(rule.otherwise);
  return out;
}

v1::Outcome ToOutcomeProto(dsl::Outcome outcome) {
  switch (outcome) {
    case dsl::Outcome::kAssigned:
      return v1::OUTCOME_ASSIGNED;
    case dsl::Outcome::kPendingReview:
      return v1::OUTCOME_PENDING_REVIEW;
    case dsl::Outcome::kUnassigned:
      return v1::OUTCOME_UNASSIGNED;
    case dsl::Outcome::kUnspecified:
      break;
  }
  return v1::OUTCOME_UNSPECIFIED;
}

v1::Removal ToRemovalProto(const dsl::Availability& availability) {
  v1::Removal removal;
  removal.set_reason(ToRemovalProto(availability.reason));
  removal.set_message(dsl::AvailabilityMessage(availability));
  if (availability.reason == dsl::RemovalReason::kCapReached) {
    v1::CapTrace& cap = *removal.mutable_cap();
    cap.set_count(static_cast<int32_t>(availability.count));
    SetRepCap(availability.limit, availability.cap_detail == dsl::kRepMaxOpenDetail, cap);
  }
  return removal;
}

v1::UnassignedReason ToUnassignedReasonProto(dsl::UnassignedReason reason) {
  return static_cast<v1::UnassignedReason>(static_cast<int>(reason));  // same order
}

namespace {

// A candidate's cap as its removal shows it: the rule's cap with its source range, or the rep's
// own (daily_cap, max_open) with the rep's limit.
void SetCandidateCap(const dsl::Explanation& ex, const dsl::RuleTrace& rule,
                     const dsl::CandidateTrace& c, const dsl::SourceFile& source,
                     v1::CapTrace& cap) {
  cap.set_count(static_cast<int32_t>(c.count));
  if (c.cap_scope == dsl::CapScope::kRule && c.detail < rule.caps.size()) {
    const dsl::CapTrace& rule_cap = rule.caps[c.detail];
    cap.mutable_cap()->set_limit(static_cast<int32_t>(rule_cap.limit));
    cap.mutable_cap()->set_unit(ToCapUnitProto(rule_cap.unit));
    cap.mutable_cap()->set_scope(v1::CAP_SCOPE_RULE);
    *cap.mutable_range() = ToRangeProto(source, rule_cap.range);
    return;
  }
  const dsl::RepRef* rep = c.rep < ex.reps.size() ? &ex.reps[c.rep] : nullptr;
  const bool open = c.detail == dsl::kRepMaxOpenDetail;
  int64_t limit = c.count;
  if (rep != nullptr && (open ? rep->max_open : rep->daily_cap).has_value()) {
    limit = open ? *rep->max_open : *rep->daily_cap;
  }
  SetRepCap(limit, open, cap);
}

v1::Removal ToCandidateRemovalProto(const dsl::Explanation& ex, const dsl::RuleTrace& rule,
                                    const dsl::CandidateTrace& c, const dsl::SourceFile& source) {
  v1::Removal removal;
  removal.set_reason(ToRemovalProto(c.removed));
  removal.set_message(dsl::RemovalMessage(ex, rule, c));
  if (c.removed == dsl::RemovalReason::kRequireFailed && c.detail < rule.require_conjuncts.size()) {
    *removal.mutable_expression() =
        ToExpressionProto(rule.require_conjuncts[c.detail], source, c.value);
  }
  if (c.removed == dsl::RemovalReason::kCapReached) {
    SetCandidateCap(ex, rule, c, source, *removal.mutable_cap());
  }
  return removal;
}

v1::Ranking ToRankingProto(const dsl::RuleTrace& rule, const dsl::CandidateTrace& c) {
  v1::Ranking ranking;
  for (size_t k = 0; k < rule.rank_key_labels.size(); ++k) {
    const size_t at = c.rank_offset + k;
    if (at < rule.rank_keys.size()) ranking.add_rank_keys(rule.rank_keys[at]);
  }
  ranking.set_tie_group(static_cast<int32_t>(c.tie_group));
  if (c.strategy_score) ranking.set_strategy_score(*c.strategy_score);
  return ranking;
}

v1::CandidateTrace ToCandidateProto(const dsl::Explanation& ex, const dsl::RuleTrace& rule,
                                    const dsl::CandidateTrace& c, const dsl::SourceFile& source) {
  v1::CandidateTrace candidate;
  const std::string& id = RepIdAt(ex, c.rep);
  candidate.set_rep(RepName(id));
  candidate.set_display_name(c.rep < ex.reps.size() ? ex.reps[c.rep].display_name : id);
  candidate.set_picked(c.picked);
  if (c.removed != dsl::RemovalReason::kNone) {
    *candidate.mutable_removed() = ToCandidateRemovalProto(ex, rule, c, source);
  } else {
    *candidate.mutable_ranked() = ToRankingProto(rule, c);
  }
  return candidate;
}

v1::StrategyTrace ToStrategyTraceProto(const dsl::Explanation& ex, const dsl::StrategyTrace& s) {
  v1::StrategyTrace strategy;
  strategy.set_kind(ToStrategyProto(s.kind, s.implicit));
  strategy.set_text(s.text);
  for (const uint32_t rep : s.tie_group) strategy.add_tie_group(RepName(RepIdAt(ex, rep)));
  if (s.pick) strategy.set_pick(RepName(RepIdAt(ex, *s.pick)));
  strategy.set_score_label(s.score_label);
  strategy.set_tie_break(s.tie_break);
  strategy.set_message(dsl::StrategyMessage(ex, s));
  strategy.set_tie_group_count(static_cast<int32_t>(dsl::TieGroupSize(s)));
  return strategy;
}

// What became of the rule, in one sentence.
std::string RuleMessage(const dsl::RuleTrace& rule) {
  switch (rule.result) {
    case dsl::RuleResult::kNotMatched:
      return rule.when ? absl::StrCat("`when` is false at `", rule.when->text, "`") : "not matched";
    case dsl::RuleResult::kNoEligibleRep:
      return absl::StrCat("matched, but all ", dsl::CandidateCount(rule),
                          " candidates were removed: fell through");
    case dsl::RuleResult::kDecided:
      return absl::StrCat("matched and decided; ", dsl::CandidateCount(rule), " candidates, ",
                          dsl::RemovedCount(rule), " removed");
    case dsl::RuleResult::kUnassigned:
      return "otherwise unassigned";
    case dsl::RuleResult::kError:
      return "evaluating `when` failed; treated as not matched";
    case dsl::RuleResult::kUnspecified:
      break;
  }
  return "";
}

// The rule's removals per API reason (no_weight is EVALUATION_ERROR there), in enum order; from
// the candidate list for a trace built without counts.
std::map<v1::RemovalReason, int32_t> RemovalCounts(const dsl::RuleTrace& rule) {
  std::map<v1::RemovalReason, int32_t> counts;
  if (rule.candidate_count > 0) {
    for (const dsl::RemovalCount& count : rule.removal_counts) {
      counts[ToRemovalProto(count.reason)] += static_cast<int32_t>(count.count);
    }
    return counts;
  }
  for (const dsl::CandidateTrace& c : rule.candidates) {
    if (c.removed != dsl::RemovalReason::kNone) ++counts[ToRemovalProto(c.removed)];
  }
  return counts;
}

v1::RuleTrace ToRuleTraceProto(const dsl::Explanation& ex, const dsl::RuleTrace& rule,
                               const dsl::SourceFile& source) {
  v1::RuleTrace trace;
  *trace.mutable_rule() = ToRuleRefProto(rule.rule, source);
  trace.set_result(ToRuleResultProto(rule.result));
  if (rule.when) {
    *trace.mutable_when() = ToExpressionProto(*rule.when, source, rule.when->subject_value);
  }
  for (const std::string& label : rule.rank_key_labels) trace.add_rank_key_labels(label);
  trace.set_review(rule.review);
  for (const dsl::CandidateTrace& c : rule.candidates) {
    *trace.add_candidates() = ToCandidateProto(ex, rule, c, source);
  }
  if (rule.strategy) *trace.mutable_strategy() = ToStrategyTraceProto(ex, *rule.strategy);
  trace.set_message(RuleMessage(rule));
  trace.set_candidate_count(static_cast<int32_t>(dsl::CandidateCount(rule)));
  for (const auto& [reason, count] : RemovalCounts(rule)) {
    v1::RemovalCount& out = *trace.add_removal_counts();
    out.set_reason(reason);
    out.set_count(count);
  }
  return trace;
}

}  // namespace

v1::Explanation ToExplanationProto(const dsl::Explanation& ex, const dsl::SourceFile& source) {
  v1::Explanation out;
  out.set_lead(LeadName(ex.lead));
  out.set_rule_version(ex.rule_version);
  out.mutable_decide_time()->set_seconds(ex.decide_time);
  out.set_outcome(ToOutcomeProto(ex.outcome));
  if (ex.rep) out.set_rep(RepName(RepIdAt(ex, *ex.rep)));
  if (ex.decided_by) *out.mutable_decided_by() = ToRuleRefProto(*ex.decided_by, source);
  out.set_unassigned_reason(ToUnassignedReasonProto(ex.unassigned_reason));
  for (const std::string& rep : ex.excluded_reps) out.add_excluded_reps(RepName(rep));
  out.set_truncated(ex.truncated);
  for (const dsl::RuleTrace& rule : ex.rules) *out.add_rules() = ToRuleTraceProto(ex, rule, source);
  return out;
}

v1::ExplanationSummary ToSummaryProto(const dsl::Explanation& ex) {
  v1::ExplanationSummary summary;
  summary.set_text(dsl::SummaryText(ex));
  summary.set_rules_tried(static_cast<int32_t>(ex.rules.size()));
  if (ex.rules.empty()) return summary;
  const dsl::RuleTrace& last = ex.rules.back();
  summary.set_candidates(static_cast<int32_t>(dsl::CandidateCount(last)));
  for (const auto& [reason, count] : RemovalCounts(last)) {
    const std::string name(absl::StripPrefix(v1::RemovalReason_Name(reason), "REMOVAL_REASON_"));
    (*summary.mutable_removed())[name] += count;
  }
  if (last.strategy) {
    summary.set_strategy(ToStrategyProto(last.strategy->kind, last.strategy->implicit));
    summary.set_tie_group_size(static_cast<int32_t>(dsl::TieGroupSize(*last.strategy)));
  }
  return summary;
}

std::vector<v1::Diagnostic> ToDiagnosticsProto(const dsl::SourceFile& source,
                                               const std::vector<dsl::Diagnostic>& diagnostics) {
  std::vector<v1::Diagnostic> out;
  out.reserve(diagnostics.size());
  for (const dsl::Diagnostic& d : diagnostics) {
    v1::Diagnostic& diagnostic = out.emplace_back();
    *diagnostic.mutable_range() = ToRangeProto(source, d.span);
    switch (d.severity) {
      case dsl::Severity::kError:
        diagnostic.set_severity(v1::SEVERITY_ERROR);
        break;
      case dsl::Severity::kWarning:
        diagnostic.set_severity(v1::SEVERITY_WARNING);
        break;
      case dsl::Severity::kNote:
        diagnostic.set_severity(v1::SEVERITY_NOTE);
        break;
    }
    diagnostic.set_code(d.code);
    diagnostic.set_message(d.message);
    diagnostic.set_hint(d.hint);
  }
  return out;
}

std::vector<v1::RuleInfo> ToRuleInfos(const dsl::Program& program, const dsl::SourceFile& source,
                                      int64_t version) {
  std::vector<v1::RuleInfo> infos;
  for (const dsl::Rule& rule : program.rules()) {
    infos.push_back(ToRuleInfo(rule, false, source, version));
  }
  if (const dsl::Rule* fallback = program.fallback()) {
    infos.push_back(ToRuleInfo(*fallback, true, source, version));
  } else if (program.has_otherwise()) {
    v1::RuleInfo& info = infos.emplace_back();
    info.mutable_rule()->set_name("otherwise");
    info.mutable_rule()->set_index(static_cast<int32_t>(program.rules().size()) + 1);
    info.mutable_rule()->set_version(version);
    info.mutable_rule()->set_otherwise(true);
    info.set_unassigned(true);
  }
  return infos;
}

namespace {

// The candidates a bounded rule does not list, e.g. `12 more not listed: 7 eligible, 5
// cap_reached`; empty when it lists them all.
std::string OmittedText(const v1::RuleTrace& rule) {
  if (rule.candidates_size() >= rule.candidate_count()) return "";
  std::map<v1::RemovalReason, int64_t> omitted;  // UNSPECIFIED: the eligible
  int64_t eligible = rule.candidate_count();
  for (const v1::RemovalCount& count : rule.removal_counts()) {
    omitted[count.reason()] += count.count();
    eligible -= count.count();
  }
  omitted[v1::REMOVAL_REASON_UNSPECIFIED] += eligible;
  for (const v1::CandidateTrace& c : rule.candidates()) {
    --omitted[c.has_removed() ? c.removed().reason() : v1::REMOVAL_REASON_UNSPECIFIED];
  }
  std::string out =
      absl::StrCat(rule.candidate_count() - rule.candidates_size(), " more not listed:");
  const char* sep = " ";
  for (const auto& [reason, count] : omitted) {
    if (count <= 0) continue;
    std::string name = reason == v1::REMOVAL_REASON_UNSPECIFIED
                           ? "eligible"
                           : absl::AsciiStrToLower(absl::StripPrefix(v1::RemovalReason_Name(reason),
                                                                     "REMOVAL_REASON_"));
    absl::StrAppend(&out, sep, count, " ", name);
    sep = ", ";
  }
  return out;
}

}  // namespace

std::string RenderExplanationText(const v1::Explanation& ex) {
  std::string out = absl::StrCat(ex.lead(), " (rules v", ex.rule_version(), "): ");
  const std::string outcome(absl::StripPrefix(v1::Outcome_Name(ex.outcome()), "OUTCOME_"));
  absl::StrAppend(&out, outcome);
  if (!ex.rep().empty()) absl::StrAppend(&out, " to ", ex.rep());
  if (ex.has_decided_by()) {
    absl::StrAppend(&out, " by rule ",
                    ex.decided_by().name().empty()
                        ? absl::StrCat("#", ex.decided_by().index())
                        : absl::StrCat("\"", ex.decided_by().name(), "\""));
  }
  if (ex.outcome() == v1::OUTCOME_UNASSIGNED) {
    absl::StrAppend(&out, " (", v1::UnassignedReason_Name(ex.unassigned_reason()), ")");
  }
  out += "\n";
  if (ex.has_score()) out += RenderScoreTrace(ex.score());
  if (ex.excluded_reps_size() > 0) {
    out += "excluded by the call:";
    for (const std::string& rep : ex.excluded_reps()) absl::StrAppend(&out, " ", rep);
    out += "\n";
  }
  if (ex.has_manual_target()) {
    const v1::CandidateTrace& target = ex.manual_target();
    absl::StrAppend(&out, "manual assignment to ", target.rep());
    if (target.has_removed())
      absl::StrAppend(&out, " (forced past: ", target.removed().message(), ")");
    out += "\n";
  }
  for (const v1::RuleTrace& rule : ex.rules()) {
    const std::string label = rule.rule().otherwise() ? "otherwise"
                              : rule.rule().name().empty()
                                  ? absl::StrCat("rule #", rule.rule().index())
                                  : absl::StrCat("rule \"", rule.rule().name(), "\"");
    absl::StrAppend(&out, "\n", label, " [", rule.rule().range().line(), ":",
                    rule.rule().range().column(), "]: ", rule.message(), "\n");
    for (const v1::CandidateTrace& c : rule.candidates()) {
      absl::StrAppend(&out, "  ", c.rep(), ": ");
      if (c.has_removed()) {
        absl::StrAppend(&out, "removed, ", c.removed().message(), "\n");
        continue;
      }
      absl::StrAppend(&out, "eligible, tie group ", c.ranked().tie_group());
      if (c.ranked().rank_keys_size() > 0) {
        out += ", keys (";
        for (int k = 0; k < c.ranked().rank_keys_size(); ++k) {
          absl::StrAppend(&out, k > 0 ? ", " : "", Number(c.ranked().rank_keys(k)));
        }
        out += ")";
      }
      if (c.ranked().has_strategy_score()) {
        absl::StrAppend(&out, ", score ", Number(c.ranked().strategy_score()));
      }
      if (c.picked()) out += "  <- picked";
      out += "\n";
    }
    if (const std::string omitted = OmittedText(rule); !omitted.empty()) {
      absl::StrAppend(&out, "  (", omitted, ")\n");
    }
    if (rule.has_strategy()) {
      absl::StrAppend(&out, "  strategy ", rule.strategy().text(), ": ", rule.strategy().message(),
                      "\n");
      if (!rule.strategy().tie_break().empty()) {
        absl::StrAppend(&out, "  ties broken by: ", rule.strategy().tie_break(), "\n");
      }
    }
  }
  if (ex.truncated()) out += "\n(candidate lists truncated)\n";
  return out;
}

}  // namespace leadrouter::server
