// Format: the canonical layout on chosen cases, and two properties over every valid program the
// tests know (the cases below, tests/dsl/programs/*.rules and the clean golden files):
//   idempotent:        Format(Parse(Format(Parse(x)))) == Format(Parse(x))
//   meaning-preserving: Parse(Format(Parse(x))) is the same tree as Parse(x), spans aside, comments
//                      included (clauses compared in canonical order: a rule's clause order carries
//                      no meaning); and both compile to the same program.
#include "dsl/syntax/formatter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ast_testing.h"
#include "dsl/compile/compiler.h"
#include "dsl/compile/program.h"
#include "dsl/syntax/parser.h"
#include "files.h"

namespace leadrouter::dsl {
namespace {

namespace fs = std::filesystem;
using ::leadrouter::dsl::testing::DumpFile;
using ::leadrouter::testing::ReadFile;

// Formats `text`, failing the test if it does not parse cleanly.
std::string FormatText(const std::string& text) {
  const SourceFile source("test.rules", text);
  const ParseResult result = Parse(source);
  EXPECT_THAT(result.diagnostics, ::testing::IsEmpty()) << RenderText(source, result.diagnostics);
  return Format(result.file);
}

struct FormatCase {
  std::string name;
  std::string input;
  std::string output;
};

class FormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatTest, FormatsCanonically) {
  EXPECT_EQ(FormatText(GetParam().input), GetParam().output);
}

const FormatCase kFormatCases[] = {
    {"balance_options_in_one_order",
     "when a distribute balanced( q )  by tier [80,50_0]   over week",
     "when a distribute balanced(q) over week by tier [80, 500]\n"},
    {"spaces_around_operators", "segment s=a==1 and(b<2 or c)",
     "segment s = a == 1 and (b < 2 or c)\n"},
    {"redundant_parentheses_go", "let X = ((1 + (2 * 3)))", "let X = 1 + 2 * 3\n"},
    {"needed_parentheses_stay", "let X = (1 + 2) * (3 - (4 - 5))",
     "let X = (1 + 2) * (3 - (4 - 5))\n"},
    {"right_nested_logic_keeps_its_shape", "segment s = a or (b or c)",
     "segment s = a or (b or c)\n"},
    {"left_nested_logic_loses_parentheses", "segment s = (a or b) or c",
     "segment s = a or b or c\n"},
    {"not_and_comparison", "segment s = not (a == b) and (not a) == b",
     "segment s = not a == b and (not a) == b\n"},
    {"not_of_logic", "segment s = not (a and b)", "segment s = not (a and b)\n"},
    {"negation", "let X = -(-x) * -(1 + 2)", "let X = - -x * -(1 + 2)\n"},
    {"comparison_of_comparison", "segment s = (a < b) == c", "segment s = (a < b) == c\n"},
    {"between_bounds", "segment s = (q) between (1 + 2) and (a or b)",
     "segment s = q between 1 + 2 and (a or b)\n"},
    {"literals_as_written", "let L = [1_000, 0.50, 007, 24h, 1_0m,true,null]",
     "let L = [1_000, 0.50, 007, 24h, 1_0m, true, null]\n"},
    {"strings_reescaped", R"(let S = "tab\there \u{48}\"q\" \\ 销售")",
     "let S = \"tab\\there H\\\"q\\\" \\\\ 销售\"\n"},
    // Found by fuzzing: raw control characters, NUL included, must come back as escapes that parse.
    {"control_characters_escaped",
     std::string("let S = \"a\x01"
                 "b\0c\x7f\"",
                 16),
     "let S = \"a\\u{1}b\\u{0}c\\u{7F}\"\n"},
    {"lets_grouped_then_blank_line",
     "let A = 1\n\n\nlet B = 2\nsegment s = a\nsegment t = b\nlet C = 3",
     "let A = 1\nlet B = 2\n\nsegment s = a\nsegment t = b\n\nlet C = 3\n"},
    {"comment_opens_a_new_block", "let A = 1\n# why B\nlet B = 2",
     "let A = 1\n\n# why B\nlet B = 2\n"},
    {"named_rule_canonical_order",
     "rule   \"r\"  cap 5/day,40 open followup phone within 1h,email within 1d sla 4h then "
     "escalate "
     "distribute balanced( quality ) prefer a,-b require c team \"t\" when d",
     "rule \"r\"\n  when d\n  team \"t\"\n  require c\n  prefer a, -b\n"
     "  distribute balanced(quality)\n  cap 5/day, 40 open\n  sla 4h then escalate\n"
     "  followup phone within 1h, email within 1d\n"},
    {"followup_clauses_canonical_order",
     "rule \"r\" review  when value>1 followup phone within 1   working  hour,email within 2d "
     "sla 15m then notify,1h then reassign ,4h then escalate \"team:x\" when d",
     "rule \"r\"\n  when d\n  sla 15m then notify, 1h then reassign, 4h then escalate \"team:x\"\n"
     "  followup phone within 1 working hour, email within 2d\n  review when value > 1\n"},
    {"review_stays_on_one_line", "when d review sla 2 working days then escalate",
     "when d sla 2 working days then escalate review\n"},
    {"one_line_form_stays_on_one_line",
     "when source==\"ads\" and quality>80 prefer skill(\"tech\") cap 20/day",
     "when source == \"ads\" and quality > 80 prefer skill(\"tech\") cap 20/day\n"},
    {"one_line_form_too_long_breaks",
     "when aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa and bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb require "
     "cccccccccccccccccccccccc distribute round_robin",
     "when aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa and bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
     "  require cccccccccccccccccccccccc\n  distribute round_robin\n"},
    {"one_line_form_multi_line_input_joins", "when a\n  cap 5/day\n  require b",
     "when a require b cap 5/day\n"},
    {"one_line_form_with_inner_comment_breaks", "when a  # c1\n  cap 5/day",
     "when a  # c1\n  cap 5/day\n"},
    {"otherwise_forms", "otherwise   unassigned", "otherwise unassigned\n"},
    {"otherwise_one_line", "otherwise\n cap 3/day\n distribute least_loaded",
     "otherwise distribute least_loaded cap 3/day\n"},
    {"otherwise_with_header_comment", "otherwise  # fallback\n  distribute round_robin",
     "otherwise  # fallback\n  distribute round_robin\n"},
    {"comments_everywhere",
     "#top\n\n#   about A   \nlet A=1 #one\nrule \"r\" # header\n  # before when\n  when a\n"
     "    or # inside\n    b # after\n# tail\n",
     "# top\n# about A\nlet A = 1  # one\n\nrule \"r\"  # header\n  # before when\n  # inside\n"
     "  when a or b  # after\n\n# tail\n"},
    {"hash_comments_keep_their_hashes", "## section\nlet A = 1  #\n", "## section\nlet A = 1\n"},
    {"statements_separated_by_one_blank_line", "when a\nwhen b\n\n\n\nlet A = 1",
     "when a\n\nwhen b\n\nlet A = 1\n"},
    {"empty", "", ""},
};

INSTANTIATE_TEST_SUITE_P(Formatter, FormatTest, ::testing::ValuesIn(kFormatCases),
                         [](const auto& p) { return p.param.name; });

TEST(FormatExpressionTest, WritesOneExpression) {
  const ParseResult result = Parse(SourceFile("t", "let X = (a+b)*c"));
  ASSERT_EQ(result.file.statements.size(), 1u);
  EXPECT_EQ(FormatExpression(*std::get<ast::Let>(result.file.statements[0].node).value),
            "(a + b) * c");
}

// ---------------------------------------------------------------------------------------------
// Properties over every valid program

std::vector<std::pair<std::string, std::string>> ValidPrograms() {
  std::vector<std::pair<std::string, std::string>> programs;
  for (const FormatCase& c : kFormatCases) {
    if (!HasErrors(Parse(SourceFile("p", c.input)).diagnostics)) {
      programs.emplace_back(c.name, c.input);
    }
  }
  const fs::path root(LEADROUTER_SOURCE_DIR);
  for (const fs::path& dir : {root / "tests/dsl/programs", root / "tests/dsl/golden"}) {
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".rules") continue;
      const std::string text = ReadFile(entry.path());
      if (!HasErrors(Parse(SourceFile("p", text)).diagnostics)) {
        programs.emplace_back(entry.path().filename().string(), text);
      }
    }
  }
  // Deep but legal nesting and long but legal chains.
  std::string chain = "when a";
  for (int i = 0; i < 120; ++i) chain += " or not b and c";
  programs.emplace_back("long_chain", chain);
  programs.emplace_back("deep_parentheses", "let X = " + std::string(60, '(') + "1 - 2" +
                                                std::string(60, ')') + " - 3");
  return programs;
}

TEST(FormatterPropertyTest, HasManyPrograms) { EXPECT_GE(ValidPrograms().size(), 30u); }

TEST(FormatterPropertyTest, IdempotentAndMeaningPreserving) {
  for (const auto& [name, text] : ValidPrograms()) {
    SCOPED_TRACE(name);
    const SourceFile original("original.rules", text);
    const ParseResult parsed = Parse(original);
    const std::string once = Format(parsed.file);

    const SourceFile formatted_source("formatted.rules", once);
    const ParseResult reparsed = Parse(formatted_source);
    ASSERT_THAT(reparsed.diagnostics, ::testing::IsEmpty())
        << RenderText(formatted_source, reparsed.diagnostics) << once;
    EXPECT_EQ(Format(reparsed.file), once);
    EXPECT_EQ(DumpFile(reparsed.file, /*with_comments=*/true),
              DumpFile(parsed.file, /*with_comments=*/true));

    // Same program: the checker and compiler see no difference either.
    const CompileResult before = Compile(original);
    const CompileResult after = Compile(formatted_source);
    ASSERT_EQ(before.program != nullptr, after.program != nullptr);
    std::vector<std::string> codes_before, codes_after;
    for (const Diagnostic& d : before.diagnostics)
      codes_before.push_back(d.code + ": " + d.message);
    for (const Diagnostic& d : after.diagnostics) codes_after.push_back(d.code + ": " + d.message);
    EXPECT_EQ(codes_after, codes_before);
    if (before.program && after.program) {
      EXPECT_EQ(after.program->Dump(), before.program->Dump());
    }
  }
}

}  // namespace
}  // namespace leadrouter::dsl
