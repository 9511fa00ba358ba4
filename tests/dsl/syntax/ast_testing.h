// Test helpers for syntax trees: a canonical, span-free dump, so that "same tree" is string
// equality and a failing test prints both trees.
#pragma once

#include <string>

#include "dsl/syntax/ast.h"

namespace leadrouter::dsl::testing {

// S-expression of an expression: `(or (>= value 1_000_000) (in industry ENTERPRISE))`.
std::string DumpExpr(const ast::Expr& expr);
// Every statement and clause with all its fields, spans left out; a rule's clauses in canonical
// order (when, team, require, ...), since their written order carries no meaning. Comments are
// included only when `with_comments` is set.
std::string DumpFile(const ast::File& file, bool with_comments = false);

}  // namespace leadrouter::dsl::testing
