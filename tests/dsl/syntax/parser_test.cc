// Parse: the trees it builds, the errors it reports (code and position), its limits, its recovery
// after errors, where comments go, and the syntax_* golden cases.
#include "dsl/syntax/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tao/pegtl/contrib/analyze.hpp>
#include <vector>

#include "ast_testing.h"
#include "dsl/syntax/internal/grammar.h"
#include "files.h"
#include "sanitizers.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

namespace fs = std::filesystem;
using ::leadrouter::dsl::testing::Codes;
using ::leadrouter::dsl::testing::DumpExpr;
using ::leadrouter::dsl::testing::DumpFile;
using ::leadrouter::testing::ReadFile;
using ::leadrouter::testing::StatusIs;

const fs::path kGoldenDir = fs::path(LEADROUTER_SOURCE_DIR) / "tests/dsl/golden";

ParseResult ParseText(const std::string& text, const ParseOptions& options = {}) {
  return Parse(SourceFile("test.rules", text), options);
}

TEST(GrammarTest, AnalyzeFindsNoInfiniteLoops) {
  EXPECT_EQ(tao::pegtl::analyze<grammar::file>(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Valid programs and the trees they give

struct TreeCase {
  std::string name;
  std::string text;
  std::string tree;  // DumpFile of the result
};

class ValidProgramTest : public ::testing::TestWithParam<TreeCase> {};

TEST_P(ValidProgramTest, ParsesToTree) {
  const SourceFile source("test.rules", GetParam().text);
  const ParseResult result = Parse(source);
  EXPECT_THAT(result.diagnostics, ::testing::IsEmpty()) << RenderText(source, result.diagnostics);
  EXPECT_EQ(DumpFile(result.file), GetParam().tree);
}

const TreeCase kTreeCases[] = {
    {"let_number", "let HOT = 80", "let HOT 80=80\n"},
    {"let_list", "let ENTERPRISE = [\"finance\", \"government\"]",
     "let ENTERPRISE [ \"finance\" \"government\"]\n"},
    {"list_trailing_comma_and_empty", "let L = [1, [], 2,]", "let L [ 1=1 [] 2=2]\n"},
    {"arithmetic_precedence", "let X = 1 + 2 * 3 - 4 / 5 % 6",
     "let X (- (+ 1=1 (* 2=2 3=3)) (% (/ 4=4 5=5) 6=6))\n"},
    {"parentheses", "let X = (1 + 2) * -(3 - 4)", "let X (* (+ 1=1 2=2) (neg (- 3=3 4=4)))\n"},
    {"unary_chains", "let X = - -x", "let X (neg (neg x))\n"},
    {"logic_precedence", "segment s = not a == b and c or d and not not e",
     "segment s (or (and (not (== a b)) c) (and d (not (not e))))\n"},
    {"left_associative", "segment s = a or b or c", "segment s (or (or a b) c)\n"},
    {"comparisons", "segment s = a != 1 and b <= 2 and c >= 3 and d < 4 and e > 5",
     "segment s (and (and (and (and (!= a 1=1) (<= b 2=2)) (>= c 3=3)) (< d 4=4)) (> e 5=5))\n"},
    {"tight_operators", "segment s = source==\"ads\" and quality>80",
     "segment s (and (== source \"ads\") (> quality 80=80))\n"},
    {"membership_and_text", "segment s = a in L or a not in L or b contains \"x\"",
     "segment s (or (or (in a L) (not in a L)) (contains b \"x\"))\n"},
    {"starts_ends_matches",
     "segment s = email starts_with \"a\" and email ends_with \".com\" and email matches \"^a.*\"",
     "segment s (and (and (starts_with email \"a\") (ends_with email \".com\")) (matches email "
     "\"^a.*\"))\n"},
    {"between", "segment s = quality between 40 and 70 and x",
     "segment s (and (between quality 40=40 70=70) x)\n"},
    {"between_arithmetic_bounds", "segment s = q between a + 1 and b * 2",
     "segment s (between q (+ a 1=1) (* b 2=2))\n"},
    {"fields_and_calls",
     "rule \"r\" when has(company) and lower(lead.region) == rep.region and f() require "
     "hours_since(created_at) < 24",
     "rule \"r\" (when (and (and (call has company) (== (call lower lead.region) rep.region)) "
     "(call f))) (require (< (call hours_since created_at) 24=24))\n"},
    {"reserved_field_after_dot", "rule \"r\" when lead.team == rep.team",
     "rule \"r\" (when (== lead.team rep.team))\n"},
    {"expression_spans_lines", "segment s = a\n  or # why\n  b", "segment s (or a b)\n"},
    {"one_line_form_verbatim",
     "when source==\"ads\" and quality>80 prefer skill(\"tech\") cap 20/day",
     "rule _ (when (and (== source \"ads\") (> quality 80=80))) (prefer (call skill \"tech\")) "
     "(cap 20/0)\n"},
    {"all_clauses",
     "rule \"all\"\n  team \"enterprise\"\n  when true\n  require level >= 3\n"
     "  prefer skill(industry), -open_leads\n  distribute sticky(lead.account)\n"
     "  cap 5/day, 10/week, 1_00/month, 40 open\n  sla 24h then escalate\n"
     "  followup phone within 1h, email within 1d, wechat within 30m",
     "rule \"all\" (when true) (team \"enterprise\") (require (>= level 3=3)) (prefer (call skill "
     "industry) (neg open_leads)) (distribute 4 lead.account) (cap 5/0 10/1 100/2 40/3) (sla "
     "24h=86400s 1) (followup phone:1h=3600s email:1d=86400s wechat:30m=1800s)\n"},
    {"strategies",
     "when a distribute round_robin\nwhen b distribute least_loaded\n"
     "when c distribute balanced(quality)\nwhen d distribute weighted (conversion_rate)",
     "rule _ (when a) (distribute 0)\nrule _ (when b) (distribute 1)\n"
     "rule _ (when c) (distribute 2 quality)\nrule _ (when d) (distribute 3 conversion_rate)\n"},
    {"second_when_starts_a_rule", "rule \"a\" when x require y when z",
     "rule \"a\" (when x) (require y)\nrule _ (when z)\n"},
    {"otherwise_forms", "otherwise unassigned", "otherwise unassigned\n"},
    {"otherwise_clauses", "otherwise\n  distribute balanced(quality)\n  cap 3/day",
     "otherwise (distribute 2 quality) (cap 3/0)\n"},
    {"crlf_and_tabs", "let A = 1\r\n\tlet B = 2\r\n", "let A 1=1\nlet B 2=2\n"},
    {"empty_file", "", ""},
};

INSTANTIATE_TEST_SUITE_P(Parser, ValidProgramTest, ::testing::ValuesIn(kTreeCases),
                         [](const auto& p) { return p.param.name; });

TEST(ParserTest, FullExampleVerbatim) {
  const std::string text =
      ReadFile(fs::path(LEADROUTER_SOURCE_DIR) / "tests/dsl/programs/full_example.rules");
  const SourceFile source("full.rules", text);
  const ParseResult result = Parse(source);
  ASSERT_THAT(result.diagnostics, ::testing::IsEmpty()) << RenderText(source, result.diagnostics);
  EXPECT_EQ(
      DumpFile(result.file),
      "let HOT 80=80\n"
      "let ENTERPRISE [ \"finance\" \"government\"]\n"
      "segment vip (or (>= value 1_000_000=1000000) (in industry ENTERPRISE))\n"
      "rule \"vip to seniors\" (when (and vip (call has company))) (require (and (>= level "
      "3=3) available)) (prefer (call skill industry) (neg open_leads)) (distribute 1) (cap "
      "5/0 40/3) (sla 4h=14400s 0)\n"
      "rule _ (when (and (== source \"ads\") (> quality 80=80))) (prefer (call skill "
      "\"tech\")) (cap 20/0)\n"
      "rule \"newcomers get their share\" (when (between quality 40=40 70=70)) (require (call "
      "tag \"newcomer\")) (distribute 0) (cap 10/0)\n"
      "otherwise (distribute 2 quality)\n");
}

TEST(ParserTest, ClausesKeepTheirWrittenOrder) {
  const ParseResult result = ParseText("rule \"r\" cap 1/day team \"t\" when a");
  ASSERT_EQ(result.file.statements.size(), 1u);
  const auto& clauses = std::get<ast::Rule>(result.file.statements[0].node).clauses;
  ASSERT_EQ(clauses.size(), 3u);
  EXPECT_EQ(clauses[0].kind, ast::ClauseKind::kCap);
  EXPECT_EQ(clauses[1].kind, ast::ClauseKind::kTeam);
  EXPECT_EQ(clauses[2].kind, ast::ClauseKind::kWhen);
}

TEST(ParserTest, SpansPointAtTheText) {
  const SourceFile source("test.rules", "rule \"vip\"\n  when a and b\n  cap 5/day");
  const ParseResult result = Parse(source);
  ASSERT_EQ(result.file.statements.size(), 1u);
  const auto& rule = std::get<ast::Rule>(result.file.statements[0].node);
  EXPECT_EQ(source.Slice(rule.name_span), "\"vip\"");
  EXPECT_EQ(source.Slice(rule.clauses[0].span), "when a and b");
  EXPECT_EQ(source.Slice(rule.clauses[0].keyword_span), "when");
  EXPECT_EQ(source.Slice(rule.clauses[0].condition->span), "a and b");
  EXPECT_EQ(source.Slice(rule.clauses[1].caps[0].span), "5/day");
  EXPECT_EQ(source.Slice(result.file.statements[0].span), source.text());
}

// ---------------------------------------------------------------------------------------------
// Errors: code and position

struct ErrorCase {
  std::string name;
  std::string text;
  std::vector<std::string> expected;  // "line:col code", notes included
};

class SyntaxErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SyntaxErrorTest, ReportsCodeAtPosition) {
  EXPECT_EQ(Codes(GetParam().text), GetParam().expected);
  // A statement with an error never reaches the tree.
  EXPECT_THAT(ParseText(GetParam().text).file.statements, ::testing::IsEmpty());
}

const ErrorCase kErrorCases[] = {
    {"missing_operand", "when a and\n  require b", {"2:3 expected-expression"}},
    {"missing_condition", "when", {"1:5 expected-expression"}},
    {"chained_comparison", "when a < b < c", {"1:12 chained-comparison"}},
    {"chained_equality", "when a == b == c", {"1:13 chained-comparison"}},
    {"single_equals", "when source = \"ads\"", {"1:13 single-equals"}},
    {"unclosed_paren", "when (a or b", {"1:13 unclosed-bracket"}},
    {"unclosed_list", "let L = [1, 2", {"1:14 unclosed-bracket"}},
    {"unclosed_call", "when has(a", {"1:11 unclosed-bracket"}},
    {"bare_lead", "when lead == 1", {"1:6 expected-field"}},
    {"lead_dot_nothing", "when lead. == 1", {"1:11 expected-field"}},
    {"matches_needs_string", "when email matches pattern", {"1:20 matches-needs-string"}},
    {"between_without_and", "when q between 1 or 2", {"1:18 syntax-error"}},
    {"unknown_clause", "rule \"r\"\n  when a\n  requires b", {"3:3 unknown-clause"}},
    {"unknown_clause_typo_midline", "when a prefr b", {"1:8 unknown-clause"}},
    {"missing_operator", "when a b", {"1:8 syntax-error"}},
    {"duplicate_clause",
     "rule \"r\"\n  when a\n  require b\n  require c",
     {"4:3 duplicate-clause", "3:3 note"}},
    {"missing_when", "rule \"r\" require b", {"1:6 missing-when"}},
    {"when_in_otherwise", "otherwise when a", {"1:11 when-in-otherwise"}},
    {"otherwise_without_body", "otherwise", {"1:10 syntax-error"}},
    {"unassigned_with_clauses", "otherwise unassigned cap 5/day", {"1:22 unassigned-with-clauses"}},
    {"cap_without_unit", "when a cap 20", {"1:12 cap-without-unit"}},
    {"cap_without_unit_in_list", "when a cap 20, 5/day", {"1:12 cap-without-unit"}},
    {"unknown_cap_unit", "when a cap 20 daily", {"1:15 unknown-cap-unit"}},
    {"unknown_cap_period", "when a cap 20/days", {"1:15 unknown-cap-unit"}},
    {"decimal_cap", "when a cap 2.5/day", {"1:12 invalid-cap"}},
    {"cap_without_limit", "when a cap day", {"1:12 syntax-error"}},
    {"unknown_strategy", "when a distribute roundrobin", {"1:19 unknown-strategy"}},
    {"strategy_needs_argument", "when a distribute balanced", {"1:19 strategy-argument"}},
    {"strategy_takes_no_argument", "when a distribute round_robin(x)", {"1:31 strategy-argument"}},
    {"unknown_balance_period",
     "when a distribute balanced(q) over year",
     {"1:36 unknown-cap-unit"}},
    {"duplicate_balance_period",
     "when a distribute balanced(q) over day over week",
     {"1:45 duplicate-clause"}},
    {"balance_period_on_round_robin",
     "when a distribute round_robin over week",
     {"1:31 strategy-argument"}},
    {"tiers_without_bracket", "when a distribute balanced(q) by tier 80", {"1:39 syntax-error"}},
    {"tiers_unclosed", "when a distribute balanced(q) by tier [80", {"1:42 unclosed-bracket"}},
    {"tiers_without_tier", "when a distribute balanced(q) by [80]", {"1:34 syntax-error"}},
    {"tiers_on_sticky", "when a distribute sticky(lead.k) by tier [1]", {"1:34 strategy-argument"}},
    {"sla_without_duration", "when a sla 4 then reassign", {"1:12 syntax-error"}},
    {"sla_without_then", "when a sla 4h reassign", {"1:15 syntax-error"}},
    {"unknown_sla_action", "when a sla 4h then reasign", {"1:20 unknown-sla-action"}},
    {"unknown_channel", "when a followup fone within 1h", {"1:17 unknown-channel"}},
    {"duplicate_channel",
     "when a followup sms within 1h, sms within 2h",
     {"1:32 duplicate-channel", "1:17 note"}},
    {"followup_without_within", "when a followup phone 1h", {"1:23 syntax-error"}},
    {"clause_outside_rule", "require level > 3", {"1:1 clause-outside-rule"}},
    {"clause_after_definition", "let A = 1\n  require b", {"2:3 clause-outside-rule"}},
    {"unknown_statement", "rul \"x\" when a", {"1:1 unknown-statement"}},
    {"unexpected_token_at_top", ") when a", {"1:1 syntax-error"}},
    {"rule_without_name", "rule when a", {"1:6 syntax-error"}},
    {"team_without_quotes", "when a team enterprise", {"1:13 syntax-error"}},
    {"let_without_equals", "let A 1", {"1:7 syntax-error"}},
    {"unexpected_character", "when a ! b", {"1:8 syntax-error"}},
};

INSTANTIATE_TEST_SUITE_P(Parser, SyntaxErrorTest, ::testing::ValuesIn(kErrorCases),
                         [](const auto& p) { return p.param.name; });

TEST(ParserTest, DuplicateOtherwiseKeepsTheFirst) {
  const std::string text = "otherwise unassigned\notherwise distribute round_robin";
  EXPECT_EQ(Codes(text), (std::vector<std::string>{"2:1 duplicate-otherwise", "1:1 note"}));
  EXPECT_EQ(DumpFile(ParseText(text).file), "otherwise unassigned\n");
}

TEST(ParserTest, MessagesReadLikeACompilers) {
  const auto message = [](const std::string& text) {
    const ParseResult result = ParseText(text);
    return result.diagnostics.empty()
               ? std::string("(none)")
               : result.diagnostics[0].message + " | " + result.diagnostics[0].hint;
  };
  EXPECT_EQ(message("when a and"), "expected an expression after `and`, found end of file | ");
  EXPECT_EQ(message("rule \"r\"\n  when a\n  requires b"),
            "unknown clause `requires` | did you mean `require`?");
  EXPECT_EQ(message("when a distribute roundrobin"),
            "unknown strategy `roundrobin` | did you mean `round_robin`?");
  EXPECT_EQ(message("when a cap 20"),
            "cap needs a unit: `20/day`, `20/week`, `20/month` or `20 open` | ");
  EXPECT_EQ(message("when a cap 20 dya"),
            "expected `/day`, `/week`, `/month` or `open` after the cap limit, found `dya` | did "
            "you mean `/day`?");
  EXPECT_EQ(message("when a sla 1h then escalte"),
            "unknown sla action `escalte` | did you mean `escalate`?");
  EXPECT_EQ(message("segmnt s = a"), "unknown statement `segmnt` | did you mean `segment`?");
  EXPECT_EQ(message("let X = ((1)"), "expected `)` to close `(`, found end of file | ");
}

// Messages that list the words of the language (built from dsl/base/vocabulary.h) list all of them.
TEST(ParserTest, MessagesListEveryWordOfTheVocabulary) {
  const auto message = [](const std::string& text) {
    const ParseResult result = ParseText(text);
    return result.diagnostics.empty()
               ? std::string("(none)")
               : result.diagnostics[0].message + " | " + result.diagnostics[0].hint;
  };
  EXPECT_EQ(message("when a distribute"),
            "expected a strategy after `distribute`, found end of file | strategies: round_robin, "
            "least_loaded, balanced(expr), weighted(expr), sticky(expr)");
  EXPECT_EQ(message("when a distribute zzz"),
            "unknown strategy `zzz` | strategies: round_robin, least_loaded, balanced(expr), "
            "weighted(expr), sticky(expr)");
  EXPECT_EQ(message("when a distribute sticky"),
            "`sticky` needs an argument | for example `sticky(lead.account)`");
  EXPECT_EQ(message("when a distribute weighted"),
            "`weighted` needs an argument | for example `weighted(quality)`");
  EXPECT_EQ(message("when a cap 20 zzz"),
            "expected `/day`, `/week`, `/month` or `open` after the cap limit, found `zzz` | ");
  EXPECT_EQ(message("when a cap 20/"),
            "expected `day`, `week` or `month` after `/`, found end of file | ");
  EXPECT_EQ(message("when a cap 20/zzz"),
            "unknown cap period `zzz` | caps count per `day`, `week` or `month`, or `open` leads");
  EXPECT_EQ(message("when a sla 1h then"),
            "expected `reassign`, `escalate` or `notify` after `then`, found end of file | ");
  EXPECT_EQ(message("when a sla 1h then zzz"),
            "unknown sla action `zzz` | `then reassign`, `then escalate` or `then notify`");
  EXPECT_EQ(message("when a sla 1h then notify,"),
            "expected a duration after `,` in `sla`, found end of file | `sla 15m then notify, 1h "
            "then reassign`; units: s, m, h, d, w, or `4 working hours`");
  EXPECT_EQ(message("when a sla 4 working"),
            "expected `minutes`, `hours` or `days` after `working`, found end of file | "
            "`4 working hours`, `1 working day`");
  EXPECT_EQ(message("when a review when"),
            "expected a condition after `review when`, found end of file | `review when value > "
            "100_000`; a bare `review` reviews every lead of the rule");
  EXPECT_EQ(message("when a followup"),
            "expected a channel, found end of file | channels: phone, email, sms, wechat, social, "
            "im, visit; `followup phone within 1h`");
  EXPECT_EQ(message("when a followup zzz within 1h"),
            "unknown follow-up channel `zzz` | channels: phone, email, sms, wechat, social, im, "
            "visit");
}

// ---------------------------------------------------------------------------------------------
// Recovery: every statement's first error, and the good statements kept

TEST(ParserTest, ReportsAnErrorInEveryBadStatementAndKeepsTheGoodOnes) {
  const std::string text =
      "let A = 1\n"
      "let B = 1__0\n"
      "rule \"r\"\n"
      "  when a <\n"
      "  require b\n"
      "let C = 3\n"
      "when x distribute roundrobin cap 20\n"
      "segment s = a\n";
  EXPECT_EQ(Codes(text),
            (std::vector<std::string>{"2:9 invalid-number", "5:3 expected-expression",
                                      "7:19 unknown-strategy", "7:34 cap-without-unit"}));
  EXPECT_EQ(DumpFile(ParseText(text).file), "let A 1=1\nlet C 3=3\nsegment s a\n");
}

TEST(ParserTest, ResumesAtALineBeginningWithAStatementKeyword) {
  // The error is on `requires`; `when c` on the next line begins a new statement.
  const std::string text = "rule \"r\"\n  when a\n  requires b\n  when c\n";
  EXPECT_EQ(Codes(text), (std::vector<std::string>{"3:3 unknown-clause"}));
  EXPECT_EQ(DumpFile(ParseText(text).file), "rule _ (when c)\n");
}

TEST(ParserTest, StopsAfterMaxErrors) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "let = 1\n";
  ParseOptions options;
  options.max_errors = 10;
  const ParseResult result = ParseText(text, options);
  ASSERT_EQ(result.diagnostics.size(), 11u);
  EXPECT_EQ(result.diagnostics.back().code, "too-many-errors");
}

TEST(ParserTest, FileTooLargeIsADiagnostic) {
  const ParseResult result = ParseText(std::string(kMaxSourceFileBytes + 1, ' '));
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].code, "file-too-large");
}

// ---------------------------------------------------------------------------------------------
// Limits: deep or long input is a diagnostic, never a stack overflow or a hang

// Sanitizer builds run several times slower; the budget is for optimized builds.
constexpr int kSlowdown = ::leadrouter::testing::kUnderSanitizer ? 10 : 1;

class LimitTest : public ::testing::Test {
 protected:
  // Parses `text`, returning the codes, and checks that it took well under a second.
  std::vector<std::string> CodesQuickly(const std::string& text) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> codes;
    for (const Diagnostic& d : ParseText(text).diagnostics) codes.push_back(d.code);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::milliseconds(900) * kSlowdown);
    return codes;
  }
};

TEST_F(LimitTest, AMillionOpenParentheses) {
  EXPECT_EQ(CodesQuickly(std::string(1'000'000, '(')), (std::vector<std::string>{"syntax-error"}));
  EXPECT_EQ(CodesQuickly("let X = " + std::string(1'000'000, '(')),
            (std::vector<std::string>{"nesting-too-deep"}));
}

TEST_F(LimitTest, AMillionMinusSigns) {
  EXPECT_EQ(CodesQuickly("let X = " + std::string(1'000'000, '-') + "1"),
            (std::vector<std::string>{"nesting-too-deep"}));
}

TEST_F(LimitTest, AMillionNots) {
  std::string text = "when ";
  for (int i = 0; i < 1'000'000; ++i) text += "not ";
  EXPECT_EQ(CodesQuickly(text + "a"), (std::vector<std::string>{"nesting-too-deep"}));
}

TEST_F(LimitTest, AMillionBrackets) {
  EXPECT_EQ(CodesQuickly("let X = " + std::string(1'000'000, '[')),
            (std::vector<std::string>{"nesting-too-deep"}));
  std::string calls = "let X = ";
  for (int i = 0; i < 200'000; ++i) calls += "f(";
  EXPECT_EQ(CodesQuickly(calls), (std::vector<std::string>{"nesting-too-deep"}));
}

TEST_F(LimitTest, LongFlatChainsAreBoundedNotOverflowed) {
  std::string chain = "when a";
  for (int i = 0; i < 100'000; ++i) chain += " or a";
  EXPECT_EQ(CodesQuickly(chain), (std::vector<std::string>{"expression-too-deep"}));
  std::string sum = "let X = 1";
  for (int i = 0; i < 100'000; ++i) sum += " + 1";
  EXPECT_EQ(CodesQuickly(sum), (std::vector<std::string>{"expression-too-deep"}));
}

TEST_F(LimitTest, ChainsWithinTheLimitParse) {
  std::string chain = "when a";
  for (int i = 0; i < 999; ++i) chain += " or a";
  EXPECT_THAT(CodesQuickly(chain), ::testing::IsEmpty());
  std::string list = "let L = [";
  for (int i = 0; i < 100'000; ++i) list += "1, ";
  EXPECT_THAT(CodesQuickly(list + "]"), ::testing::IsEmpty());
}

TEST_F(LimitTest, NestingUpToTheLimitParses) {
  EXPECT_THAT(CodesQuickly("let X = " + std::string(64, '(') + "1" + std::string(64, ')')),
              ::testing::IsEmpty());
  EXPECT_EQ(CodesQuickly("let X = " + std::string(65, '(') + "1" + std::string(65, ')')),
            (std::vector<std::string>{"nesting-too-deep"}));
  ParseOptions options;
  options.max_nesting_depth = 3;
  EXPECT_EQ(Codes("let X = -(-(-1))", options),
            (std::vector<std::string>{"1:12 nesting-too-deep"}));
}

TEST_F(LimitTest, ManyStatementsAndErrors) {
  std::string text;
  for (int i = 0; i < 20'000; ++i) text += "when a cap 1/day\n";
  EXPECT_THAT(CodesQuickly(text), ::testing::IsEmpty());
  std::string bad(200'000, '\n');
  for (int i = 0; i < 20'000; ++i) bad += ")\n";
  const std::vector<std::string> codes = CodesQuickly(bad);
  EXPECT_EQ(codes.size(), 1u);  // one statement: no keyword line to resume at
}

// ---------------------------------------------------------------------------------------------
// Comments

TEST(ParserTest, AttachesCommentsWhereTheyBelong) {
  const std::string text =
      "# about A\n"
      "let A = 1  # one\n"
      "\n"
      "rule \"r\"  # header\n"
      "  # before when\n"
      "  when a\n"
      "    or # inside\n"
      "    b  # after when\n"
      "  cap 5/day\n"
      "when x prefer y  # one-line\n"
      "# the end\n";
  const ParseResult result = ParseText(text);
  ASSERT_THAT(result.diagnostics, ::testing::IsEmpty());
  EXPECT_EQ(DumpFile(result.file, /*with_comments=*/true),
            "let A 1=1 #<about A> #>one\n"
            "rule \"r\" (when (or a b) #<before when> #<inside> #>after when) (cap 5/0) #>header\n"
            "rule _ (when x) (prefer y #>one-line)\n"
            "#<the end>\n");
}

// ---------------------------------------------------------------------------------------------
// Golden syntax cases: tests/dsl/golden/syntax_*.rules against their .expected

std::vector<fs::path> SyntaxGoldenCases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(kGoldenDir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("syntax_") && entry.path().extension() == ".rules") {
      cases.push_back(entry.path());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class SyntaxGoldenTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(SyntaxGoldenTest, ParseDiagnosticsMatchExpected) {
  const fs::path& rules = GetParam();
  const SourceFile source(rules.filename().string(), ReadFile(rules));
  fs::path expected = rules;
  expected.replace_extension(".expected");
  ASSERT_TRUE(fs::exists(expected)) << expected;
  EXPECT_EQ(RenderText(source, Parse(source).diagnostics), ReadFile(expected));
}

INSTANTIATE_TEST_SUITE_P(Golden, SyntaxGoldenTest, ::testing::ValuesIn(SyntaxGoldenCases()),
                         [](const auto& p) { return p.param.stem().string(); });

TEST(SyntaxGoldenSuiteTest, CoversEveryErrorCode) {
  std::string all;
  size_t with_errors = 0;
  for (const fs::path& rules : SyntaxGoldenCases()) {
    fs::path expected = rules;
    expected.replace_extension(".expected");
    const std::string text = ReadFile(expected);
    all += text;
    if (!text.empty()) ++with_errors;
  }
  EXPECT_GE(with_errors, 25u);
  for (const char* code : {"syntax-error",        "expected-expression", "unterminated-string",
                           "invalid-escape",      "invalid-number",      "invalid-duration",
                           "keyword-as-name",     "chained-comparison",  "single-equals",
                           "unclosed-bracket",    "expected-field",      "matches-needs-string",
                           "unknown-clause",      "unknown-statement",   "duplicate-clause",
                           "missing-when",        "when-in-otherwise",   "unassigned-with-clauses",
                           "cap-without-unit",    "unknown-cap-unit",    "invalid-cap",
                           "unknown-strategy",    "strategy-argument",   "unknown-sla-action",
                           "unknown-channel",     "duplicate-channel",   "clause-outside-rule",
                           "duplicate-otherwise", "nesting-too-deep",    "expression-too-deep"}) {
    EXPECT_NE(all.find(std::string("[") + code + "]"), std::string::npos) << code;
  }
}

// ---------------------------------------------------------------------------------------------
// ReadSourceFile

TEST(ReadSourceFileTest, ReadsAWholeFile) {
  const fs::path path = fs::temp_directory_path() / "leadrouter_parser_test_read.rules";
  std::ofstream(path, std::ios::binary) << "let A = 1\r\n";
  const absl::StatusOr<SourceFile> source = ReadSourceFile(path.string());
  ASSERT_OK(source);
  EXPECT_EQ(source->text(), "let A = 1\r\n");
  EXPECT_EQ(source->name(), path.string());
  fs::remove(path);
}

TEST(ReadSourceFileTest, ExplainsWhyItCannotRead) {
  EXPECT_THAT(ReadSourceFile("/nonexistent/leadrouter.rules"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::HasSubstr("/nonexistent")));
  EXPECT_THAT(ReadSourceFile(fs::temp_directory_path().string()),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("directory")));
}

}  // namespace
}  // namespace leadrouter::dsl
