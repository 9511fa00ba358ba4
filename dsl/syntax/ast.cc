#include "dsl/syntax/ast.h"

namespace leadrouter::dsl::ast {

std::string_view ClauseName(ClauseKind kind) {
  switch (kind) {
    case ClauseKind::kWhen:
      return "when";
    case ClauseKind::kTeam:
      return "team";
    case ClauseKind::kRequire:
      return "require";
    case ClauseKind::kPrefer:
      return "prefer";
    case ClauseKind::kDistribute:
      return "distribute";
    case ClauseKind::kCap:
      return "cap";
    case ClauseKind::kSla:
      return "sla";
    case ClauseKind::kFollowup:
      return "followup";
    case ClauseKind::kReview:
      return "review";
  }
  return "clause";
}

std::string_view BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "or";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kEqual:
      return "==";
    case BinaryOp::kNotEqual:
      return "!=";
    case BinaryOp::kLess:
      return "<";
    case BinaryOp::kLessEqual:
      return "<=";
    case BinaryOp::kGreater:
      return ">";
    case BinaryOp::kGreaterEqual:
      return ">=";
    case BinaryOp::kIn:
      return "in";
    case BinaryOp::kNotIn:
      return "not in";
    case BinaryOp::kContains:
      return "contains";
    case BinaryOp::kStartsWith:
      return "starts_with";
    case BinaryOp::kEndsWith:
      return "ends_with";
    case BinaryOp::kMatches:
      return "matches";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kModulo:
      return "%";
  }
  return "?";
}

}  // namespace leadrouter::dsl::ast
