#include "dsl/ast.h"

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

}  // namespace leadrouter::dsl::ast
