#include "dsl/decision/explanation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/base/lexical.h"
#include "dsl/base/text_util.h"
#include "dsl/compile/program.h"
#include "dsl/decision/availability.h"
#include "dsl/decision/periods.h"

namespace leadrouter::dsl {
namespace {

using Json = nlohmann::ordered_json;

// Scores and rank keys as explanations have always shown them: whole numbers in full, others to
// six significant digits (`0.333333`, not FormatNumber's round-trip `0.3333333333333333`), so
// that a stored explanation's text does not change.
std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.6g", value);
}

const std::string& RepId(const Explanation& ex, uint32_t rep) {
  static const std::string kUnknown = "?";
  return rep < ex.reps.size() ? ex.reps[rep].id : kUnknown;
}

std::string Loc(const LineColumn& at) { return absl::StrCat(at.line, ":", at.column); }

std::string FormatWait(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const int64_t h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60;
  std::string out;
  if (h > 0) absl::StrAppend(&out, h, "h");
  if (m > 0) absl::StrAppend(&out, m, "m");
  if (h == 0 && (s > 0 || m == 0)) absl::StrAppend(&out, s, "s");
  return out;
}

// JSON numbers cannot be infinite: rank keys of -inf (a null prefer key) become null.
Json JsonNumber(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json ExpressionJson(const ExpressionTrace& e) {
  Json j;
  j["range"] = {{"line", e.start.line},
                {"column", e.start.column},
                {"begin", e.range.begin},
                {"end", e.range.end}};
  j["text"] = e.text;
  if (!e.subject.empty()) {
    j["subject"] = e.subject;
    j["subject_value"] = e.subject_value;
  }
  return j;
}

Json RuleRefJson(const RuleRef& r) {
  return Json{{"name", r.name},       {"label", r.label},     {"index", r.index},
              {"version", r.version}, {"line", r.start.line}, {"otherwise", r.otherwise}};
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAssigned:
      return "assigned";
    case Outcome::kPendingReview:
      return "pending_review";
    case Outcome::kUnassigned:
      return "unassigned";
    case Outcome::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string_view UnassignedReasonName(UnassignedReason reason) {
  switch (reason) {
    case UnassignedReason::kNoActiveRules:
      return "no_active_rules";
    case UnassignedReason::kNoRuleMatched:
      return "no_rule_matched";
    case UnassignedReason::kNoEligibleRep:
      return "no_eligible_rep";
    case UnassignedReason::kOtherwiseUnassigned:
      return "otherwise_unassigned";
    case UnassignedReason::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string_view RuleResultName(RuleResult result) {
  switch (result) {
    case RuleResult::kNotMatched:
      return "not_matched";
    case RuleResult::kNoEligibleRep:
      return "no_eligible_rep";
    case RuleResult::kDecided:
      return "decided";
    case RuleResult::kUnassigned:
      return "unassigned";
    case RuleResult::kError:
      return "error";
    case RuleResult::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string_view RemovalReasonName(RemovalReason reason) {
  switch (reason) {
    case RemovalReason::kStatusAway:
      return "status_away";
    case RemovalReason::kStatusOff:
      return "status_off";
    case RemovalReason::kExcluded:
      return "excluded";
    case RemovalReason::kNotInTeam:
      return "not_in_team";
    case RemovalReason::kRequireFailed:
      return "require_failed";
    case RemovalReason::kCapReached:
      return "cap_reached";
    case RemovalReason::kEvaluationError:
      return "evaluation_error";
    case RemovalReason::kNoWeight:
      return "no_weight";
    case RemovalReason::kNone:
      break;
  }
  return "none";
}

size_t CandidateCount(const RuleTrace& rule) {
  return std::max<size_t>(rule.candidate_count, rule.candidates.size());
}

size_t RemovedCount(const RuleTrace& rule) {
  size_t removed = 0;
  if (rule.candidate_count > 0) {
    for (const RemovalCount& count : rule.removal_counts) removed += count.count;
    return removed;
  }
  for (const CandidateTrace& c : rule.candidates) removed += c.removed != RemovalReason::kNone;
  return removed;
}

size_t TieGroupSize(const StrategyTrace& strategy) {
  return std::max<size_t>(strategy.tie_group_size, strategy.tie_group.size());
}

std::string CapText(const CapTrace& cap) {
  if (cap.scope == CapScope::kRep) {
    return absl::StrCat(cap.unit == CapUnit::kOpen ? "rep max_open " : "rep daily_cap ", cap.limit);
  }
  return absl::StrCat("cap ", WrittenCap(cap.limit, cap.unit));
}

std::string RemovalMessage(const Explanation& ex, const RuleTrace& rule, const CandidateTrace& c) {
  switch (c.removed) {
    case RemovalReason::kNone:
      return "";
    case RemovalReason::kStatusAway:
    case RemovalReason::kStatusOff:
      return AvailabilityMessage(Availability{.reason = c.removed});
    case RemovalReason::kExcluded:
      return "excluded by the call";
    case RemovalReason::kNotInTeam:
      return absl::StrCat("not in team ", lexical::QuoteString(rule.team.value_or("")));
    case RemovalReason::kRequireFailed: {
      if (c.detail >= rule.require_conjuncts.size()) return "require failed";
      const ExpressionTrace& e = rule.require_conjuncts[c.detail];
      if (!c.value.empty() && !e.subject.empty()) {
        return absl::StrCat("require failed: ", e.text, " (", e.subject, " = ", c.value, ")");
      }
      return absl::StrCat("require failed: ", e.text);
    }
    case RemovalReason::kCapReached: {
      if (c.cap_scope == CapScope::kRep) {
        const RepRef* rep = c.rep < ex.reps.size() ? &ex.reps[c.rep] : nullptr;
        const std::optional<int64_t> limit =
            rep == nullptr ? std::nullopt
                           : (c.detail == kRepMaxOpenDetail ? rep->max_open : rep->daily_cap);
        return AvailabilityMessage(Availability{.reason = RemovalReason::kCapReached,
                                                .cap_detail = c.detail,
                                                .count = c.count,
                                                .limit = limit.value_or(c.count)});
      }
      if (c.detail >= rule.caps.size()) return "cap reached";
      const CapTrace& cap = rule.caps[c.detail];
      return absl::StrCat(CapText(cap), " reached (", c.count, " of ", cap.limit, ")");
    }
    case RemovalReason::kEvaluationError:
      return "evaluation error";
    case RemovalReason::kNoWeight:
      return absl::StrCat("no positive weight for ",
                          rule.strategy ? rule.strategy->text : "weighted",
                          c.value.empty() ? "" : absl::StrCat(" (", c.value, ")"));
  }
  return "";
}

std::string StrategyMessage(const Explanation& ex, const StrategyTrace& s) {
  if (!s.pick) return "no candidate";
  std::string out = absl::StrCat("picked ", RepId(ex, *s.pick), ": ");
  switch (s.reason) {
    case PickReason::kOnlyCandidate:
      return absl::StrCat(out, "the only rep in the tie group");
    case PickReason::kWaitedLongest:
    case PickReason::kStickyNoKey:
      if (s.reason == PickReason::kStickyNoKey)
        absl::StrAppend(&out, "no sticky key, round robin: ");
      if (!s.pick_last_chosen_time) {
        return absl::StrCat(out, "waited longest (never chosen by this rule)");
      }
      return absl::StrCat(out, "waited longest: last chosen ", FormatUtc(*s.pick_last_chosen_time),
                          " (", FormatWait(s.pick_score ? static_cast<int64_t>(*s.pick_score) : 0),
                          " ago)");
    case PickReason::kLeastLoaded:
      return absl::StrCat(out, "fewest open leads (", Number(s.pick_score.value_or(0)), ")");
    case PickReason::kBalanced:
      // With `by tier` the band's count decides before the amount: "first by", not "least".
      return absl::StrCat(out, "first by ", s.text, " (received ", Number(s.pick_score.value_or(0)),
                          ")");
    case PickReason::kWeighted:
      return absl::StrCat(out, "furthest behind its weighted share (weight ",
                          Number(s.pick_score.value_or(0)), ")");
    case PickReason::kSticky:
      return absl::StrCat(out, "highest rendezvous score for the sticky key");
    case PickReason::kNone:
      break;
  }
  return out;
}

std::string SummaryText(const Explanation& ex) {
  std::string out;
  if (ex.outcome == Outcome::kAssigned && ex.rep && ex.decided_by) {
    out = absl::StrCat("assigned to ", RepId(ex, *ex.rep), " by ", ex.decided_by->label);
  } else if (ex.outcome == Outcome::kPendingReview && ex.rep && ex.decided_by) {
    out = absl::StrCat("proposed to ", RepId(ex, *ex.rep), " by ", ex.decided_by->label,
                       ", pending review");
  } else {
    out = absl::StrCat("unassigned (", Piece(UnassignedReasonName(ex.unassigned_reason)), ")");
  }
  const RuleTrace* last = ex.rules.empty() ? nullptr : &ex.rules.back();
  if (last != nullptr && CandidateCount(*last) > 0) {
    absl::StrAppend(&out, "; ", CandidateCount(*last), " candidates, ", RemovedCount(*last),
                    " removed");
    if (last->strategy) {
      absl::StrAppend(&out, "; ", last->strategy->text, " among ", TieGroupSize(*last->strategy));
    }
  }
  absl::StrAppend(&out, "; ", ex.rules.size(), " rule(s) tried");
  return out;
}

namespace {

// `rules v3` for a published version; the file's name for a dry run of a file (version 0).
std::string RulesText(const Explanation& ex) {
  if (ex.rule_version == 0 && !ex.rules_file.empty()) return absl::StrCat("rules ", ex.rules_file);
  return absl::StrCat("rules v", ex.rule_version);
}

// The candidates a bounded rule does not list, e.g. `12 more not listed: 7 eligible, 5
// cap_reached`; empty when it lists them all.
std::string OmittedText(const RuleTrace& rule) {
  if (rule.candidates.size() >= rule.candidate_count) return "";
  constexpr size_t kReasons = static_cast<size_t>(RemovalReason::kNoWeight) + 1;
  std::array<int64_t, kReasons> omitted{};
  for (const RemovalCount& count : rule.removal_counts) {
    omitted[static_cast<size_t>(count.reason)] += count.count;
    omitted[0] -= count.count;
  }
  omitted[0] += rule.candidate_count;  // the survivors
  for (const CandidateTrace& c : rule.candidates) --omitted[static_cast<size_t>(c.removed)];
  std::string out =
      absl::StrCat(rule.candidate_count - rule.candidates.size(), " more not listed:");
  const char* sep = " ";
  for (size_t r = 0; r < kReasons; ++r) {
    if (omitted[r] <= 0) continue;
    absl::StrAppend(&out, sep, omitted[r], " ",
                    r == 0 ? "eligible" : Piece(RemovalReasonName(static_cast<RemovalReason>(r))));
    sep = ", ";
  }
  return out;
}

}  // namespace

std::string RenderExplanationText(const Explanation& ex) {
  std::string out = absl::StrCat("lead ", ex.lead.empty() ? "(no id)" : ex.lead, " at ",
                                 FormatUtc(ex.decide_time), " (decision #", ex.sequence, ", ",
                                 RulesText(ex), ")\n");
  absl::StrAppend(&out, "outcome: ", SummaryText(ex), "\n");
  if (!ex.excluded_reps.empty()) {
    absl::StrAppend(&out, "excluded by the call:");
    for (const std::string& id : ex.excluded_reps) absl::StrAppend(&out, " ", id);
    absl::StrAppend(&out, "\n");
  }
  for (const RuleTrace& rule : ex.rules) {
    absl::StrAppend(&out, "\n", rule.rule.label, " [", Loc(rule.rule.start),
                    "]: ", Piece(RuleResultName(rule.result)), "\n");
    if (rule.result == RuleResult::kNotMatched) {
      if (rule.when) {
        absl::StrAppend(&out, "  when is false at `", rule.when->text, "`");
        if (!rule.when->subject.empty()) {
          absl::StrAppend(&out, " (", rule.when->subject, " = ", rule.when->subject_value, ")");
        }
        absl::StrAppend(&out, "\n");
      }
      continue;
    }
    if (!rule.rank_key_labels.empty()) {
      absl::StrAppend(&out, "  prefer:");
      for (const std::string& label : rule.rank_key_labels) absl::StrAppend(&out, " ", label, ";");
      absl::StrAppend(&out, "\n");
    }
    for (const CandidateTrace& c : rule.candidates) {
      absl::StrAppend(&out, "  ", RepId(ex, c.rep), ": ");
      if (c.removed != RemovalReason::kNone) {
        absl::StrAppend(&out, "removed, ", RemovalMessage(ex, rule, c), "\n");
        continue;
      }
      absl::StrAppend(&out, "eligible, tie group ", c.tie_group);
      if (!rule.rank_key_labels.empty()) {
        absl::StrAppend(&out, ", keys (");
        for (size_t k = 0; k < rule.rank_key_labels.size(); ++k) {
          if (k > 0) absl::StrAppend(&out, ", ");
          const size_t at = c.rank_offset + k;
          absl::StrAppend(&out, at < rule.rank_keys.size() ? Number(rule.rank_keys[at]) : "?");
        }
        absl::StrAppend(&out, ")");
      }
      if (c.strategy_score) absl::StrAppend(&out, ", score ", Number(*c.strategy_score));
      if (c.picked) absl::StrAppend(&out, "  <- picked");
      absl::StrAppend(&out, "\n");
    }
    if (const std::string omitted = OmittedText(rule); !omitted.empty()) {
      absl::StrAppend(&out, "  (", omitted, ")\n");
    }
    if (rule.strategy) {
      const StrategyTrace& s = *rule.strategy;
      absl::StrAppend(&out, "  strategy ", s.text, s.implicit ? " (default)" : "",
                      ", score = ", s.score_label, "\n  tie group:");
      for (const uint32_t rep : s.tie_group) absl::StrAppend(&out, " ", RepId(ex, rep));
      if (s.tie_group_size > s.tie_group.size()) {
        absl::StrAppend(&out, " (", s.tie_group_size, " in all)");
      }
      absl::StrAppend(&out, "\n  ", StrategyMessage(ex, s), "\n");
      if (!s.tie_break.empty()) absl::StrAppend(&out, "  ties broken by: ", s.tie_break, "\n");
    }
  }
  if (ex.truncated) absl::StrAppend(&out, "\n(candidate lists truncated)\n");
  return out;
}

namespace {

// One candidate of a rule's explanation: removed (why) or ranked (its keys and tie group).
Json CandidateJson(const Explanation& ex, const RuleTrace& rule, const CandidateTrace& c) {
  Json cj;
  cj["rep"] = RepId(ex, c.rep);
  if (c.rep < ex.reps.size()) cj["display_name"] = ex.reps[c.rep].display_name;
  if (c.removed != RemovalReason::kNone) {
    Json removed;
    removed["reason"] = RemovalReasonName(c.removed);
    removed["message"] = RemovalMessage(ex, rule, c);
    if (c.removed == RemovalReason::kRequireFailed && c.detail < rule.require_conjuncts.size()) {
      Json e = ExpressionJson(rule.require_conjuncts[c.detail]);
      if (!c.value.empty()) e["subject_value"] = c.value;
      removed["expression"] = e;
    }
    if (c.removed == RemovalReason::kCapReached) {
      removed["cap"] = {{"scope", c.cap_scope == CapScope::kRep ? "rep" : "rule"},
                        {"count", c.count}};
      if (c.cap_scope == CapScope::kRule && c.detail < rule.caps.size()) {
        removed["cap"]["limit"] = rule.caps[c.detail].limit;
        removed["cap"]["unit"] = CapUnitName(rule.caps[c.detail].unit);
      }
    }
    cj["removed"] = removed;
  } else {
    Json ranked;
    Json keys = Json::array();
    for (size_t k = 0; k < rule.rank_key_labels.size(); ++k) {
      const size_t at = c.rank_offset + k;
      keys.push_back(at < rule.rank_keys.size() ? JsonNumber(rule.rank_keys[at]) : Json());
    }
    ranked["rank_keys"] = keys;
    ranked["tie_group"] = c.tie_group;
    if (c.strategy_score) ranked["strategy_score"] = JsonNumber(*c.strategy_score);
    cj["ranked"] = ranked;
  }
  cj["picked"] = c.picked;
  return cj;
}

// How a rule's strategy picked from the tie group.
Json StrategyJson(const Explanation& ex, const StrategyTrace& s) {
  Json sj;
  sj["kind"] = StrategyName(s.kind);
  sj["text"] = s.text;
  Json tie = Json::array();
  for (const uint32_t rep : s.tie_group) tie.push_back(RepId(ex, rep));
  sj["tie_group"] = tie;
  if (s.tie_group_size > s.tie_group.size()) sj["tie_group_size"] = s.tie_group_size;
  sj["pick"] = s.pick ? RepId(ex, *s.pick) : "";
  sj["score_label"] = s.score_label;
  sj["tie_break"] = s.tie_break;
  sj["message"] = StrategyMessage(ex, s);
  return sj;
}

}  // namespace

std::string RenderExplanationJson(const Explanation& ex) {
  Json j;
  j["assignment"] = ex.assignment;
  j["lead"] = ex.lead;
  j["rule_version"] = ex.rule_version;
  j["decide_time"] = FormatUtc(ex.decide_time);
  j["sequence"] = ex.sequence;
  j["outcome"] = OutcomeName(ex.outcome);
  j["rep"] = ex.rep ? RepId(ex, *ex.rep) : "";
  if (ex.decided_by) j["decided_by"] = RuleRefJson(*ex.decided_by);
  if (ex.outcome == Outcome::kUnassigned) {
    j["unassigned_reason"] = UnassignedReasonName(ex.unassigned_reason);
  }
  j["excluded_reps"] = ex.excluded_reps;
  j["truncated"] = ex.truncated;
  j["summary"] = SummaryText(ex);
  Json rules = Json::array();
  for (const RuleTrace& rule : ex.rules) {
    Json r;
    r["rule"] = RuleRefJson(rule.rule);
    r["result"] = RuleResultName(rule.result);
    if (rule.when) r["when"] = ExpressionJson(*rule.when);
    r["rank_key_labels"] = rule.rank_key_labels;
    Json candidates = Json::array();
    for (const CandidateTrace& c : rule.candidates) {
      candidates.push_back(CandidateJson(ex, rule, c));
    }
    r["candidates"] = std::move(candidates);
    if (rule.candidates.size() < rule.candidate_count) {
      // Bounded: the counts say what the list leaves out.
      r["candidate_count"] = rule.candidate_count;
      Json counts = Json::object();
      for (const RemovalCount& count : rule.removal_counts) {
        counts[std::string(RemovalReasonName(count.reason))] = count.count;
      }
      r["removal_counts"] = std::move(counts);
    }
    if (rule.strategy) {
      r["strategy"] = StrategyJson(ex, *rule.strategy);
    }
    r["review"] = rule.review;
    rules.push_back(std::move(r));
  }
  j["rules"] = std::move(rules);
  return j.dump();
}

}  // namespace leadrouter::dsl
