#include "dsl/compile/internal/planner.h"

#include <re2/re2.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace leadrouter::dsl {
namespace {

bool IsConstant(const ExprNodePtr& node) { return node != nullptr && node->constant() != nullptr; }

SourceSpan Cover(SourceSpan a, SourceSpan b) {
  return SourceSpan{std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

// The operands of a top-level `and` chain, left to right. The checker bounded the depth.
void CollectConjuncts(const ast::Expr& expr, std::vector<const ast::Expr*>& out) {
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node);
      binary != nullptr && binary->op == ast::BinaryOp::kAnd && binary->lhs && binary->rhs) {
    CollectConjuncts(*binary->lhs, out);
    CollectConjuncts(*binary->rhs, out);
    return;
  }
  out.push_back(&expr);
}

}  // namespace

ExprPlanner::ExprPlanner(const SourceFile& source, const CheckedFile& checked, ProgramParts& parts,
                         std::vector<Diagnostic>& diagnostics)
    : source_(source), checked_(checked), parts_(parts), diagnostics_(diagnostics) {}

void ExprPlanner::PlanDefinitions(const ast::File& file) {
  for (const ast::Statement& statement : file.statements) {
    if (const auto* let = std::get_if<ast::Let>(&statement.node)) {
      if (let->value) LetValue(*let);
    } else if (const auto* segment = std::get_if<ast::Segment>(&statement.node)) {
      if (segment->predicate && checked_.used_segments.contains(segment)) SegmentRoot(*segment);
    }
  }
}

ExprNodePtr ExprPlanner::Plan(const ast::Expr& expr) {
  return std::visit([&](const auto& node) { return PlanNode(expr, node); }, expr.node);
}

Condition ExprPlanner::PlanCondition(const ast::Expr& expr) {
  Condition condition;
  condition.span = expr.span;
  condition.text = std::string(source_.Slice(expr.span));
  std::vector<const ast::Expr*> parts;
  CollectConjuncts(expr, parts);
  ExprNodePtr root;
  for (const ast::Expr* part : parts) {
    ExprNodePtr node = Plan(*part);
    condition.conjuncts.push_back(node.get());  // the node keeps its address when moved below
    if (root == nullptr) {
      root = std::move(node);
    } else {
      const SourceSpan span = Cover(root->span(), node->span());
      root = MakeBinary(span, ast::BinaryOp::kAnd, std::move(root), std::move(node));
    }
  }
  condition.root = std::move(root);
  return condition;
}

bool ExprPlanner::AlwaysTrue(const Condition& condition) {
  for (const ExprNode* conjunct : condition.conjuncts) {
    const Value* value = conjunct->constant();
    if (value == nullptr || !value->IsTrue()) return false;
  }
  return true;
}

bool ExprPlanner::NeverTrue(const Condition& condition) {
  for (const ExprNode* conjunct : condition.conjuncts) {
    const Value* value = conjunct->constant();
    if (value != nullptr && !value->IsTrue()) return true;
  }
  return false;
}

ExprNodePtr ExprPlanner::Constant(SourceSpan span, Value value) {
  return MakeConstant(span, Intern(value));
}

Value ExprPlanner::Intern(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kString:
      return Value::String(parts_.string_pool.emplace_back(value.string_value()));
    case ValueKind::kList: {
      std::vector<Value> items;
      items.reserve(value.list_value().size());
      for (const Value& item : value.list_value()) {
        // Lists hold scalars (the checker rejects nested lists), so this recursion is shallow.
        items.push_back(item.is_list() ? Value() : Intern(item));
      }
      return Value::List(parts_.list_pool.emplace_back(std::move(items)));
    }
    case ValueKind::kSkills:
      return Value();  // no constant is ever a skill map
    default:
      return value;
  }
}

ExprNodePtr ExprPlanner::Fold(ExprNodePtr node) {
  scratch_.Reset();
  const EvalContext nothing{nullptr, nullptr, 0, &scratch_};
  const Value value = node->Evaluate(nothing);
  return Constant(node->span(), value);
}

ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::NullLiteral&) {
  return Constant(expr.span, Value());
}
ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::BoolLiteral& literal) {
  return Constant(expr.span, Value::Bool(literal.value));
}
ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::NumberLiteral& literal) {
  return Constant(expr.span, Value::Number(literal.value));
}
ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::StringLiteral& literal) {
  return Constant(expr.span, Value::String(literal.value));
}
ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::DurationLiteral& literal) {
  return Constant(expr.span, Value::Duration(literal.seconds));
}

ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::ListLiteral& list) {
  std::vector<Value> items;
  for (const ast::ExprPtr& item : list.items) {
    if (!item) continue;
    ExprNodePtr node = Plan(*item);
    items.push_back(IsConstant(node) ? *node->constant() : Value());
  }
  // The item values already view the Program's pool; the list itself goes there too.
  return Constant(expr.span, Value::List(parts_.list_pool.emplace_back(std::move(items))));
}

ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::Name&) {
  return PlanReference(expr);
}
ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::FieldAccess&) {
  return PlanReference(expr);
}

ExprNodePtr ExprPlanner::PlanReference(const ast::Expr& expr) {
  const auto it = checked_.names.find(&expr);
  if (it == checked_.names.end()) return Constant(expr.span, Value());
  const NameRef& ref = it->second;
  switch (ref.kind) {
    case NameRef::Kind::kLet:
      return MakeConstant(expr.span, LetValue(*ref.let));
    case NameRef::Kind::kSegment:
      return MakeSegmentRef(expr.span, ref.segment->name, SegmentRoot(*ref.segment));
    case NameRef::Kind::kField:
      return MakeField(expr.span, ref.record, ref.slot, ref.field);
  }
  return Constant(expr.span, Value());
}

Value ExprPlanner::LetValue(const ast::Let& let) {
  if (auto it = let_values_.find(&let); it != let_values_.end()) return it->second;
  // The checker rejected cycles, so this recursion ends; it also bounded how deep it goes.
  const ExprNodePtr node = Plan(*let.value);
  const Value value = IsConstant(node) ? *node->constant() : Value();
  let_values_.emplace(&let, value);
  return value;
}

const ExprNode* ExprPlanner::SegmentRoot(const ast::Segment& segment) {
  if (auto it = segment_roots_.find(&segment); it != segment_roots_.end()) return it->second;
  segment_roots_.emplace(&segment, nullptr);  // a cycle (already an error) would read null
  Condition condition = PlanCondition(*segment.predicate);
  const ExprNode* root = condition.root.get();
  parts_.segments.push_back(CompiledSegment{segment.name, std::move(condition)});
  segment_roots_[&segment] = root;
  return root;
}

ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::Call& call) {
  const auto it = checked_.calls.find(&expr);
  if (it == checked_.calls.end() || call.args.size() != 1 || !call.args[0]) {
    return Constant(expr.span, Value());
  }
  const Builtin builtin = it->second;
  ExprNodePtr arg = Plan(*call.args[0]);
  const bool foldable = builtin == Builtin::kLower || builtin == Builtin::kLen;
  const bool constant_arg = IsConstant(arg);
  ExprNodePtr node = MakeCall(expr.span, builtin, std::move(arg));
  return foldable && constant_arg ? Fold(std::move(node)) : std::move(node);
}

ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::Unary& unary) {
  if (!unary.operand) return Constant(expr.span, Value());
  ExprNodePtr operand = Plan(*unary.operand);
  const bool constant = IsConstant(operand);
  ExprNodePtr node = unary.op == ast::UnaryOp::kNot ? MakeNot(expr.span, std::move(operand))
                                                    : MakeNegate(expr.span, std::move(operand));
  return constant ? Fold(std::move(node)) : std::move(node);
}

ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::Binary& binary) {
  if (!binary.lhs || !binary.rhs) return Constant(expr.span, Value());
  ExprNodePtr lhs = Plan(*binary.lhs);
  ExprNodePtr rhs = Plan(*binary.rhs);
  if (binary.op == ast::BinaryOp::kMatches)
    return PlanMatches(expr, std::move(lhs), std::move(rhs));
  // A constant left side decides `false and x` / `true or x` without the right side.
  if (IsConstant(lhs) && (binary.op == ast::BinaryOp::kAnd || binary.op == ast::BinaryOp::kOr)) {
    const bool truth = lhs->constant()->IsTrue();
    if (binary.op == ast::BinaryOp::kAnd && !truth) return Constant(expr.span, Value::Bool(false));
    if (binary.op == ast::BinaryOp::kOr && truth) return Constant(expr.span, Value::Bool(true));
  }
  const bool constant = IsConstant(lhs) && IsConstant(rhs);
  ExprNodePtr node = MakeBinary(expr.span, binary.op, std::move(lhs), std::move(rhs));
  return constant ? Fold(std::move(node)) : std::move(node);
}

ExprNodePtr ExprPlanner::PlanMatches(const ast::Expr& expr, ExprNodePtr lhs, ExprNodePtr rhs) {
  const Value* pattern = rhs->constant();
  if (pattern == nullptr || !pattern->is_string()) {
    // The checker demands a constant string; a folded null (e.g. from a let) never matches.
    return Constant(expr.span, Value::Bool(false));
  }
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_unique<const RE2>(
      re2::StringPiece(pattern->string_value().data(), pattern->string_value().size()), options);
  if (!regex->ok()) {
    // Only patterns the checker could not see (built by folding) get here.
    diagnostics_.push_back(Diagnostic{Severity::kError, rhs->span(), "invalid-regex",
                                      absl::StrCat("invalid regular expression: ", regex->error()),
                                      "the pattern syntax is RE2's"});
    return Constant(expr.span, Value::Bool(false));
  }
  const bool constant = IsConstant(lhs);
  ExprNodePtr node = MakeMatches(expr.span, std::move(lhs), std::move(regex),
                                 std::string(pattern->string_value()));
  return constant ? Fold(std::move(node)) : std::move(node);
}

ExprNodePtr ExprPlanner::PlanNode(const ast::Expr& expr, const ast::Between& between) {
  if (!between.value || !between.low || !between.high) return Constant(expr.span, Value());
  ExprNodePtr value = Plan(*between.value);
  ExprNodePtr low = Plan(*between.low);
  ExprNodePtr high = Plan(*between.high);
  const bool constant = IsConstant(value) && IsConstant(low) && IsConstant(high);
  ExprNodePtr node = MakeBetween(expr.span, std::move(value), std::move(low), std::move(high));
  return constant ? Fold(std::move(node)) : std::move(node);
}

}  // namespace leadrouter::dsl
