// The checker's look at binary operators: `and`/`or`, comparisons (and null), membership,
// `starts_with`/`ends_with`, `matches` (a constant RE2 pattern) and arithmetic on numbers,
// durations and timestamps.
#include <re2/re2.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/text_util.h"
#include "dsl/check/internal/checker_impl.h"

namespace leadrouter::dsl::checker {

using ast::BinaryOp;

namespace {

bool IsComparison(BinaryOp op) {
  return op == BinaryOp::kEqual || op == BinaryOp::kNotEqual || op == BinaryOp::kLess ||
         op == BinaryOp::kLessEqual || op == BinaryOp::kGreater || op == BinaryOp::kGreaterEqual;
}

bool IsArithmetic(BinaryOp op) {
  return op == BinaryOp::kAdd || op == BinaryOp::kSubtract || op == BinaryOp::kMultiply ||
         op == BinaryOp::kDivide || op == BinaryOp::kModulo;
}

std::string OpText(BinaryOp op) { return absl::StrCat("`", Piece(ast::BinaryOpText(op)), "`"); }

}  // namespace

Info Checker::CheckNode(const ast::Expr& expr, const ast::Binary& binary, Scope scope,
                        int nesting) {
  if (!binary.lhs || !binary.rhs) return ErrorInfo();
  const Info lhs = Check(*binary.lhs, scope, nesting + 1);
  const Info rhs = Check(*binary.rhs, scope, nesting + 1);
  Info info;
  info.depth = std::max(lhs.depth, rhs.depth) + 1;
  info.constant = lhs.constant && rhs.constant;
  info.reads_rep = lhs.reads_rep || rhs.reads_rep;
  if (lhs.type.is_error() || rhs.type.is_error()) {
    info.type = Type::Error();
    return info;
  }
  const BinaryOp op = binary.op;
  if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
    for (const auto& [side, side_info] :
         {std::pair{binary.lhs.get(), &lhs}, std::pair{binary.rhs.get(), &rhs}}) {
      if (!side_info->type.Allows({ValueKind::kBool})) {
        Error(side->span, "type-mismatch",
              absl::StrCat(OpText(op), " needs conditions (true/false) on both sides, not ",
                           Describe(side_info->type)));
        return ErrorInfo();
      }
    }
    info.type = Type::Of(ValueKind::kBool);
    return info;
  }
  if ((IsComparison(op) || op == BinaryOp::kIn || op == BinaryOp::kNotIn ||
       op == BinaryOp::kContains) &&
      (lhs.null_literal || rhs.null_literal)) {
    Error(expr.span, "compare-with-null",
          absl::StrCat(OpText(op),
                       " with null is always false (a missing field compares false to everything)"),
          "test presence with `has(x)` or `not has(x)`");
    return ErrorInfo();
  }
  info.type = Type::Of(ValueKind::kBool);
  if (IsComparison(op)) {
    if (!Comparable(lhs.type, rhs.type)) {
      Error(expr.span, "type-mismatch",
            absl::StrCat("cannot compare ", Describe(lhs.type), " with ", Describe(rhs.type)),
            "a comparison of different kinds of value is always false");
      return ErrorInfo();
    }
    if (op != BinaryOp::kEqual && op != BinaryOp::kNotEqual) {
      const Type& known = lhs.type.unknown() ? rhs.type : lhs.type;
      if (!known.Allows({ValueKind::kNumber, ValueKind::kString, ValueKind::kDuration,
                         ValueKind::kTimestamp})) {
        Error(expr.span, "type-mismatch",
              absl::StrCat(OpText(op), " orders numbers, strings, durations or timestamps, not ",
                           Describe(known)));
        return ErrorInfo();
      }
    }
    return info;
  }
  switch (op) {
    case BinaryOp::kIn:
    case BinaryOp::kNotIn:
      if (!CheckMembership(expr, op, lhs, rhs)) return ErrorInfo();
      return info;
    case BinaryOp::kContains:
      if (!CheckMembership(expr, op, rhs, lhs)) return ErrorInfo();
      return info;
    case BinaryOp::kStartsWith:
    case BinaryOp::kEndsWith:
      if (!lhs.type.Allows({ValueKind::kString}) || !rhs.type.Allows({ValueKind::kString})) {
        Error(expr.span, "type-mismatch",
              absl::StrCat(OpText(op), " needs strings on both sides, not ", Describe(lhs.type),
                           " and ", Describe(rhs.type)));
        return ErrorInfo();
      }
      return info;
    case BinaryOp::kMatches:
      if (!CheckMatches(*binary.lhs, *binary.rhs, lhs, rhs)) return ErrorInfo();
      return info;
    default:
      break;
  }
  if (IsArithmetic(op)) return CheckArithmetic(expr, op, lhs, rhs, std::move(info));
  return info;
}

bool Checker::CheckMembership(const ast::Expr& expr, BinaryOp op, const Info& needle,
                              const Info& haystack) {
  const Type& h = haystack.type;
  if (!h.Allows({ValueKind::kList, ValueKind::kString, ValueKind::kSkills})) {
    Error(expr.span, "type-mismatch",
          op == BinaryOp::kContains
              ? absl::StrCat("`contains` needs a string or a list on its left, not ", Describe(h))
              : absl::StrCat(OpText(op), " needs a list or a string on its right, not ",
                             Describe(h)));
    return false;
  }
  const Type& n = needle.type;
  if (h.unknown() || n.unknown()) return true;
  bool ok = true;
  if (h.is(ValueKind::kString) || h.is(ValueKind::kSkills)) ok = n.is(ValueKind::kString);
  if (h.is(ValueKind::kList) && h.element()) ok = n.kind() == *h.element();
  if (!n.Allows({ValueKind::kNumber, ValueKind::kString, ValueKind::kBool, ValueKind::kDuration,
                 ValueKind::kTimestamp})) {
    ok = false;
  }
  if (!ok) {
    Error(expr.span, "type-mismatch",
          absl::StrCat(OpText(op), " looks for ", Describe(n), " in ", Describe(h)),
          "values of different kinds never match");
  }
  return ok;
}

bool Checker::CheckMatches(const ast::Expr& lhs_expr, const ast::Expr& rhs_expr, const Info& lhs,
                           const Info& rhs) {
  if (!lhs.type.Allows({ValueKind::kString})) {
    Error(lhs_expr.span, "type-mismatch",
          absl::StrCat("`matches` needs a string on its left, not ", Describe(lhs.type)));
    return false;
  }
  if (!rhs.constant || !rhs.type.Allows({ValueKind::kString})) {
    Error(rhs_expr.span, "regex-not-constant",
          "`matches` needs a constant string pattern (a literal or a `let`)",
          "patterns are compiled once, when the rules are compiled");
    return false;
  }
  if (rhs.string_constant) {
    RE2::Options re_options;
    re_options.set_log_errors(false);
    const RE2 regex(*rhs.string_constant, re_options);
    if (!regex.ok()) {
      Error(rhs_expr.span, "invalid-regex",
            absl::StrCat("invalid regular expression: ", regex.error()),
            "the pattern syntax is RE2's: https://github.com/google/re2/wiki/Syntax");
      return false;
    }
  }
  return true;
}

Info Checker::CheckArithmetic(const ast::Expr& expr, BinaryOp op, const Info& lhs, const Info& rhs,
                              Info info) {
  const Type& l = lhs.type;
  const Type& r = rhs.type;
  const auto mismatch = [&] {
    Error(expr.span, "type-mismatch",
          absl::StrCat(OpText(op), " cannot combine ", Describe(l), " and ", Describe(r)),
          "arithmetic works on numbers, and on durations and timestamps where it makes sense");
    return ErrorInfo();
  };
  const std::initializer_list<ValueKind> arithmetic = {ValueKind::kNumber, ValueKind::kDuration,
                                                       ValueKind::kTimestamp};
  if (!l.Allows(arithmetic) || !r.Allows(arithmetic)) return mismatch();
  if ((op == BinaryOp::kDivide || op == BinaryOp::kModulo) && rhs.number_constant &&
      *rhs.number_constant == 0) {
    Warning(expr.span, "division-by-zero",
            absl::StrCat(OpText(op), " by zero gives null, so anything using it is false"));
  }
  if (l.unknown() || r.unknown()) {
    info.type = Type::Any();
    return info;
  }
  using K = ValueKind;
  const K a = l.kind();
  const K b = r.kind();
  std::optional<K> result;
  switch (op) {
    case BinaryOp::kAdd:
      if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
      if (a == K::kDuration && b == K::kDuration) result = K::kDuration;
      if ((a == K::kTimestamp && b == K::kDuration) || (a == K::kDuration && b == K::kTimestamp))
        result = K::kTimestamp;
      break;
    case BinaryOp::kSubtract:
      if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
      if (a == K::kDuration && b == K::kDuration) result = K::kDuration;
      if (a == K::kTimestamp && b == K::kDuration) result = K::kTimestamp;
      if (a == K::kTimestamp && b == K::kTimestamp) result = K::kDuration;
      break;
    case BinaryOp::kMultiply:
      if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
      if ((a == K::kDuration && b == K::kNumber) || (a == K::kNumber && b == K::kDuration))
        result = K::kDuration;
      break;
    case BinaryOp::kDivide:
      if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
      if (a == K::kDuration && b == K::kNumber) result = K::kDuration;
      if (a == K::kDuration && b == K::kDuration) result = K::kNumber;
      break;
    case BinaryOp::kModulo:
      if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
      if (a == K::kDuration && b == K::kDuration) result = K::kDuration;
      break;
    default:
      break;
  }
  if (!result) return mismatch();
  info.type = Type::Of(*result);
  return info;
}

}  // namespace leadrouter::dsl::checker
