// Rendering follows clang's layout, with the source line and caret indented by two spaces:
//
//   rules.lr:3:14: error: unterminated string [unterminated-string]
//     when source == "ads
//                    ^~~~
//   note: a string ends with `"` on the line where it starts; write a line break as `\n`
//
// The caret line mirrors the source line's tabs and counts wide (CJK, emoji) characters as two
// columns, so the caret sits under the offending text in a terminal. Very long lines are shown as
// a window around the caret.
#include "dsl/base/diagnostics.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/text_util.h"
#include "dsl/base/utf8.h"

namespace leadrouter::dsl {
namespace {

// Lines longer than this are cut to a window of about this size around the caret.
constexpr uint32_t kMaxShownLine = 160;

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

// Terminal columns of a code point: East Asian wide and fullwidth characters and emoji take two.
int DisplayWidth(uint32_t c) {
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
                    (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
                    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
                    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

// One source line as shown, with a caret line under [begin, end) (byte offsets into `line`).
struct ShownLine {
  std::string source;
  std::string caret;
};

ShownLine ShowLine(std::string_view line, uint32_t begin, uint32_t end) {
  begin = std::min<uint32_t>(begin, line.size());
  end = std::clamp<uint32_t>(end, begin, line.size());
  // Cut very long lines to a window around the caret, on character boundaries.
  uint32_t window_begin = 0;
  uint32_t window_end = line.size();
  if (line.size() > kMaxShownLine) {
    window_begin = begin > kMaxShownLine / 2 ? begin - kMaxShownLine / 2 : 0;
    window_end = std::min<uint32_t>(line.size(), window_begin + kMaxShownLine);
    while (window_begin > 0 && (static_cast<unsigned char>(line[window_begin]) & 0xC0) == 0x80) {
      --window_begin;
    }
    while (window_end < line.size() &&
           (static_cast<unsigned char>(line[window_end]) & 0xC0) == 0x80) {
      ++window_end;
    }
    end = std::min(end, window_end);
  }
  ShownLine shown;
  if (window_begin > 0) {
    shown.source = "...";
    shown.caret = "   ";
  }
  bool caret_placed = false;
  for (uint32_t i = window_begin; i < window_end;) {
    const utf8::Decoded decoded = utf8::Decode(line, i);
    const uint32_t code_point = decoded.code_point;
    uint32_t length = decoded.length;
    int width = 1;
    if (length == 0) {
      shown.source += '?';  // not UTF-8: show a placeholder of the same width
      length = 1;
    } else if (code_point == '\t') {
      shown.source += '\t';
    } else if (code_point < 0x20 || code_point == 0x7F) {
      shown.source += '?';
    } else {
      shown.source.append(line.substr(i, length));
      width = DisplayWidth(code_point);
    }
    const char mark = i < begin ? ' ' : (i == begin ? '^' : '~');
    if (i < end || i == begin) {
      if (code_point == '\t' && i < begin) {
        shown.caret += '\t';
      } else {
        shown.caret += mark;
        if (width == 2) shown.caret += i < begin ? ' ' : '~';
      }
      caret_placed |= i == begin;
    }
    i += length;
  }
  if (window_end < line.size()) shown.source += "...";
  if (!caret_placed) shown.caret += '^';  // the span starts at the end of the line
  return shown;
}

void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\b':
        out += "\\b";
        ++i;
        continue;
      case '\f':
        out += "\\f";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      absl::StrAppend(&out, "\\u00", Piece(std::string_view("0123456789abcdef").substr(c >> 4, 1)),
                      Piece(std::string_view("0123456789abcdef").substr(c & 0xF, 1)));
      ++i;
      continue;
    }
    const uint32_t length = utf8::Decode(s, i).length;
    if (length == 0) {
      out += "\\ufffd";  // keep the output valid JSON whatever bytes the file held
      ++i;
    } else {
      out.append(s.substr(i, length));
      i += length;
    }
  }
  out += '"';
}

}  // namespace

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

void SortDiagnostics(std::vector<Diagnostic>& diagnostics) {
  std::vector<std::vector<Diagnostic>> groups;
  for (Diagnostic& d : diagnostics) {
    if (d.severity != Severity::kNote || groups.empty()) groups.emplace_back();
    groups.back().push_back(std::move(d));
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    if (a.front().span.begin != b.front().span.begin) {
      return a.front().span.begin < b.front().span.begin;
    }
    return a.front().span.end < b.front().span.end;
  });
  diagnostics.clear();
  for (auto& group : groups) {
    for (Diagnostic& d : group) diagnostics.push_back(std::move(d));
  }
}

std::string RenderText(const SourceFile& source, const Diagnostic& diagnostic) {
  const LineColumn start = source.Locate(diagnostic.span.begin);
  const LineColumn stop = source.Locate(std::max(diagnostic.span.end, diagnostic.span.begin));
  std::string out =
      absl::StrCat(source.name(), ":", start.line, ":", start.column, ": ",
                   Piece(SeverityName(diagnostic.severity)), ": ", diagnostic.message);
  if (diagnostic.severity != Severity::kNote && !diagnostic.code.empty()) {
    absl::StrAppend(&out, " [", diagnostic.code, "]");
  }
  out += '\n';
  const std::string_view line = source.Line(start.line);
  // A multi-line span is underlined to the end of its first line.
  const uint32_t end_column =
      stop.line == start.line ? stop.column : static_cast<uint32_t>(line.size()) + 1;
  const ShownLine shown = ShowLine(line, start.column - 1, end_column - 1);
  absl::StrAppend(&out, "  ", shown.source, "\n  ", shown.caret, "\n");
  if (!diagnostic.hint.empty()) absl::StrAppend(&out, "note: ", diagnostic.hint, "\n");
  return out;
}

std::string RenderText(const SourceFile& source, const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) out += RenderText(source, diagnostic);
  return out;
}

std::string RenderJson(const SourceFile& source, const Diagnostic& diagnostic) {
  const LineColumn start = source.Locate(diagnostic.span.begin);
  const LineColumn stop = source.Locate(std::max(diagnostic.span.end, diagnostic.span.begin));
  std::string out = "{\"file\":";
  AppendJsonString(source.name(), out);
  absl::StrAppend(&out, ",\"line\":", start.line, ",\"column\":", start.column,
                  ",\"end_line\":", stop.line, ",\"end_column\":", stop.column, ",\"severity\":\"",
                  Piece(SeverityName(diagnostic.severity)), "\",\"code\":");
  AppendJsonString(diagnostic.code, out);
  out += ",\"message\":";
  AppendJsonString(diagnostic.message, out);
  out += ",\"hint\":";
  AppendJsonString(diagnostic.hint, out);
  out += '}';
  return out;
}

}  // namespace leadrouter::dsl
