// Problems found in a rule file, reported the way a compiler reports them.
//
// Diagnostics are data, not failures: a file with errors still yields every diagnostic it has, in
// source order. Rendering never throws.
#pragma once

#include <string>
#include <vector>

#include "dsl/base/source.h"

namespace leadrouter::dsl {

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceSpan span;
  // A stable, kebab-case identifier of the kind of problem ("unknown-name", "expected-expression"),
  // for editors, CI filters and tests.
  std::string code;
  std::string message;
  // Optional help appended as `note: ...`, e.g. "did you mean `quality`?".
  std::string hint;
};

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

// Orders diagnostics by position (span begin, then end), keeping each note right after the error
// or warning it follows. Stable: diagnostics at the same span keep their order.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics);

// `file:line:col: error: message`, the source line, a caret (or `^~~~` under the whole span on one
// line), then `note: hint` when there is one. Ends with a newline.
std::string RenderText(const SourceFile& source, const Diagnostic& diagnostic);
std::string RenderText(const SourceFile& source, const std::vector<Diagnostic>& diagnostics);

// One JSON object:
// {"file","line","column","end_line","end_column","severity","code","message","hint"}.
std::string RenderJson(const SourceFile& source, const Diagnostic& diagnostic);

}  // namespace leadrouter::dsl
