// The syntax tree of a rule file, exactly as written (before names are resolved or types checked).
//
// Produced by Parse (dsl/syntax/parser.h), consumed by the checker/compiler
// (dsl/compile/compiler.h) and the formatter (dsl/syntax/formatter.h). Every node keeps its source
// span so that diagnostics and explanations can point at the exact text. Comments are kept so that
// `leadctl fmt` never drops one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dsl/base/source.h"
#include "dsl/base/vocabulary.h"
#include "dsl/base/work_duration.h"

namespace leadrouter::dsl::ast {

// ---------------------------------------------------------------------------------------------
// Expressions

enum class UnaryOp { kNot, kNegate };

enum class BinaryOp {
  kOr,
  kAnd,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIn,
  kNotIn,
  kContains,
  kStartsWith,
  kEndsWith,
  kMatches,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
};

// The operator's spelling in the language: "and", "==", "not in", "+", ...
std::string_view BinaryOpText(BinaryOp op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NullLiteral {};
struct BoolLiteral {
  bool value = false;
};
struct NumberLiteral {
  double value = 0;
  std::string text;  // as written, `1_000_000` or `0.5`, so the formatter keeps the author's form
};
struct StringLiteral {
  std::string value;  // escapes already decoded
};
struct DurationLiteral {
  int64_t seconds = 0;
  std::string text;  // as written: `30m`, `24h`, `7d`
};
struct ListLiteral {
  std::vector<ExprPtr> items;
};
// A bare name: a `let` constant, a segment, or a field of the lead (in `when`) or of the rep
// (in `require`, `prefer`, `distribute`). Which one is decided by the checker.
struct Name {
  std::string name;
};
// `lead.x` or `rep.x`.
struct FieldAccess {
  std::string object;
  std::string field;
  SourceSpan field_span;
};
struct Call {
  std::string function;
  SourceSpan function_span;
  std::vector<ExprPtr> args;
};
struct Unary {
  UnaryOp op = UnaryOp::kNot;
  ExprPtr operand;
};
struct Binary {
  BinaryOp op = BinaryOp::kAnd;
  ExprPtr lhs;
  ExprPtr rhs;
};
// `value between low and high` (both ends inclusive).
struct Between {
  ExprPtr value;
  ExprPtr low;
  ExprPtr high;
};

struct Expr {
  SourceSpan span;
  std::variant<NullLiteral, BoolLiteral, NumberLiteral, StringLiteral, DurationLiteral, ListLiteral,
               Name, FieldAccess, Call, Unary, Binary, Between>
      node;
};

// ---------------------------------------------------------------------------------------------
// Rule clauses

// `distribute round_robin`, `distribute balanced(quality)`, `distribute sticky(lead.account)`.
// `balanced` takes two options: `over week` and `by tier [80, 50]`.
struct Distribute {
  SourceSpan span;
  StrategyKind kind = StrategyKind::kRoundRobin;
  ExprPtr argument;  // balanced, weighted and sticky take one; the others none
  // `over day|week|month`: the calendar period the balance restarts at; none: it never restarts.
  std::optional<CapUnit> over;
  SourceSpan over_span;
  // `by tier [80, 50]`: the band thresholds, as written (the checker wants them decreasing).
  std::vector<double> tiers;
  std::vector<SourceSpan> tier_spans;
  SourceSpan tiers_span;  // from `by` to `]`
};

// One item of `cap 5/day, 40 open`.
struct Cap {
  SourceSpan span;
  int64_t limit = 0;
  CapUnit unit = CapUnit::kDay;
};

// A clause's duration: `4h` or `4 working hours`.
struct ClauseDuration {
  SourceSpan span;
  WorkDuration value;
  std::string text;  // as written, blanks collapsed: `4h`, `4 working hours`
};

// One step of `sla 15m then notify, 1h then reassign, 4h then escalate "team:sales"`.
struct SlaStep {
  SourceSpan span;
  ClauseDuration after;
  SlaAction action = SlaAction::kReassign;
  // The string after the action (`escalate "team:sales"`), escapes decoded; the checker says
  // which actions take one and what form it has.
  std::optional<std::string> target;
  SourceSpan target_span;  // the string literal, quotes included
};

// `sla 4h then reassign`, or a chain of steps.
struct Sla {
  SourceSpan span;
  std::vector<SlaStep> steps;  // at least one, in the order written
};

// One step of `followup phone within 1h, email within 1 working day`.
struct FollowupStep {
  SourceSpan span;
  std::string channel;
  SourceSpan channel_span;
  ClauseDuration within;
};

// Comments attached to a statement or clause: whole-line comments just above it, and the comment at
// the end of its last line. Text excludes the leading `#` and surrounding blanks.
struct Comments {
  std::vector<std::string> leading;
  std::string trailing;
};

// Clause keywords, in canonical order; each may appear at most once per rule.
enum class ClauseKind {
  kWhen,
  kTeam,
  kRequire,
  kPrefer,
  kDistribute,
  kCap,
  kSla,
  kFollowup,
  kReview
};

// The clause's keyword as written: "when", "team", ..., "followup", "review".
std::string_view ClauseName(ClauseKind kind);

struct Clause {
  SourceSpan span;  // from the keyword to the end of the clause
  SourceSpan keyword_span;
  Comments comments;
  ClauseKind kind = ClauseKind::kWhen;
  // Exactly one of the following is meaningful, chosen by `kind`.
  ExprPtr condition;                   // when, require, review when (null for a bare `review`)
  std::string team;                    // team "enterprise"
  SourceSpan team_span;                // the team's string literal, quotes included
  std::vector<ExprPtr> prefer_keys;    // prefer a, -b: compared in order, higher first
  Distribute distribute;               // distribute
  std::vector<Cap> caps;               // cap 5/day, 40 open
  Sla sla;                             // sla 4h then reassign, or a chain of steps
  std::vector<FollowupStep> followup;  // followup phone within 1h
};

// ---------------------------------------------------------------------------------------------
// Statements

// `let HOT = 80`
struct Let {
  std::string name;
  SourceSpan name_span;
  ExprPtr value;
};

// `segment vip = value >= 1_000_000 or industry in ENTERPRISE`
struct Segment {
  std::string name;
  SourceSpan name_span;
  ExprPtr predicate;
};

// `rule "name" when ... require ...` or the anonymous one-line form `when ... prefer ...`.
struct Rule {
  std::optional<std::string> name;
  SourceSpan name_span;
  std::vector<Clause> clauses;  // in the order written
};

// `otherwise unassigned`, or `otherwise` followed by rule clauses other than `when`.
struct Otherwise {
  bool unassigned = false;
  std::vector<Clause> clauses;
};

struct Statement {
  SourceSpan span;
  Comments comments;
  std::variant<Let, Segment, Rule, Otherwise> node;
};

struct File {
  std::vector<Statement> statements;
  // Comments after the last statement.
  std::vector<std::string> trailing_comments;
};

}  // namespace leadrouter::dsl::ast
