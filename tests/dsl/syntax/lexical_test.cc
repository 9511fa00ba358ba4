// The lexical layer of the rule language: what a name, a number, a duration, a string (and its
// escapes), a comment and a byte that is not UTF-8 are. Through Parse for what the grammar decides
// (dsl/syntax/internal/grammar.h), and through dsl/base/lexical.h for the questions asked outside
// the grammar (the token at an offset, where comments are, how a string is quoted), which must
// agree with it.
#include "dsl/base/lexical.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "ast_testing.h"
#include "dsl/syntax/parser.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::dsl::testing::Codes;
using ::leadrouter::dsl::testing::DumpFile;
using ::testing::IsEmpty;

ParseResult ParseText(const std::string& text) { return Parse(SourceFile("test.rules", text)); }

// ---------------------------------------------------------------------------------------------
// Valid tokens and the trees they give

struct TreeCase {
  std::string name;
  std::string text;
  std::string tree;  // DumpFile of the result
};

class LexicalTreeTest : public ::testing::TestWithParam<TreeCase> {};

TEST_P(LexicalTreeTest, ParsesToTree) {
  const SourceFile source("test.rules", GetParam().text);
  const ParseResult result = Parse(source);
  EXPECT_THAT(result.diagnostics, IsEmpty()) << RenderText(source, result.diagnostics);
  EXPECT_EQ(DumpFile(result.file), GetParam().tree);
}

const TreeCase kTreeCases[] = {
    // Names
    {"keyword_prefixes_are_names", "segment s = industry and notable or order or android",
     "segment s (or (or (and industry notable) order) android)\n"},
    {"names_with_digits_and_underscores", "segment s = _a1 and B_2_", "segment s (and _a1 B_2_)\n"},
    // Literals
    {"number_forms", "let N = [1_000_000, 0.5, 007, 1_2.3_4]",
     "let N [ 1_000_000=1000000 0.5=0.5 007=7 1_2.3_4=12.34]\n"},
    {"durations", "let D = [90s, 30m, 24h, 7d, 2w, 1_0m]",
     "let D [ 90s=90s 30m=1800s 24h=86400s 7d=604800s 2w=1209600s 1_0m=600s]\n"},
    {"bool_null", "let B = [true, false, null]", "let B [ true false null]\n"},
    // Strings and escapes
    {"string_escapes", R"(let S = "a\"b\\c\n\t\r\u{48}\u{e9}")",
     "let S \"a\\\"b\\\\c\\n\\t\\rHé\"\n"},
    {"unicode_in_string", "let S = \"销售线索 🚀\"", "let S \"销售线索 🚀\"\n"},
    // Comments
    {"only_comments", "# nothing\n   # here\n", ""},
    {"comment_without_newline_at_end", "let A = 1 # one", "let A 1=1\n"},
};

INSTANTIATE_TEST_SUITE_P(Lexical, LexicalTreeTest, ::testing::ValuesIn(kTreeCases),
                         [](const auto& p) { return p.param.name; });

// ---------------------------------------------------------------------------------------------
// Malformed tokens: code and position

struct ErrorCase {
  std::string name;
  std::string text;
  std::vector<std::string> expected;  // "line:col code", notes included
};

class LexicalErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(LexicalErrorTest, ReportsCodeAtPosition) {
  EXPECT_EQ(Codes(GetParam().text), GetParam().expected);
  // A statement with an error never reaches the tree.
  EXPECT_THAT(ParseText(GetParam().text).file.statements, IsEmpty());
}

const ErrorCase kErrorCases[] = {
    // Names
    {"keyword_as_name", "let and = 1", {"1:5 keyword-as-name"}},
    {"non_ascii_outside_string", "when été", {"1:6 expected-expression"}},
    // Numbers and durations
    {"double_underscore", "let N = 1__0", {"1:9 invalid-number"}},
    {"trailing_underscore", "let N = 10_", {"1:9 invalid-number"}},
    {"dangling_decimal_point", "let N = 1.", {"1:9 invalid-number"}},
    {"exponent", "let N = 1e5", {"1:9 invalid-number"}},
    {"number_too_large", "let N = 1" + std::string(400, '0'), {"1:9 invalid-number"}},
    {"unknown_duration_unit", "let D = 30min", {"1:9 invalid-duration"}},
    {"decimal_duration", "let D = 1.5h", {"1:9 invalid-duration"}},
    {"duration_too_long", "let D = 99999999999999999999d", {"1:9 invalid-duration"}},
    // Strings and escapes
    {"unterminated_string", "when source == \"ads\n", {"1:16 unterminated-string"}},
    {"invalid_escape", R"(let S = "a\qb")", {"1:11 invalid-escape"}},
    {"invalid_code_point", R"(let S = "\u{D800}")", {"1:10 invalid-escape"}},
    // Bytes that are not UTF-8, wherever they are: in a string, a comment or between tokens
    {"invalid_utf8_in_string", "let S = \"a\xFF\"", {"1:11 invalid-utf8"}},
    {"invalid_utf8_in_comment", "let A = 1 # \xC0\x80\n", {"1:13 invalid-utf8"}},
    {"surrogate_outside_string", "let A = 1\n\xED\xA0\x80\n", {"2:1 invalid-utf8"}},
};

INSTANTIATE_TEST_SUITE_P(Lexical, LexicalErrorTest, ::testing::ValuesIn(kErrorCases),
                         [](const auto& p) { return p.param.name; });

TEST(LexicalTest, HashInsideAStringIsNotAComment) {
  const ParseResult result = ParseText("let S = \"#1 \\\" # still\"  # real\n");
  ASSERT_THAT(result.diagnostics, IsEmpty());
  EXPECT_EQ(DumpFile(result.file, true), "let S \"#1 \\\" # still\" #>real\n");
}

// ---------------------------------------------------------------------------------------------
// dsl/base/lexical.h

TEST(LexicalWordsTest, NamesAreAsciiLettersDigitsAndUnderscores) {
  for (const char c : std::string("azAZ_")) EXPECT_TRUE(lexical::IsWordStart(c)) << c;
  for (const char c : std::string("09.-\"# \xC3")) EXPECT_FALSE(lexical::IsWordStart(c)) << c;
  EXPECT_TRUE(lexical::IsWordChar('0'));
  EXPECT_TRUE(lexical::IsWordChar('_'));
  EXPECT_FALSE(lexical::IsWordChar('.'));
  EXPECT_FALSE(lexical::IsWordChar('\xC3'));
}

TEST(LexicalWordsTest, ReservedWordsAndStatementAndClauseKeywords) {
  for (const char* word : {"let", "and", "team", "lead", "rep", "true", "null", "between"}) {
    EXPECT_TRUE(lexical::IsReservedWord(word)) << word;
  }
  for (const char* word : {"industry", "quality", "Let", "round_robin", ""}) {
    EXPECT_FALSE(lexical::IsReservedWord(word)) << word;
  }
  for (const char* word : {"let", "segment", "rule", "when", "otherwise"}) {
    EXPECT_TRUE(lexical::IsTopLevelKeyword(word)) << word;
  }
  EXPECT_FALSE(lexical::IsTopLevelKeyword("require"));
  for (const char* word :
       {"when", "team", "require", "prefer", "distribute", "cap", "sla", "followup", "review"}) {
    EXPECT_TRUE(lexical::IsClauseKeyword(word)) << word;
  }
  EXPECT_FALSE(lexical::IsClauseKeyword("rule"));
}

TEST(TokenAtTest, DescribesTheTokenAnErrorPointsAt) {
  const std::string text = "when a >= 4.5 \"x\\\"y\" then\n";
  EXPECT_EQ(lexical::TokenAt(text, 0).description, "`when`");
  EXPECT_TRUE(lexical::TokenAt(text, 0).is_word);
  EXPECT_EQ(lexical::TokenAt(text, 7).text, ">=");
  EXPECT_EQ(lexical::TokenAt(text, 10).text, "4.5");
  EXPECT_FALSE(lexical::TokenAt(text, 10).is_word);
  EXPECT_EQ(lexical::TokenAt(text, 14).text, "\"x\\\"y\"");  // an escaped quote does not end it
  EXPECT_EQ(lexical::TokenAt(text, 25).description, "end of line");
  EXPECT_EQ(lexical::TokenAt(text, 26).description, "end of file");
  EXPECT_EQ(lexical::TokenAt(text, 1000).description, "end of file");
}

TEST(TokenAtTest, AnUnterminatedStringEndsAtItsLine) {
  EXPECT_EQ(lexical::TokenAt("a \"open\r\nb", 2).text, "\"open");
}

TEST(TokenAtTest, OtherCharactersAreOneUtf8SequenceOrOneInvalidByte) {
  EXPECT_EQ(lexical::TokenAt("é!", 0).text, "é");
  EXPECT_EQ(lexical::TokenAt("🚀", 0).text, "🚀");
  EXPECT_EQ(lexical::TokenAt("\x80\x80", 0).text, "\x80");  // a stray continuation byte
  EXPECT_EQ(lexical::TokenAt("\xFF", 0).text, "\xFF");
}

TEST(TokenAtTest, LongTokensAreCutWithoutSplittingAUtf8Sequence) {
  const std::string word = "a" + std::string(50, 'b');
  EXPECT_EQ(lexical::TokenAt(word, 0).description, "`" + word.substr(0, 37) + "...`");
  const std::string quoted = "\"" + std::string(35, 'x') + "ééé\"";
  EXPECT_EQ(lexical::TokenAt(quoted, 0).description, "`\"" + std::string(35, 'x') + "...`");
}

TEST(SkipTriviaTest, SkipsBlanksNewlinesAndComments) {
  EXPECT_EQ(lexical::SkipTrivia("  \t\r\n# c\n  x", 0), 11u);
  EXPECT_EQ(lexical::SkipTrivia("# only", 0), 6u);
  EXPECT_EQ(lexical::SkipTrivia("x", 0), 0u);
}

TEST(QuoteStringTest, WritesTheLiteralThatReadsBackAsTheValue) {
  EXPECT_EQ(lexical::QuoteString("plain"), "\"plain\"");
  EXPECT_EQ(lexical::QuoteString("a\"b\\c\n\t\r"), R"("a\"b\\c\n\t\r")");
  EXPECT_EQ(lexical::QuoteString(std::string("\x1B\x7F\x01", 3)), R"("\u{1B}\u{7F}\u{1}")");
  EXPECT_EQ(lexical::QuoteString(std::string(1, '\0')), R"("\u{0}")");
  EXPECT_EQ(lexical::QuoteString("销售 🚀"), "\"销售 🚀\"");
  // Bytes that are not UTF-8 are not its business: they stay as they are.
  EXPECT_EQ(lexical::QuoteString("\xFF"), "\"\xFF\"");
}

TEST(QuoteStringTest, TheParserReadsTheQuotedValueBack) {
  for (const std::string& value :
       {std::string("a\"b\\c\n\t\r"), std::string("\x1B\x7F\x01") + " # not a comment",
        std::string("销售 🚀")}) {
    const ParseResult result = ParseText("let S = " + lexical::QuoteString(value) + "\n");
    ASSERT_THAT(result.diagnostics, IsEmpty()) << value;
    ASSERT_EQ(result.file.statements.size(), 1u);
    const auto& let = std::get<ast::Let>(result.file.statements[0].node);
    EXPECT_EQ(std::get<ast::StringLiteral>(let.value->node).value, value);
  }
}

TEST(ScanCommentsTest, FindsEveryCommentOutsideStrings) {
  const std::string text =
      "# top  \n"
      "let S = \"# no \\\" # still no\"  #   trailing\t\n"
      "let T = \"open\n"
      "  # after an unterminated string\n"
      "#\n";
  const std::vector<lexical::Comment> comments = lexical::ScanComments(text);
  ASSERT_EQ(comments.size(), 4u);
  EXPECT_EQ(comments[0].offset, 0u);
  EXPECT_EQ(comments[0].text, "top");
  EXPECT_TRUE(comments[0].own_line);
  EXPECT_EQ(comments[1].text, "trailing");
  EXPECT_FALSE(comments[1].own_line);
  EXPECT_EQ(comments[2].text, "after an unterminated string");
  EXPECT_TRUE(comments[2].own_line);
  EXPECT_EQ(comments[3].text, "");
}

TEST(StartsLineTest, OnlyBlanksBefore) {
  EXPECT_TRUE(lexical::StartsLine("  x", 2));
  EXPECT_TRUE(lexical::StartsLine("a\n\tx", 3));
  EXPECT_FALSE(lexical::StartsLine("a x", 2));
  EXPECT_TRUE(lexical::StartsLine("x", 0));
}

TEST(FindResyncPointTest, NextLineBeginningWithAStatementKeyword) {
  const std::string text = "rule \"a\" when (\n  x\nletter = 1\n  let B = 2\n";
  // `letter` is a name, not `let`; the indented `let` is a statement keyword at a line start.
  EXPECT_EQ(lexical::FindResyncPoint(text, 0, 15), text.find("let B"));
  EXPECT_EQ(lexical::FindResyncPoint("rule \"a\" when (", 0, 14), 15u);
}

}  // namespace
}  // namespace leadrouter::dsl
