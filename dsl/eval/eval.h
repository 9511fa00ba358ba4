// Evaluating one compiled expression (an ExprNode, dsl/eval/eval_nodes.h) against a lead and a rep.
//
// The rules of a Program are evaluated through dsl/decision/rule_eval.h, which builds on this.
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

#include "dsl/eval/eval_context.h"
#include "dsl/eval/eval_nodes.h"

namespace leadrouter::dsl {

// The value of one expression. A string result may view the scratch buffer: it lasts until the
// next evaluation with the same buffer. Resets the context's ScratchBuffer first; never throws.
Value Evaluate(const ExprNode& node, const EvalContext& context);

}  // namespace leadrouter::dsl
