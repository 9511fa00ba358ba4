// Rule file text -> syntax tree, with every syntax error found (not only the first).
//
// Parse never throws and never recurses without bound: nesting deeper than
// ParseOptions::max_nesting_depth is a diagnostic. After a syntax error the parser resumes at the
// next top-level statement (`let`, `segment`, `rule`, `when`, `otherwise` at the start of a line),
// so one typo does not hide the errors after it.
#pragma once

#include <vector>

#include "dsl/ast.h"
#include "dsl/diagnostics.h"
#include "dsl/source.h"

namespace leadrouter::dsl {

struct ParseOptions {
  // Parentheses, lists, calls and unary operators nested deeper than this are rejected.
  // Default: 64
  int max_nesting_depth = 64;
};

struct ParseResult {
  ast::File file;  // the statements that parsed; those with errors are left out
  std::vector<Diagnostic> diagnostics;
};

ParseResult Parse(const SourceFile& source, const ParseOptions& options = {});

}  // namespace leadrouter::dsl
