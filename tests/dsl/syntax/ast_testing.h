// Test helpers for syntax trees: a canonical, span-free dump, so that "same tree" is string
// equality and a failing test prints both trees; and a parse's diagnostics in short.
#pragma once

#include <string>
#include <vector>

#include "dsl/syntax/ast.h"
#include "dsl/syntax/parser.h"

namespace leadrouter::dsl::testing {

// S-expression of an expression: `(or (>= value 1_000_000) (in industry ENTERPRISE))`.
std::string DumpExpr(const ast::Expr& expr);
// Every statement and clause with all its fields, spans left out; a rule's clauses in canonical
// order (when, team, require, ...), since their written order carries no meaning. Comments are
// included only when `with_comments` is set.
std::string DumpFile(const ast::File& file, bool with_comments = false);

// Every diagnostic of parsing `text` as "line:col code", notes included, for compact assertions.
std::vector<std::string> Codes(const std::string& text, const ParseOptions& options = {});

}  // namespace leadrouter::dsl::testing
