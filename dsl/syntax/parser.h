// Rule file text -> syntax tree, with every syntax error found (not only the first).
//
// Parse never throws and never recurses without bound: nesting deeper than
// ParseOptions::max_nesting_depth is a diagnostic. After a syntax error the parser resumes at the
// next top-level statement (`let`, `segment`, `rule`, `when`, `otherwise` at the start of a line),
// so one typo does not hide the errors after it.
#pragma once

#include <string>
#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

struct ParseOptions {
  // Parentheses, lists, calls and unary operators nested deeper than this are rejected.
  // Default: 64
  int max_nesting_depth = 64;
  // Operators stacked deeper than this in one expression's tree are rejected: a chain
  // `a or b or ...` counts one level per operator. This bounds the recursion of every pass over the
  // tree (checker, compiler, evaluator, formatter), not only the parser's.
  // Default: 1000 (as CompileOptions, so that Parse and Compile report alike)
  int max_expression_depth = 1000;
  // Parsing stops after this many errors, with a final `too-many-errors` diagnostic.
  // Default: 100
  int max_errors = 100;
  // Follow-up channels accepted besides the built-in ones (dsl/base/vocabulary.h kChannels): the
  // server's configured list, `leadctl --channel`. Each a name (letters, digits, `_`; see
  // CheckExtraChannels in dsl/base/vocabulary.h).
  // Default: none
  std::vector<std::string> extra_channels;
};

struct ParseResult {
  ast::File file;  // the statements that parsed; those with errors are left out
  std::vector<Diagnostic> diagnostics;
};

ParseResult Parse(const SourceFile& source, const ParseOptions& options = {});

}  // namespace leadrouter::dsl
