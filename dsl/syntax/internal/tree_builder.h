// The tree builder: the PEGTL actions that build one statement's syntax tree while the grammar
// (dsl/syntax/internal/grammar.h) matches it, and the TreeBuilder state they act on. The parser
// driver (dsl/syntax/parser.cc) runs `tao::pegtl::parse<grammar::statement, Action, ...>` with a
// fresh TreeBuilder per statement and takes the statement, or the errors, out of it.
//
// Errors: problems the statement survives (a duplicate clause, an unknown strategy) are collected
// in errors(); one that ends the statement throws SyntaxError, which the driver catches. Nothing
// here is for use outside dsl/syntax/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <utility>
#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/base/lexical.h"
#include "dsl/base/source.h"
#include "dsl/syntax/ast.h"
#include "dsl/syntax/internal/grammar.h"
#include "dsl/syntax/parser.h"

namespace leadrouter::dsl::tree_builder {

// An error that ends the statement being parsed. Thrown by the actions and the grammar's error
// control; caught by the parser driver, never beyond it.
struct SyntaxError {
  Diagnostic diagnostic;
};

struct Operand {
  ast::ExprPtr expr;
  // Operators above the leaves of expr: bounded so that no later pass recurses too deep.
  int height = 0;
};

// The state of one statement being parsed: an operand stack for expressions, and the clauses and
// names gathered so far. The grammar guarantees that a rule with an action is never backtracked
// over once it matched (see dsl/syntax/internal/grammar.h), so the stacks stay in step with the
// text.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, const ParseOptions& options)
      : text_(text), options_(options) {}

  std::string_view text() const { return text_; }
  uint32_t Offset(const char* p) const { return static_cast<uint32_t>(p - text_.data()); }
  template <typename Input>
  SourceSpan Span(const Input& in) const {
    return {Offset(in.begin()), Offset(in.end())};
  }

  // ---- diagnostics
  [[noreturn]] void Fail(std::string code, SourceSpan span, std::string message,
                         std::string hint = "") const;
  void Error(std::string code, SourceSpan span, std::string message, std::string hint = "");
  void Note(SourceSpan span, std::string message);
  std::vector<Diagnostic>& errors() { return errors_; }
  bool has_errors() const { return HasErrors(errors_); }

  // ---- expressions
  template <typename Node>
  void Push(SourceSpan span, Node node, int height = 0) {
    if (height > options_.max_expression_depth) FailTooDeep(span);
    auto expr = std::make_unique<ast::Expr>();
    expr->span = span;
    expr->node = std::move(node);
    operands_.push_back({std::move(expr), height});
  }
  Operand Pop();
  ast::ExprPtr PopExpr() { return Pop().expr; }
  size_t operand_count() const { return operands_.size(); }

  void OpenNesting(SourceSpan token);
  void CloseNesting() { --depth_; }

  void ReduceBinary(ast::BinaryOp op);
  void ReduceUnary(ast::UnaryOp op, uint32_t begin);
  void ReduceBetween();

  void OpenList(SourceSpan bracket);
  void CloseList(SourceSpan span);
  void OpenCall(std::string function, SourceSpan function_span, SourceSpan paren);
  void CloseCall(SourceSpan span);

  void PushNumber(std::string_view text, SourceSpan span);
  void PushDuration(std::string_view text, SourceSpan span);
  // `raw` includes the quotes; escapes were checked by the grammar, code points are checked here.
  void PushString(std::string_view raw, SourceSpan span);

  // ---- clauses
  void AddConditionClause(ast::ClauseKind kind, SourceSpan span);
  void AddTeamClause(SourceSpan span);
  void AddPreferClause(SourceSpan span);

  void SetStrategy(std::string_view name, SourceSpan span);
  // `over week`, `by tier [80, 50]` (balanced only; the checker checks the thresholds).
  void SetBalanceOver(std::string_view word, SourceSpan span);
  void FinishBalanceOver(SourceSpan span) { strategy_options_.over_span = span; }
  void AddTierThreshold(std::string_view text, SourceSpan span);
  void SetBalanceTiers(SourceSpan span);
  void AddDistributeClause(SourceSpan span);

  void SetCapLimit(std::string_view text, SourceSpan span);
  // The word after `/`: a calendar unit.
  void SetCapPeriod(std::string_view word, SourceSpan span);
  void SetCapOpen() { cap_.unit = CapUnit::kOpen; }
  void FinishCapItem(SourceSpan span);
  void AddCapClause(SourceSpan span);

  void SetSlaDuration(std::string_view text, SourceSpan span);
  void SetSlaAction(std::string_view word, SourceSpan span);
  void SetSlaTarget();
  void FinishSlaStep(SourceSpan span);
  void AddSlaClause(SourceSpan span);

  void SetFollowupChannel(std::string_view word, SourceSpan span);
  void SetFollowupDuration(std::string_view text, SourceSpan span);
  void FinishFollowupStep(SourceSpan span);
  void AddFollowupClause(SourceSpan span);
  void AddReviewClause(SourceSpan span);

  // ---- statements
  void SetDefinedName(std::string_view name, SourceSpan span);
  void FinishLet(SourceSpan span);
  void FinishSegment(SourceSpan span);
  void SetRuleName();
  void FinishNamedRule(SourceSpan span);
  void FinishAnonymousRule(SourceSpan span);
  void SetUnassigned() { unassigned_ = true; }
  void FinishOtherwise(SourceSpan span);

  // The statement, once its last action ran.
  std::optional<ast::Statement>& statement() { return statement_; }

 private:
  [[noreturn]] void FailTooDeep(SourceSpan span) const;
  // A number literal's value (`1_000` is 1000); an out-of-range one is reported.
  double NumberValue(std::string_view text, SourceSpan span);

  void AddClause(ast::Clause clause);
  static ast::Clause NewClause(ast::ClauseKind kind, SourceSpan span);

  template <typename Node>
  void Finish(SourceSpan span, Node node) {
    statement_.emplace();
    statement_->span = span;
    statement_->node = std::move(node);
  }

  // Moves the operands pushed since the innermost list or call opened into `out`; returns the
  // greatest height among them.
  int PopFrame(std::vector<ast::ExprPtr>& out);
  std::string PopStringValue();
  int64_t Seconds(std::string_view text, SourceSpan span);
  ast::ClauseDuration ClauseDurationOf(std::string_view text, SourceSpan span);
  bool IsKnownChannel(std::string_view word) const;
  std::string DecodeString(std::string_view raw, uint32_t begin);

  std::string_view text_;
  const ParseOptions& options_;
  std::vector<Diagnostic> errors_;

  std::vector<Operand> operands_;
  std::vector<size_t> frames_;  // operand count when each open list or call began
  struct OpenCallInfo {
    std::string function;
    SourceSpan function_span;
  };
  std::vector<OpenCallInfo> calls_;
  int depth_ = 0;

  std::vector<ast::Clause> clauses_;
  std::string strategy_name_;
  SourceSpan strategy_span_;
  ast::Distribute strategy_options_;  // over and tiers of the strategy being read
  std::vector<double> tier_thresholds_;
  std::vector<SourceSpan> tier_threshold_spans_;
  ast::Cap cap_;
  std::vector<ast::Cap> caps_;
  ast::SlaStep sla_step_;
  std::vector<ast::SlaStep> sla_steps_;
  ast::FollowupStep step_;
  std::vector<ast::FollowupStep> steps_;
  std::string name_;
  SourceSpan name_span_;
  bool unassigned_ = false;
  std::optional<ast::Statement> statement_;
};

// ---------------------------------------------------------------------------------------------
// Actions: one per grammar rule that contributes to the tree.

template <typename Rule>
struct Action : tao::pegtl::nothing<Rule> {};

// Calls `call` with the rule's `span` and matched `text` in scope.
#define LEADROUTER_SPAN_ACTION(rule, call)                                 \
  template <>                                                              \
  struct Action<rule> {                                                    \
    template <typename Input>                                              \
    static void apply(const Input& in, TreeBuilder& b) {                   \
      [[maybe_unused]] const SourceSpan span = b.Span(in);                 \
      [[maybe_unused]] const std::string_view text(in.begin(), in.size()); \
      call;                                                                \
    }                                                                      \
  }

LEADROUTER_SPAN_ACTION(grammar::number_literal, b.PushNumber(text, span));
LEADROUTER_SPAN_ACTION(grammar::duration_literal, b.PushDuration(text, span));
LEADROUTER_SPAN_ACTION(grammar::string_literal, b.PushString(text, span));
LEADROUTER_SPAN_ACTION(grammar::true_literal, b.Push(span, ast::BoolLiteral{true}));
LEADROUTER_SPAN_ACTION(grammar::false_literal, b.Push(span, ast::BoolLiteral{false}));
LEADROUTER_SPAN_ACTION(grammar::null_literal, b.Push(span, ast::NullLiteral{}));
LEADROUTER_SPAN_ACTION(grammar::name_reference, b.Push(span, ast::Name{std::string(text)}));
LEADROUTER_SPAN_ACTION(grammar::field_access, {
  const size_t dot = text.find('.');
  b.Push(span, ast::FieldAccess{std::string(text.substr(0, dot)),
                                std::string(text.substr(dot + 1)),
                                {span.begin + static_cast<uint32_t>(dot) + 1, span.end}});
});

LEADROUTER_SPAN_ACTION(grammar::paren_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(grammar::paren_expression, b.CloseNesting());
LEADROUTER_SPAN_ACTION(grammar::list_open, b.OpenList(span));
LEADROUTER_SPAN_ACTION(grammar::list_literal, b.CloseList(span));
LEADROUTER_SPAN_ACTION(grammar::call_open, {
  size_t name_end = 0;
  while (name_end < text.size() && lexical::IsWordChar(text[name_end])) ++name_end;
  b.OpenCall(std::string(text.substr(0, name_end)),
             {span.begin, span.begin + static_cast<uint32_t>(name_end)}, {span.end - 1, span.end});
});
LEADROUTER_SPAN_ACTION(grammar::call, b.CloseCall(span));
LEADROUTER_SPAN_ACTION(grammar::negate_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(grammar::negation, b.ReduceUnary(ast::UnaryOp::kNegate, span.begin));
LEADROUTER_SPAN_ACTION(grammar::not_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(grammar::not_prefix, b.ReduceUnary(ast::UnaryOp::kNot, span.begin));
LEADROUTER_SPAN_ACTION(grammar::matches_tail, b.ReduceBinary(ast::BinaryOp::kMatches));
LEADROUTER_SPAN_ACTION(grammar::between_tail, b.ReduceBetween());

template <typename Op>
struct BinaryOpOf;
#define LEADROUTER_BINARY_OP(rule, op)         \
  template <>                                  \
  struct BinaryOpOf<rule> {                    \
    static constexpr ast::BinaryOp value = op; \
  }
LEADROUTER_BINARY_OP(grammar::kw_or, ast::BinaryOp::kOr);
LEADROUTER_BINARY_OP(grammar::kw_and, ast::BinaryOp::kAnd);
LEADROUTER_BINARY_OP(grammar::op_equal, ast::BinaryOp::kEqual);
LEADROUTER_BINARY_OP(grammar::op_not_equal, ast::BinaryOp::kNotEqual);
LEADROUTER_BINARY_OP(grammar::op_less, ast::BinaryOp::kLess);
LEADROUTER_BINARY_OP(grammar::op_less_equal, ast::BinaryOp::kLessEqual);
LEADROUTER_BINARY_OP(grammar::op_greater, ast::BinaryOp::kGreater);
LEADROUTER_BINARY_OP(grammar::op_greater_equal, ast::BinaryOp::kGreaterEqual);
LEADROUTER_BINARY_OP(grammar::kw_in, ast::BinaryOp::kIn);
LEADROUTER_BINARY_OP(grammar::op_not_in, ast::BinaryOp::kNotIn);
LEADROUTER_BINARY_OP(grammar::kw_contains, ast::BinaryOp::kContains);
LEADROUTER_BINARY_OP(grammar::kw_starts_with, ast::BinaryOp::kStartsWith);
LEADROUTER_BINARY_OP(grammar::kw_ends_with, ast::BinaryOp::kEndsWith);
LEADROUTER_BINARY_OP(grammar::op_plus, ast::BinaryOp::kAdd);
LEADROUTER_BINARY_OP(grammar::op_minus, ast::BinaryOp::kSubtract);
LEADROUTER_BINARY_OP(grammar::op_times, ast::BinaryOp::kMultiply);
LEADROUTER_BINARY_OP(grammar::op_divide, ast::BinaryOp::kDivide);
LEADROUTER_BINARY_OP(grammar::op_modulo, ast::BinaryOp::kModulo);
#undef LEADROUTER_BINARY_OP

template <typename Op, typename Operand>
struct Action<grammar::binary_tail<Op, Operand>> {
  template <typename Input>
  static void apply(const Input& /*in*/, TreeBuilder& b) {
    b.ReduceBinary(BinaryOpOf<Op>::value);
  }
};

// Clauses.
LEADROUTER_SPAN_ACTION(grammar::when_clause, b.AddConditionClause(ast::ClauseKind::kWhen, span));
LEADROUTER_SPAN_ACTION(grammar::require_clause,
                       b.AddConditionClause(ast::ClauseKind::kRequire, span));
LEADROUTER_SPAN_ACTION(grammar::team_clause, b.AddTeamClause(span));
LEADROUTER_SPAN_ACTION(grammar::prefer_clause, b.AddPreferClause(span));
LEADROUTER_SPAN_ACTION(grammar::strategy_name, b.SetStrategy(text, span));
LEADROUTER_SPAN_ACTION(grammar::strategy_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(grammar::strategy_argument, b.CloseNesting());
LEADROUTER_SPAN_ACTION(grammar::balance_period, b.SetBalanceOver(text, span));
LEADROUTER_SPAN_ACTION(grammar::balance_over, b.FinishBalanceOver(span));
LEADROUTER_SPAN_ACTION(grammar::tier_threshold, b.AddTierThreshold(text, span));
LEADROUTER_SPAN_ACTION(grammar::balance_tiers, b.SetBalanceTiers(span));
LEADROUTER_SPAN_ACTION(grammar::distribute_clause, b.AddDistributeClause(span));
LEADROUTER_SPAN_ACTION(grammar::cap_limit, b.SetCapLimit(text, span));
LEADROUTER_SPAN_ACTION(grammar::cap_period, b.SetCapPeriod(text, span));
LEADROUTER_SPAN_ACTION(grammar::cap_open, b.SetCapOpen());
LEADROUTER_SPAN_ACTION(grammar::cap_item, b.FinishCapItem(span));
LEADROUTER_SPAN_ACTION(grammar::cap_clause, b.AddCapClause(span));
LEADROUTER_SPAN_ACTION(grammar::sla_duration, b.SetSlaDuration(text, span));
LEADROUTER_SPAN_ACTION(grammar::sla_next_duration, b.SetSlaDuration(text, span));
LEADROUTER_SPAN_ACTION(grammar::sla_action, b.SetSlaAction(text, span));
LEADROUTER_SPAN_ACTION(grammar::sla_target, b.SetSlaTarget());
LEADROUTER_SPAN_ACTION(grammar::sla_first_step, b.FinishSlaStep(span));
LEADROUTER_SPAN_ACTION(grammar::sla_next_step, b.FinishSlaStep(span));
LEADROUTER_SPAN_ACTION(grammar::sla_clause, b.AddSlaClause(span));
LEADROUTER_SPAN_ACTION(grammar::followup_channel, b.SetFollowupChannel(text, span));
LEADROUTER_SPAN_ACTION(grammar::followup_duration, b.SetFollowupDuration(text, span));
LEADROUTER_SPAN_ACTION(grammar::followup_step, b.FinishFollowupStep(span));
LEADROUTER_SPAN_ACTION(grammar::followup_clause, b.AddFollowupClause(span));
LEADROUTER_SPAN_ACTION(grammar::review_clause, b.AddReviewClause(span));

// Statements.
LEADROUTER_SPAN_ACTION(grammar::let_name, b.SetDefinedName(text, span));
LEADROUTER_SPAN_ACTION(grammar::let_statement, b.FinishLet(span));
LEADROUTER_SPAN_ACTION(grammar::segment_name, b.SetDefinedName(text, span));
LEADROUTER_SPAN_ACTION(grammar::segment_statement, b.FinishSegment(span));
LEADROUTER_SPAN_ACTION(grammar::rule_name, b.SetRuleName());
LEADROUTER_SPAN_ACTION(grammar::named_rule, b.FinishNamedRule(span));
LEADROUTER_SPAN_ACTION(grammar::anonymous_rule, b.FinishAnonymousRule(span));
LEADROUTER_SPAN_ACTION(grammar::otherwise_unassigned, b.SetUnassigned());
LEADROUTER_SPAN_ACTION(grammar::otherwise_statement, b.FinishOtherwise(span));

#undef LEADROUTER_SPAN_ACTION

}  // namespace leadrouter::dsl::tree_builder
