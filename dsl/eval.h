// Evaluating a compiled Program (dsl/program.h) against one lead and one rep.
//
// These are the building blocks of the decision: RuleMatches on the lead, then per candidate rep
// RepEligible, RankKeys and the strategy's inputs. All functions are `const` on the Program, never
// throw, and never allocate once the context's ScratchBuffer has warmed up (except the Explain*
// functions, which build text). Each one resets the context's ScratchBuffer when it starts.
//
// Semantics (the language reference, docs/language.md, states the same rules):
// - A missing field is null. Any comparison with null is false, `!=` included; so is a comparison
//   of two values of different kinds (a run-time type mismatch): `quality > 80` is false when the
//   lead's quality is missing or arrived as a string.
// - A condition is satisfied only by the value `true`: null and non-bool results count as false.
//   `and` / `or` short-circuit and always give a bool; `not` gives null for a non-bool operand (so
//   `not missing_flag` is not satisfied either).
// - Arithmetic with null gives null; division or modulo by zero gives null; numbers are doubles;
//   durations and timestamps are whole seconds (overflow gives null).
// - Strings compare byte-wise. `x in list` is membership, `s in string` a substring test,
//   `name in skills` a key test; `not in` is false, not true, when the question is meaningless
//   (null, or a number looked up in a string). `contains` is `in` with the operands swapped.
// - `matches` is an unanchored RE2 search (anchor with ^ and $).
// - `skill(name)` is the rep's level in that skill, 0 when the rep lacks it; `tag(name)` whether
//   the rep has the tag; `lower` is ASCII-only; `len` counts bytes, list items or skills;
//   `hours_since(t)` measures from EvalContext::now.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dsl/eval_context.h"
#include "dsl/eval_nodes.h"
#include "dsl/program.h"

namespace leadrouter::dsl {

// The value of one expression. A string result may view the scratch buffer: it lasts until the
// next evaluation with the same buffer.
Value Evaluate(const ExprNode& node, const EvalContext& context);

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
