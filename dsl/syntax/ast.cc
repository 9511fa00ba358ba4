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

namespace leadrouter::dsl {

std::string_view StrategyName(ast::StrategyKind kind) {
  switch (kind) {
    case ast::StrategyKind::kRoundRobin:
      return "round_robin";
    case ast::StrategyKind::kLeastLoaded:
      return "least_loaded";
    case ast::StrategyKind::kBalanced:
      return "balanced";
    case ast::StrategyKind::kWeighted:
      return "weighted";
    case ast::StrategyKind::kSticky:
      return "sticky";
  }
  return "round_robin";
}

std::string_view CapUnitName(ast::CapUnit unit) {
  switch (unit) {
    case ast::CapUnit::kDay:
      return "day";
    case ast::CapUnit::kWeek:
      return "week";
    case ast::CapUnit::kMonth:
      return "month";
    case ast::CapUnit::kOpen:
      return "open";
  }
  return "day";
}

std::string_view SlaActionName(ast::SlaAction action) {
  return action == ast::SlaAction::kEscalate ? "escalate" : "reassign";
}

}  // namespace leadrouter::dsl
