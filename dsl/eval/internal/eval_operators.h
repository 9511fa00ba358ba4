// The language's operators on Values, shared by the evaluation nodes and constant folding.
//
// Total functions: every combination of inputs has a defined result, none throws, none allocates
// (except Lower, which writes into the ScratchBuffer). See dsl/eval/eval.h for the rules in prose.
#pragma once

#include <cstdint>

#include "dsl/base/value.h"
#include "dsl/eval/eval_context.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

// ==, !=, <, <=, >, >=. False when either side is null or the kinds differ (for != too). Ordering
// is defined for numbers, strings (byte-wise), durations and timestamps; equality also for bools,
// lists and skill maps.
bool Compare(ast::BinaryOp op, const Value& lhs, const Value& rhs);

// Membership, or kInvalid when the question makes no sense (null on either side, a number "in" a
// string, ...): `in` and `not in` are both false then.
enum class Membership { kYes, kNo, kInvalid };
// `needle in haystack`: list membership, substring of a string, or key of a skill map.
Membership In(const Value& needle, const Value& haystack);

// `+ - * / %`. Null when either side is null, for division or modulo by zero, for integer overflow
// of durations and timestamps, and for kinds the operator does not combine.
Value Arithmetic(ast::BinaryOp op, const Value& lhs, const Value& rhs);

// Unary minus on a number or duration; null otherwise.
Value Negate(const Value& operand);

// ASCII lower case of a string, in scratch memory; null for non-strings or without scratch.
Value Lower(const Value& text, ScratchBuffer* scratch);

// Byte length of a string, size of a list or skill map; null otherwise.
Value Length(const Value& value);

// The level of skill `name` in a rep's skill map (0 when absent); null when `name` is not a string.
Value SkillLevelOf(const Value& skills, const Value& name);

// Whether a rep's tag list holds `name`; null when `name` is not a string.
Value HasTag(const Value& tags, const Value& name);

// Hours from a timestamp to `now` (fractional, negative for the future); null for non-timestamps.
Value HoursSince(const Value& timestamp, int64_t now);

}  // namespace leadrouter::dsl
