#include "clients/common/diagnostics_convert.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace leadrouter::client {
namespace {

// The byte offset of 1-based (line, column), clamped to the text.
uint32_t OffsetOf(const dsl::SourceFile& source, int32_t line, int32_t column) {
  const auto size = static_cast<uint32_t>(source.text().size());
  if (line < 1) return 0;
  const std::string_view text_of_line = source.Line(static_cast<uint32_t>(line));
  if (text_of_line.data() == nullptr) return size;  // past the last line
  const auto line_start = static_cast<uint32_t>(text_of_line.data() - source.text().data());
  const uint32_t within = column < 1 ? 0 : static_cast<uint32_t>(column - 1);
  return std::min(size, line_start + within);
}

dsl::Severity SeverityFromProto(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_WARNING:
      return dsl::Severity::kWarning;
    case v1::SEVERITY_NOTE:
      return dsl::Severity::kNote;
    default:
      return dsl::Severity::kError;
  }
}

}  // namespace

dsl::Diagnostic FromProto(const dsl::SourceFile& source, const v1::Diagnostic& diagnostic) {
  dsl::Diagnostic out;
  out.severity = SeverityFromProto(diagnostic.severity());
  out.code = diagnostic.code();
  out.message = diagnostic.message();
  out.hint = diagnostic.hint();
  const v1::SourceRange& range = diagnostic.range();
  out.span.begin = OffsetOf(source, range.line(), range.column());
  out.span.end = range.end_line() == 0 ? out.span.begin
                                       : OffsetOf(source, range.end_line(), range.end_column());
  out.span.end = std::max(out.span.end, out.span.begin);
  return out;
}

}  // namespace leadrouter::client
