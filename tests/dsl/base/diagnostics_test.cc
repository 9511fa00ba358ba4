// RenderText and RenderJson: the exact layout, carets under tabs and wide characters, long lines,
// the end of the file, and JSON escaping.
#include "dsl/base/diagnostics.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leadrouter::dsl {
namespace {

Diagnostic Error(uint32_t begin, uint32_t end, std::string code, std::string message,
                 std::string hint = "") {
  return {Severity::kError, {begin, end}, std::move(code), std::move(message), std::move(hint)};
}

TEST(RenderTextTest, ErrorWithCaretUnderlineAndHint) {
  const SourceFile source("rules.lr", "let A = 1\nrule \"r\"\n  requires b\n");
  const uint32_t at = static_cast<uint32_t>(source.text().find("requires"));
  EXPECT_EQ(RenderText(source, Error(at, at + 8, "unknown-clause", "unknown clause `requires`",
                                     "did you mean `require`?")),
            "rules.lr:3:3: error: unknown clause `requires` [unknown-clause]\n"
            "    requires b\n"
            "    ^~~~~~~~\n"
            "note: did you mean `require`?\n");
}

TEST(RenderTextTest, WarningAndNoteSeverities) {
  const SourceFile source("f", "let A = 1\n");
  Diagnostic warning = Error(4, 5, "unused-let", "`A` is never used");
  warning.severity = Severity::kWarning;
  Diagnostic note = Error(0, 3, "note", "declared here");
  note.severity = Severity::kNote;
  EXPECT_EQ(RenderText(source, {warning, note}),
            "f:1:5: warning: `A` is never used [unused-let]\n"
            "  let A = 1\n"
            "      ^\n"
            "f:1:1: note: declared here\n"
            "  let A = 1\n"
            "  ^~~\n");
}

TEST(RenderTextTest, TabsKeepTheCaretAligned) {
  const SourceFile source("f", "\twhen\ta == \"x\n");
  EXPECT_EQ(RenderText(source, Error(11, 11, "unterminated-string", "unterminated string")),
            "f:1:12: error: unterminated string [unterminated-string]\n"
            "  \twhen\ta == \"x\n"
            "  \t    \t     ^\n");
}

TEST(RenderTextTest, WideCharactersCountTwoColumns) {
  const std::string text = "let S = \"销售\" + é";
  const SourceFile source("f", text);
  const auto at = static_cast<uint32_t>(text.find("é"));
  EXPECT_EQ(RenderText(source, Error(at, at + 2, "x", "here")),
            "f:1:20: error: here [x]\n"
            "  let S = \"销售\" + é\n"
            "                   ^\n");
  // A span over wide characters underlines both columns of each.
  EXPECT_EQ(RenderText(source, Error(9, 15, "x", "wide")),
            "f:1:10: error: wide [x]\n"
            "  let S = \"销售\" + é\n"
            "           ^~~~\n");
}

TEST(RenderTextTest, CrlfLinesAndEndOfFile) {
  const SourceFile source("f", "let A = 1\r\nlet B =");
  EXPECT_EQ(RenderText(source, Error(18, 18, "expected-expression", "expected a value")),
            "f:2:8: error: expected a value [expected-expression]\n"
            "  let B =\n"
            "         ^\n");
}

TEST(RenderTextTest, MultiLineSpanIsUnderlinedToTheEndOfItsFirstLine) {
  const SourceFile source("f", "when a\n  or b\n");
  EXPECT_EQ(RenderText(source, Error(5, 13, "x", "span")),
            "f:1:6: error: span [x]\n"
            "  when a\n"
            "       ^\n");
}

TEST(RenderTextTest, LongLinesShowAWindowAroundTheCaret) {
  const std::string text = "let X = " + std::string(1000, '(') + "1";
  const SourceFile source("f", text);
  const std::string rendered = RenderText(source, Error(500, 501, "nesting-too-deep", "deep"));
  EXPECT_LT(rendered.size(), 500u);
  const size_t source_line = rendered.find('\n') + 1;
  const size_t caret_line = rendered.find('\n', source_line) + 1;
  const std::string shown = rendered.substr(source_line, caret_line - source_line - 1);
  const std::string caret =
      rendered.substr(caret_line, rendered.find('\n', caret_line) - caret_line);
  EXPECT_TRUE(shown.starts_with("  ...(")) << shown;
  EXPECT_TRUE(shown.ends_with("...")) << shown;
  ASSERT_EQ(caret.find_first_not_of(' '), caret.size() - 1);
  EXPECT_EQ(shown[caret.size() - 1], '(');
}

TEST(RenderTextTest, ControlBytesAndInvalidUtf8AreShownAsPlaceholders) {
  const SourceFile source("f", std::string("a\x01\xff b", 5));
  EXPECT_EQ(RenderText(source, Error(4, 5, "x", "m")), "f:1:5: error: m [x]\n  a?? b\n      ^\n");
}

TEST(RenderJsonTest, OneObjectWithEveryField) {
  const SourceFile source("dir/rules.lr", "let A = 1\nwhen a cap 20\n");
  EXPECT_EQ(
      RenderJson(source,
                 Error(21, 23, "cap-without-unit", "cap needs a unit: `20/day`", "a \"hint\"")),
      R"({"file":"dir/rules.lr","line":2,"column":12,"end_line":2,"end_column":14,)"
      R"("severity":"error","code":"cap-without-unit","message":"cap needs a unit: `20/day`",)"
      R"("hint":"a \"hint\""})");
}

TEST(RenderJsonTest, EscapesEverythingJsonRequires) {
  const SourceFile source(std::string("a\\b\"c\n\x01\xff", 8), "x");
  Diagnostic d = Error(0, 1, "c", "tab\there, 销售 ok");
  d.severity = Severity::kWarning;
  EXPECT_EQ(RenderJson(source, d),
            R"({"file":"a\\b\"c\n\u0001\ufffd","line":1,"column":1,"end_line":1,"end_column":2,)"
            R"("severity":"warning","code":"c","message":"tab\there, 销售 ok","hint":""})");
}

TEST(HasErrorsTest, OnlyErrorsCount) {
  Diagnostic warning = Error(0, 0, "w", "w");
  warning.severity = Severity::kWarning;
  EXPECT_FALSE(HasErrors({}));
  EXPECT_FALSE(HasErrors({warning}));
  EXPECT_TRUE(HasErrors({warning, Error(0, 0, "e", "e")}));
}

TEST(SortDiagnosticsTest, ByPositionWithEachNoteAfterItsDiagnostic) {
  Diagnostic late_note = Error(1, 2, "note", "first duplicate here");
  late_note.severity = Severity::kNote;
  Diagnostic warning = Error(5, 6, "w", "warning");
  warning.severity = Severity::kWarning;
  std::vector<Diagnostic> diagnostics = {Error(20, 22, "late", "late"), late_note,
                                         Error(5, 9, "wide", "wide"), warning,
                                         Error(5, 6, "same", "same span, listed second")};
  SortDiagnostics(diagnostics);
  std::vector<std::string> order;
  for (const Diagnostic& d : diagnostics) order.push_back(d.code);
  // The note stays behind `late` although it points earlier; equal spans keep their order.
  EXPECT_EQ(order, (std::vector<std::string>{"w", "same", "wide", "late", "note"}));
}

TEST(SortDiagnosticsTest, LeadingNoteStartsItsOwnGroup) {
  Diagnostic note = Error(9, 9, "note", "orphan");
  note.severity = Severity::kNote;
  std::vector<Diagnostic> diagnostics = {note, Error(0, 1, "e", "e")};
  SortDiagnostics(diagnostics);
  EXPECT_EQ(diagnostics[0].code, "e");
  EXPECT_EQ(diagnostics[1].code, "note");
}

}  // namespace
}  // namespace leadrouter::dsl
