// Planning expressions: checked syntax tree -> evaluation nodes (private to the compiler).
//
// Names become slots or constants, `let` values and constant subtrees are folded, regexes are
// compiled once, segments are compiled once and referenced. Runs only on files the checker passed,
// but stays total on anything: a node it cannot plan becomes a constant null.
#pragma once

#include <unordered_map>
#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/check/checker.h"
#include "dsl/compile/program.h"
#include "dsl/eval/eval_context.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

class ExprPlanner {
 public:
  // `parts` receives the constant pool and the compiled segments; problems found only now (a
  // pattern that is not a valid regex once folded) go to `diagnostics`.
  ExprPlanner(const SourceFile& source, const CheckedFile& checked, ProgramParts& parts,
              std::vector<Diagnostic>& diagnostics);

  // Folds every `let` and compiles every used segment in file order, so that a definition that
  // refers to earlier ones finds them done: planning then never recurses through a long chain of
  // definitions. Call once, before planning rules.
  void PlanDefinitions(const ast::File& file);

  ExprNodePtr Plan(const ast::Expr& expr);

  // A condition with its source text and its top-level `and` operands.
  Condition PlanCondition(const ast::Expr& expr);

  // True when every conjunct folded to the constant `true`.
  static bool AlwaysTrue(const Condition& condition);
  // True when some conjunct folded to a constant that is not `true`.
  static bool NeverTrue(const Condition& condition);

 private:
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::NullLiteral&);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::BoolLiteral& literal);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::NumberLiteral& literal);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::StringLiteral& literal);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::DurationLiteral& literal);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::ListLiteral& list);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::Name& name);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::FieldAccess& access);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::Call& call);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::Unary& unary);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::Binary& binary);
  ExprNodePtr PlanNode(const ast::Expr& expr, const ast::Between& between);

  ExprNodePtr PlanReference(const ast::Expr& expr);
  ExprNodePtr PlanMatches(const ast::Expr& expr, ExprNodePtr lhs, ExprNodePtr rhs);
  // Evaluates `node` now (its operands are constants) and replaces it by a constant.
  ExprNodePtr Fold(ExprNodePtr node);
  ExprNodePtr Constant(SourceSpan span, Value value);
  // A copy of `value` whose storage belongs to the Program.
  Value Intern(const Value& value);
  Value LetValue(const ast::Let& let);
  const ExprNode* SegmentRoot(const ast::Segment& segment);

  const SourceFile& source_;
  const CheckedFile& checked_;
  ProgramParts& parts_;
  std::vector<Diagnostic>& diagnostics_;
  ScratchBuffer scratch_;  // for folding lower()
  std::unordered_map<const ast::Let*, Value> let_values_;
  std::unordered_map<const ast::Segment*, const ExprNode*> segment_roots_;
};

}  // namespace leadrouter::dsl
