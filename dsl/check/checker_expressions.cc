// The checker's look at expressions other than names and binary operators: the depth limit,
// literals, lists (constant items of one kind), builtin calls and `has()`, `not` and `-`,
// `between`.
#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/builtins.h"
#include "dsl/base/suggest.h"
#include "dsl/base/text_util.h"
#include "dsl/base/vocabulary.h"
#include "dsl/check/internal/checker_impl.h"

namespace leadrouter::dsl::checker {
namespace {

constexpr auto kBuiltinNames = NamesOf(kBuiltins);

// "functions: has, lower, len, skill, tag, hours_since"
constexpr auto kFunctionsHint = [] {
  FixedText<128> text("functions: ");
  AppendList(text, kBuiltins, ", ",
             [](auto& out, const BuiltinInfo& builtin) { out.Append(builtin.name); });
  return text;
}();

}  // namespace

Info Checker::CheckTop(const ast::Expr& expr, Scope scope) {
  // Segments and lets are checked from inside other expressions: keep the outer flag.
  const bool outer_reported = std::exchange(depth_reported_, false);
  Info info = Check(expr, scope, 1);
  if (info.depth > options_.max_expression_depth && !depth_reported_) {
    ReportTooDeep(expr.span);
  }
  depth_reported_ = outer_reported;
  return info;
}

void Checker::ReportTooDeep(SourceSpan span) {
  depth_reported_ = true;
  Error(span, "too-deep",
        absl::StrCat("expression nests deeper than ", options_.max_expression_depth,
                     " levels (counting the segments it uses)"),
        "split it into segments, or simplify it");
}

Info Checker::CheckCondition(const ast::Expr& expr, Scope scope, std::string_view where) {
  Info info = CheckTop(expr, scope);
  if (!info.type.Allows({ValueKind::kBool})) {
    Error(expr.span, "type-mismatch",
          absl::StrCat(Piece(where), " needs a condition (true/false), not ", Describe(info.type)));
  }
  return info;
}

Info Checker::Check(const ast::Expr& expr, Scope scope, int nesting) {
  if (nesting > options_.max_expression_depth) {
    if (!depth_reported_) ReportTooDeep(expr.span);
    return ErrorInfo();
  }
  return std::visit([&](const auto& node) -> Info { return CheckNode(expr, node, scope, nesting); },
                    expr.node);
}

Info Checker::CheckNode(const ast::Expr&, const ast::NullLiteral&, Scope, int) {
  Info info = InfoOf(Type::Of(ValueKind::kNull));
  info.constant = true;
  info.null_literal = true;
  return info;
}

Info Checker::CheckNode(const ast::Expr&, const ast::BoolLiteral&, Scope, int) {
  return Constant(Type::Of(ValueKind::kBool));
}

Info Checker::CheckNode(const ast::Expr&, const ast::NumberLiteral& n, Scope, int) {
  Info info = Constant(Type::Of(ValueKind::kNumber));
  info.number_constant = n.value;
  return info;
}

Info Checker::CheckNode(const ast::Expr&, const ast::StringLiteral& s, Scope, int) {
  Info info = Constant(Type::Of(ValueKind::kString));
  info.string_constant = s.value;
  return info;
}

Info Checker::CheckNode(const ast::Expr&, const ast::DurationLiteral&, Scope, int) {
  return Constant(Type::Of(ValueKind::kDuration));
}

Info Checker::Constant(Type type) {
  Info info = InfoOf(type);
  info.constant = true;
  return info;
}

Info Checker::CheckNode(const ast::Expr&, const ast::ListLiteral& list, Scope scope, int nesting) {
  Info info = Constant(Type::ListOf(std::nullopt));
  // The kind every item has so far; `shared` turns false at an unknown or a different kind.
  ValueKind element = ValueKind::kNull;
  bool first = true;
  bool shared = true;
  for (const ast::ExprPtr& item : list.items) {
    if (!item) continue;
    const Info item_info = Check(*item, scope, nesting + 1);
    info.depth = std::max(info.depth, item_info.depth + 1);
    if (item_info.type.is_error()) continue;
    if (!item_info.constant) {
      Error(item->span, "list-not-constant",
            "list items must be constants (literals or `let` names)",
            "to test several fields, combine comparisons with `or`");
      info.type = Type::Error();
      continue;
    }
    if (!item_info.type.Allows(
            {ValueKind::kNumber, ValueKind::kString, ValueKind::kBool, ValueKind::kDuration})) {
      Error(item->span, "type-mismatch",
            absl::StrCat("a list holds numbers, strings, true/false or durations, not ",
                         Describe(item_info.type)));
      info.type = Type::Error();
      continue;
    }
    if (item_info.type.unknown()) {
      shared = false;
    } else if (first) {
      element = item_info.type.kind();
    } else if (element != item_info.type.kind()) {
      shared = false;
    }
    first = false;
  }
  if (info.type.is(ValueKind::kList) && !first && shared) info.type = Type::ListOf(element);
  return info;
}

Info Checker::CheckNode(const ast::Expr& expr, const ast::Call& call, Scope scope, int nesting) {
  const BuiltinInfo* builtin = FindBuiltin(call.function);
  if (builtin != nullptr && scope == Scope::kConstant && !builtin->pure) {
    Error(expr.span, "let-not-constant",
          absl::StrCat("a `let` must be a constant, but `", Piece(builtin->name), "()` reads ",
                       builtin->id == Builtin::kHoursSince ? "the time" : "a field"));
    return ErrorInfo();
  }
  // Check the arguments first so their own errors are reported whatever the call's fate.
  std::vector<Info> args;
  int depth = 1;
  if (builtin == nullptr || builtin->id != Builtin::kHas) {
    for (const ast::ExprPtr& arg : call.args) {
      if (!arg) continue;
      args.push_back(Check(*arg, scope, nesting + 1));
      depth = std::max(depth, args.back().depth + 1);
    }
  }
  if (builtin == nullptr) {
    std::string hint = DidYouMean(Suggest(call.function, kBuiltinNames));
    if (hint.empty()) hint = std::string(kFunctionsHint.view());
    Error(call.function_span, "unknown-function",
          absl::StrCat("unknown function `", call.function, "`"), std::move(hint));
    return ErrorInfo();
  }
  if (static_cast<int>(call.args.size()) != builtin->arity) {
    Error(expr.span, "wrong-arity",
          absl::StrCat("`", Piece(builtin->name), "()` takes ", builtin->arity, " argument, not ",
                       call.args.size()),
          std::string(builtin->signature));
    return ErrorInfo();
  }
  if (builtin->reads_rep && scope != Scope::kRep) {
    Error(expr.span, "rep-field-in-when",
          absl::StrCat("`", Piece(builtin->name),
                       "()` reads the rep; use it in require, prefer or distribute"));
    return ErrorInfo();
  }
  out_.calls[&expr] = builtin->id;
  if (builtin->id == Builtin::kHas) return CheckHas(*call.args[0], scope);
  const Info& arg = args.front();
  Info info;
  info.depth = depth;
  info.reads_rep = builtin->reads_rep || arg.reads_rep;
  info.constant = builtin->pure && arg.constant;
  const auto expect = [&](std::initializer_list<ValueKind> kinds, std::string_view what) {
    if (!arg.type.Allows(kinds)) {
      Error(call.args[0]->span, "type-mismatch",
            absl::StrCat("`", Piece(builtin->name), "()` needs ", Piece(what), ", not ",
                         Describe(arg.type)),
            std::string(builtin->signature));
    }
  };
  switch (builtin->id) {
    case Builtin::kLower:
      expect({ValueKind::kString}, "a string");
      info.type = Type::Of(ValueKind::kString);
      break;
    case Builtin::kLen:
      expect({ValueKind::kString, ValueKind::kList, ValueKind::kSkills}, "a string or a list");
      info.type = Type::Of(ValueKind::kNumber);
      break;
    case Builtin::kSkill:
      expect({ValueKind::kString}, "a skill name (a string)");
      info.type = Type::Of(ValueKind::kNumber);
      break;
    case Builtin::kTag:
      expect({ValueKind::kString}, "a tag name (a string)");
      info.type = Type::Of(ValueKind::kBool);
      break;
    case Builtin::kHoursSince:
      expect({ValueKind::kTimestamp}, "a timestamp");
      info.type = Type::Of(ValueKind::kNumber);
      break;
    case Builtin::kHas:
      break;
  }
  return info;
}

Info Checker::CheckHas(const ast::Expr& arg, Scope scope) {
  const bool is_name = std::holds_alternative<ast::Name>(arg.node) ||
                       std::holds_alternative<ast::FieldAccess>(arg.node);
  if (!is_name) {
    Error(arg.span, "type-mismatch", "`has()` takes a field name, e.g. `has(company)`");
    return ErrorInfo();
  }
  const Info arg_info = Check(arg, scope, 2);
  if (arg_info.type.is_error()) return ErrorInfo();
  const auto ref = out_.names.find(&arg);
  if (ref == out_.names.end() || ref->second.kind != NameRef::Kind::kField) {
    Error(arg.span, "type-mismatch",
          absl::StrCat(
              "`has()` takes a field name, but `", Piece(source_.Slice(arg.span)), "` is a ",
              ref != out_.names.end() && ref->second.kind == NameRef::Kind::kLet ? "constant"
                                                                                 : "segment"));
    return ErrorInfo();
  }
  Info info = InfoOf(Type::Of(ValueKind::kBool));
  info.depth = 2;
  info.reads_rep = arg_info.reads_rep;
  return info;
}

Info Checker::CheckNode(const ast::Expr&, const ast::Unary& unary, Scope scope, int nesting) {
  if (!unary.operand) return ErrorInfo();
  Info operand = Check(*unary.operand, scope, nesting + 1);
  Info info;
  info.depth = operand.depth + 1;
  info.constant = operand.constant;
  info.reads_rep = operand.reads_rep;
  if (unary.op == ast::UnaryOp::kNot) {
    if (!operand.type.Allows({ValueKind::kBool})) {
      Error(unary.operand->span, "type-mismatch",
            absl::StrCat("`not` needs a condition (true/false), not ", Describe(operand.type)));
      return ErrorInfo();
    }
    info.type = Type::Of(ValueKind::kBool);
  } else {
    if (!operand.type.Allows({ValueKind::kNumber, ValueKind::kDuration})) {
      Error(unary.operand->span, "type-mismatch",
            absl::StrCat("`-` needs a number or a duration, not ", Describe(operand.type)));
      return ErrorInfo();
    }
    info.type = operand.type.unknown() ? Type::Any() : operand.type;
    if (operand.number_constant) info.number_constant = -*operand.number_constant;
  }
  return info;
}

Info Checker::CheckNode(const ast::Expr& expr, const ast::Between& between, Scope scope,
                        int nesting) {
  if (!between.value || !between.low || !between.high) return ErrorInfo();
  const Info value = Check(*between.value, scope, nesting + 1);
  const Info low = Check(*between.low, scope, nesting + 1);
  const Info high = Check(*between.high, scope, nesting + 1);
  Info info = InfoOf(Type::Of(ValueKind::kBool));
  info.depth = std::max({value.depth, low.depth, high.depth}) + 1;
  info.constant = value.constant && low.constant && high.constant;
  info.reads_rep = value.reads_rep || low.reads_rep || high.reads_rep;
  const std::initializer_list<ValueKind> ordered = {ValueKind::kNumber, ValueKind::kDuration,
                                                    ValueKind::kTimestamp};
  bool ok = true;
  for (const auto* part : {&value, &low, &high}) {
    if (part->null_literal) {
      Error(expr.span, "compare-with-null", "`between` with null is always false",
            "test presence with `has(x)`");
      return ErrorInfo();
    }
    if (!part->type.Allows(ordered)) ok = false;
  }
  if (!ok) {
    Error(expr.span, "type-mismatch",
          absl::StrCat("`between` needs numbers, durations or timestamps, not ",
                       Describe(!value.type.Allows(ordered) ? value.type
                                : !low.type.Allows(ordered) ? low.type
                                                            : high.type)));
    return ErrorInfo();
  }
  if (!Comparable(value.type, low.type) || !Comparable(value.type, high.type) ||
      !Comparable(low.type, high.type)) {
    Error(expr.span, "type-mismatch",
          absl::StrCat("`between` compares ", Describe(value.type), " with ", Describe(low.type),
                       " and ", Describe(high.type)));
    return ErrorInfo();
  }
  if (low.number_constant && high.number_constant && *low.number_constant > *high.number_constant) {
    Warning(expr.span, "empty-range",
            "the lower bound is above the upper bound, so this is always false",
            "`between` is inclusive: `x between low and high`");
  }
  return info;
}

}  // namespace leadrouter::dsl::checker
