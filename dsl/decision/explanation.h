// Why a lead went where it went: the trace of one decision, kept with every assignment.
//
// The types mirror proto/leadrouter/v1/explanation.proto field for field (same names, same enum
// order, 0 = unspecified where the proto has it), so the server converts 1:1; dsl does not depend
// on protobuf. Differences, all for compactness (an explanation of a rule over 1,000 reps stays a
// few tens of KB):
// - Reps are listed once in Explanation::reps; a CandidateTrace refers to its rep by index.
// - A removed candidate stores a reason code plus the index of the failing `require` conjunct or
//   cap (RuleTrace::require_conjuncts / caps hold their text once per rule), the cap count, and the
//   failing conjunct's subject value as short text. Sentences are rendered on demand
//   (RemovalMessage, RenderExplanationText/Json), never stored per rep.
// - Rank keys of all surviving candidates of a rule live in one flat array.
// - Bounded (DecideOptions::bound, the form stored with every assignment): a rule lists only the
//   decisive candidates, the pick and its closest runners-up and a few examples per removal
//   reason, with the counts per reason complete (RuleTrace::candidate_count, removal_counts), so
//   that what is stored does not grow with the roster. Every other rep's trace is recomputed on
//   demand from the decision's inputs (AssignmentService.Explain with `rep`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dsl/base/source.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

enum class Outcome : uint8_t { kUnspecified, kAssigned, kPendingReview, kUnassigned };

// Whether the decision picked a rep: assigned, or proposed to a reviewer (a rule's `review`). A
// proposal moves the counts as an assignment does, so that caps hold while it waits.
inline bool PicksRep(Outcome outcome) {
  return outcome == Outcome::kAssigned || outcome == Outcome::kPendingReview;
}

enum class UnassignedReason : uint8_t {
  kUnspecified,
  kNoActiveRules,
  kNoRuleMatched,
  kNoEligibleRep,
  kOtherwiseUnassigned,
};
inline constexpr size_t kUnassignedReasonCount = 5;

enum class RuleResult : uint8_t {
  kUnspecified,
  kNotMatched,
  kNoEligibleRep,
  kDecided,
  kUnassigned,
  kError,
};

// In the order the filters run: the first that applies is the one reported.
enum class RemovalReason : uint8_t {
  kNone,  // not removed (REMOVAL_REASON_UNSPECIFIED)
  kStatusAway,
  kStatusOff,
  kExcluded,
  kNotInTeam,
  kRequireFailed,
  kCapReached,
  kEvaluationError,
  // weighted(expr) gave no positive weight for the rep. The proto has no such reason yet: the
  // server maps it to EVALUATION_ERROR with RemovalMessage() as the message.
  kNoWeight,
};

enum class CapScope : uint8_t { kUnspecified, kRule, kRep };

std::string_view OutcomeName(Outcome outcome);                   // "assigned", ...
std::string_view UnassignedReasonName(UnassignedReason reason);  // "no_eligible_rep", ...
std::string_view RuleResultName(RuleResult result);              // "not_matched", ...
std::string_view RemovalReasonName(RemovalReason reason);        // "cap_reached", ...

// A sub-expression of a rule: its place and text (value kept separately where it varies per rep).
struct ExpressionTrace {
  SourceSpan range;
  LineColumn start;  // line:column of range.begin
  std::string text;  // at most 256 bytes, longer text cut with "…"
  // The value of the expression's subject (`skill("tech")` of `skill("tech") >= 3`) as text, and
  // the subject's own text; empty when the expression has no subject.
  std::string subject;
  std::string subject_value;
};

// A cap of the rule (scope kRule, range set) or of the rep (scope kRep: daily_cap, max_open).
struct CapTrace {
  int64_t limit = 0;
  CapUnit unit = CapUnit::kDay;
  CapScope scope = CapScope::kRule;
  SourceSpan range;
};

// Index of the rep-level caps in a CandidateTrace::detail when the reason is kCapReached and the
// scope is kRep (RuleTrace::caps index otherwise).
inline constexpr uint16_t kRepDailyCapDetail = 0;
inline constexpr uint16_t kRepMaxOpenDetail = 1;

struct CandidateTrace {
  // Index into Explanation::reps.
  uint32_t rep = 0;
  RemovalReason removed = RemovalReason::kNone;
  CapScope cap_scope = CapScope::kUnspecified;  // for kCapReached
  // kRequireFailed: index into RuleTrace::require_conjuncts. kCapReached: index into
  // RuleTrace::caps (scope kRule) or kRepDailyCapDetail / kRepMaxOpenDetail (scope kRep).
  uint16_t detail = 0;
  // kCapReached: the rep's count in the cap's period (>= the limit). kNoWeight: 0.
  int64_t count = 0;
  // kRequireFailed: the failing conjunct's subject value (`0` for `skill("tech")`), or empty.
  std::string value;
  // Survivors: 1-based group of equal rank keys (1 = best, the strategy's tie group).
  uint32_t tie_group = 0;
  // Survivors: index of the first of its rank keys in RuleTrace::rank_keys.
  uint32_t rank_offset = 0;
  // Tie group 1 only: the strategy's measure (StrategyTrace::score_label).
  std::optional<double> strategy_score;
  bool picked = false;
};

enum class PickReason : uint8_t {
  kNone,
  kWaitedLongest,  // round robin: the oldest last_chosen (or never chosen)
  kLeastLoaded,    // fewest open leads
  kBalanced,       // smallest balanced sum this period
  kWeighted,       // largest weighted lag
  kSticky,         // highest rendezvous score for the sticky key
  kStickyNoKey,    // sticky key null: fell back to round robin
  kOnlyCandidate,  // one rep in the tie group
};

struct StrategyTrace {
  StrategyKind kind = StrategyKind::kRoundRobin;
  bool implicit = true;  // no `distribute` clause: round robin by default
  std::string text;      // `balanced(quality)`, "round_robin" when defaulted
  // Indices into Explanation::reps, in the order the strategy ranked them (the pick first); in a
  // bounded explanation only the first ExplanationBound::tie_group of them.
  std::vector<uint32_t> tie_group;
  // How many reps the tie group had (tie_group.size() unless bounded).
  uint32_t tie_group_size = 0;
  std::optional<uint32_t> pick;
  std::string score_label;  // "seconds waited", "open leads", ...
  // How exact ties on the score were broken, e.g. "waited longest, then hash(rep id, rule)"; empty
  // when the score alone decided.
  std::string tie_break;
  PickReason reason = PickReason::kNone;
  // The pick's measure: its strategy score; for kWaitedLongest also when it was last chosen.
  std::optional<double> pick_score;
  std::optional<int64_t> pick_last_chosen_time;  // nullopt + kWaitedLongest: never chosen
};

struct RemovalCount {
  RemovalReason reason = RemovalReason::kNone;
  uint32_t count = 0;
};

// What a bounded explanation keeps of each rule (DecideOptions::bound).
struct ExplanationBound {
  // The pick's closest runners-up: the survivors after it in the strategy's order within the tie
  // group, then by rank (tie group, then roster order).
  size_t runners_up = 5;
  // StrategyTrace::tie_group: its first members in strategy order (the pick first).
  size_t tie_group = 5;
  // Removed candidates listed per removal reason: the first in roster order.
  size_t examples_per_reason = 1;
};

struct RuleRef {
  std::string name;   // "" for an anonymous rule, "otherwise" for the fallback
  std::string label;  // `rule "vip"`, `rule #2 (line 14)`, `otherwise (line 30)`
  int32_t index = 0;  // 1-based in evaluation order; the fallback is last; 0 = none
  int64_t version = 0;
  SourceSpan range;
  LineColumn start;
  bool otherwise = false;
};

struct RuleTrace {
  RuleRef rule;
  RuleResult result = RuleResult::kUnspecified;
  // NOT_MATCHED: the first false conjunct of `when` (unset when the rule has no `when`).
  std::optional<ExpressionTrace> when;
  // Labels of the rank keys: the prefer keys as written.
  std::vector<std::string> rank_key_labels;
  // The conjuncts of `require` and the caps, which CandidateTrace::detail points into.
  std::vector<ExpressionTrace> require_conjuncts;
  std::vector<CapTrace> caps;
  std::optional<std::string> team;
  // Every rep of the roster (sorted by id), up to Explanation limits; empty for NOT_MATCHED.
  std::vector<CandidateTrace> candidates;
  // rank_key_labels.size() values per surviving candidate, at CandidateTrace::rank_offset.
  std::vector<double> rank_keys;
  std::optional<StrategyTrace> strategy;
  // The rule decided and its `review` applied to the lead: the pick is a proposal.
  bool review = false;
  // Every rep the rule considered (the roster), listed in `candidates` or not; 0 for NOT_MATCHED.
  uint32_t candidate_count = 0;
  // How many of them each filter removed: reasons with a count, in RemovalReason order. Complete
  // also when `candidates` is bounded.
  std::vector<RemovalCount> removal_counts;
};

struct RepRef {
  std::string id;
  std::string display_name;
  // The rep-level caps at decision time, for rendering kCapReached with scope kRep.
  std::optional<int64_t> daily_cap;
  std::optional<int64_t> max_open;
};

struct Explanation {
  std::string assignment;  // empty in dry runs
  std::string lead;        // the lead id
  int64_t rule_version = 0;
  // The rule file's name (Program::source_name); named instead of `v0` for an unpublished file.
  std::string rules_file;
  int64_t decide_time = 0;  // Unix seconds
  uint64_t sequence = 0;    // the decision sequence number
  std::vector<RuleTrace> rules;
  Outcome outcome = Outcome::kUnspecified;
  std::optional<uint32_t> rep;  // index into reps
  std::optional<RuleRef> decided_by;
  UnassignedReason unassigned_reason = UnassignedReason::kUnspecified;
  std::vector<std::string> excluded_reps;
  // Some rule lists fewer candidates than it considered (max_explained_candidates, or bounded).
  bool truncated = false;
  // The reps CandidateTrace::rep points at (the roster, sorted by id).
  std::vector<RepRef> reps;
};

// One sentence for a removed candidate, e.g. `cap 20/day reached (20 of 20)`,
// `require failed: skill("tech") = 0`, `not in team "enterprise"`, `status away`.
std::string RemovalMessage(const Explanation& explanation, const RuleTrace& rule,
                           const CandidateTrace& candidate);

// One sentence for the strategy's pick, e.g. `picked ana: waited longest (last chosen
// 2026-11-27T09:00:00Z)`.
std::string StrategyMessage(const Explanation& explanation, const StrategyTrace& strategy);

// A short summary line (the proto's ExplanationSummary.text).
std::string SummaryText(const Explanation& explanation);

// Human-readable, several lines; every rep of each rule tried, one per line.
std::string RenderExplanationText(const Explanation& explanation);
// One JSON object whose field names are the proto's (snake_case), with the rendered sentences.
std::string RenderExplanationJson(const Explanation& explanation);

// The reps the rule considered, listed or not (RuleTrace::candidate_count; for a trace built
// without it, its list's length).
size_t CandidateCount(const RuleTrace& rule);
// How many of them were removed, for any reason.
size_t RemovedCount(const RuleTrace& rule);
// The reps of the tie group, listed or not.
size_t TieGroupSize(const StrategyTrace& strategy);

// "cap 20/day", "cap 40 open", "daily_cap 10", "max_open 40".
std::string CapText(const CapTrace& cap);

}  // namespace leadrouter::dsl
