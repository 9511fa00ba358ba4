// Evaluating the rules of a compiled Program (dsl/compile/program.h) against one lead and one rep.
//
// These are the building blocks of the decision: RuleMatches on the lead, then per candidate rep
// RepEligible, RankKeys and the strategy's inputs. All functions are `const` on the Program, never
// throw, and never allocate once the context's ScratchBuffer has warmed up (except the Explain*
// functions, which build text). Each one resets the context's ScratchBuffer when it starts. What
// each operator does (null, type mismatches, division by zero) is stated in dsl/eval/eval.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dsl/compile/program.h"
#include "dsl/eval/eval_context.h"
#include "dsl/eval/eval_nodes.h"

namespace leadrouter::dsl {

// Whether `condition` holds (its value is `true`).
bool Holds(const Condition& condition, const EvalContext& context);

// Whether the rule's `when` holds for context.lead (true when the rule has no `when`). Reads no
// rep: context.rep may be null.
bool RuleMatches(const Rule& rule, const EvalContext& context);

// Whether context.rep passes the rule's hard filters: `team` (the rep's team equals it) and
// `require`. Caps and availability are the decision's business (they need its state).
bool RepEligible(const Rule& rule, const EvalContext& context);

// Why a rep was filtered out, for explanations.
struct Rejection {
  enum class Reason { kNone, kTeam, kRequire };
  Reason reason = Reason::kNone;
  SourceSpan span;        // the `team` clause or the failing conjunct of `require`
  std::string condition;  // its source text: `skill("tech") >= 3`
  // The value of the conjunct's subject (`skill("tech")`), when it has one: `skill("tech") = 0`.
  std::string subject;        // source text of the subject, empty when none
  std::string subject_value;  // FormatValue of its value
};

// Like RepEligible, but says which clause failed. Allocates.
Rejection ExplainRejection(const Program& program, const Rule& rule, const EvalContext& context);

// The value of one prefer key for context.rep: numbers as they are, bools as 1 / 0, durations in
// seconds; anything else (null, strings, NaN) ranks lowest as -infinity.
double RankKey(const PreferKey& key, const EvalContext& context);

// All prefer keys of the rule, in order, into `keys` (resized; reuse it to avoid allocating).
void RankKeys(const Rule& rule, const EvalContext& context, std::vector<double>& keys);

// The numeric input of balanced(expr) / weighted(expr): nullopt when the strategy takes none or
// the value is not a finite number (durations count in seconds, bools as 1 / 0).
std::optional<double> StrategyInput(const Strategy& strategy, const EvalContext& context);

// The stable hash of sticky(expr)'s value (64-bit FNV-1a of its canonical bytes, the same in every
// process and version); nullopt when the strategy is not sticky or the value is null.
std::optional<uint64_t> StickyKey(const Strategy& strategy, const EvalContext& context);

}  // namespace leadrouter::dsl
