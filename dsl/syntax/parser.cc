// Parse, the parser driver: runs the PEGTL grammar (dsl/syntax/internal/grammar.h) one statement
// at a time with the tree builder's actions (dsl/syntax/internal/tree_builder.h), and turns every
// syntax error into a Diagnostic.
//
// Why one statement at a time: after an error the parser resumes at the next line that begins with
// a statement keyword, so one typo does not hide the errors after it. Each statement gets a fresh
// TreeBuilder; a statement with an error is dropped whole.
//
// Exceptions: PEGTL reports a failed `must<>` by throwing, and the grammar's error control and the
// tree builder throw tree_builder::SyntaxError for errors that end the statement. Both are caught
// in ParseStatement; nothing escapes Parse.
#include "dsl/syntax/parser.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/lexical.h"
#include "dsl/base/suggest.h"
#include "dsl/base/text_util.h"
#include "dsl/base/utf8.h"
#include "dsl/base/vocabulary.h"
#include "dsl/syntax/internal/comment_attachment.h"
#include "dsl/syntax/internal/grammar.h"
#include "dsl/syntax/internal/grammar_errors.h"
#include "dsl/syntax/internal/tree_builder.h"

namespace leadrouter::dsl {
namespace {

namespace g = grammar;
namespace pegtl = tao::pegtl;

const std::vector<std::string>& StatementAndClauseKeywords() {
  static const auto* names = new std::vector<std::string>{
      "let",    "segment",    "rule", "when", "otherwise", "team",  "require",
      "prefer", "distribute", "cap",  "sla",  "followup",  "review"};
  return *names;
}

// ---------------------------------------------------------------------------------------------
// Turning a grammar failure into a Diagnostic

// The `{after}` of an `expected_after<Token, Rule>` error.
template <typename Rule>
inline constexpr std::string_view kAfterText = "";
template <typename Token, typename Rule>
inline constexpr std::string_view kAfterText<g::expected_after<Token, Rule>> = g::kTokenText<Token>;

std::string Fill(std::string_view message, const lexical::Token& token, std::string_view after) {
  return ReplaceAll(message, {{"{found}", token.description}, {"{after}", after}});
}

// `1__0`, `30min`: the whole malformed literal from its first digit.
Diagnostic MalformedNumber(std::string_view text, uint32_t offset) {
  uint32_t end = offset;
  while (end < text.size() && (lexical::IsWordChar(text[end]) || text[end] == '.')) ++end;
  const std::string_view token = text.substr(offset, end - offset);
  const size_t first_letter = token.find_first_not_of("0123456789_.");
  const bool digits_then_letters =
      first_letter != std::string_view::npos &&
      token.find_first_of("0123456789", first_letter) == std::string_view::npos &&
      token.find('_', first_letter) == std::string_view::npos;
  Diagnostic d;
  d.span = {offset, end};
  if (digits_then_letters) {
    d.code = "invalid-duration";
    d.message = absl::StrCat("invalid duration `", Piece(token), "`");
    d.hint = "a duration is a whole number and a unit: `90s`, `30m`, `24h`, `7d`, `2w`";
  } else {
    d.code = "invalid-number";
    d.message = absl::StrCat("invalid number `", Piece(token), "`");
    d.hint =
        "`_` goes between two digits (`1_000_000`); a decimal point needs digits on both sides "
        "(`0.5`)";
  }
  return d;
}

// Operators and quotes from other languages, and what to write instead.
std::string ForeignSyntaxHint(std::string_view token) {
  if (token.starts_with("&")) return "write `and`";
  if (token.starts_with("|")) return "write `or`";
  if (token == "!") return "write `not`, or `!=` to compare";
  if (token.starts_with("'")) return "strings are written in double quotes: \"ads\"";
  return "";
}

// The word just before `offset` on the same line, if any.
lexical::Token PreviousWordOnLine(std::string_view text, uint32_t offset) {
  uint32_t end = offset;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  uint32_t begin = end;
  while (begin > 0 && lexical::IsWordChar(text[begin - 1])) --begin;
  if (begin == end || !lexical::IsWordStart(text[begin])) return {};
  return lexical::TokenAt(text, begin);
}

// An error at the end of the file points just after the last token, not at an empty last line.
SourceSpan AtEndOfFile(std::string_view text) {
  uint32_t end = static_cast<uint32_t>(text.size());
  while (true) {
    while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
    uint32_t line_start = end;
    while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
    const auto comments = lexical::ScanComments(text.substr(line_start, end - line_start));
    if (comments.empty()) break;
    end = line_start + comments.front().offset;
  }
  return {end, end};
}

Diagnostic UnexpectedAfterStatement(std::string_view text, const lexical::Token& token,
                                    const g::SyntaxErrorInfo& info, bool in_rule) {
  Diagnostic d{Severity::kError, token.span, std::string(info.code), Fill(info.message, token, ""),
               std::string(info.hint)};
  if (!token.is_word) {
    if (!ForeignSyntaxHint(token.text).empty()) d.hint = ForeignSyntaxHint(token.text);
    return d;
  }
  if (lexical::IsClauseKeyword(token.text)) {
    d.code = "clause-outside-rule";
    d.message = absl::StrCat(token.description, " must be part of a rule");
    d.hint = "start a rule with `rule \"name\"` or `when <condition>`";
    return d;
  }
  if (lexical::IsReservedWord(token.text)) return d;
  // `requires level >= 3`: the misspelt keyword parsed as a name, and the error surfaced one word
  // later. Blame the word that begins the line when it looks like a clause keyword.
  const lexical::Token previous = PreviousWordOnLine(text, token.span.begin);
  if (in_rule && !previous.text.empty() && lexical::StartsLine(text, previous.span.begin)) {
    const auto clause = Suggest(previous.text, StatementAndClauseKeywords());
    if (clause && lexical::IsClauseKeyword(*clause)) {
      return {Severity::kError, previous.span, "unknown-clause",
              absl::StrCat("unknown clause ", previous.description), DidYouMean(clause)};
    }
  }
  const std::optional<std::string> suggestion = Suggest(token.text, StatementAndClauseKeywords());
  const bool at_line_start = lexical::StartsLine(text, token.span.begin);
  if (suggestion && lexical::IsTopLevelKeyword(*suggestion) && at_line_start) {
    d.code = "unknown-statement";
    d.message = absl::StrCat("unknown statement ", token.description);
    d.hint = DidYouMean(suggestion);
  } else if (in_rule && (suggestion || at_line_start)) {
    d.code = "unknown-clause";
    d.message = absl::StrCat("unknown clause ", token.description);
    d.hint = suggestion
                 ? DidYouMean(suggestion)
                 : "clauses: when, team, require, prefer, distribute, cap, sla, followup, review";
  } else {
    d.hint = "did you forget `and` or `or`?";
  }
  return d;
}

template <typename Rule>
Diagnostic GrammarError(std::string_view text, uint32_t offset) {
  const g::SyntaxErrorInfo& info = g::kSyntaxError<Rule>;
  lexical::Token token = lexical::TokenAt(text, offset);
  if (token.span.begin == text.size()) token.span = AtEndOfFile(text);
  if constexpr (std::is_same_v<Rule, g::invalid_number_error>) {
    return MalformedNumber(text, offset);
  } else if constexpr (std::is_same_v<Rule, g::unexpected_in_rule_error>) {
    return UnexpectedAfterStatement(text, token, info, /*in_rule=*/true);
  } else if constexpr (std::is_same_v<Rule, g::unexpected_after_definition_error>) {
    return UnexpectedAfterStatement(text, token, info, /*in_rule=*/false);
  } else {
    Diagnostic d{Severity::kError, token.span, std::string(info.code),
                 Fill(info.message, token, kAfterText<Rule>), std::string(info.hint)};
    if constexpr (std::is_same_v<Rule, g::escape_code>) {
      // Point at the whole escape, backslash included.
      d.span.begin = offset > 0 ? offset - 1 : offset;
      d.message = absl::StrCat("invalid escape sequence `\\", Piece(token.text.substr(0, 1)),
                               "` in a string");
      d.span.end = std::max(d.span.end, std::min<uint32_t>(offset + 1, text.size()));
    } else if constexpr (std::is_same_v<Rule, g::cap_without_unit_error>) {
      // Raised right after the limit: point at the number itself.
      uint32_t begin = offset;
      while (begin > 0 && (std::isdigit(static_cast<unsigned char>(text[begin - 1])) ||
                           text[begin - 1] == '_' || text[begin - 1] == '.')) {
        --begin;
      }
      const std::string limit(text.substr(begin, offset - begin));
      d.span = {begin, offset};
      d.message = ReplaceAll(info.message, {{"{limit}", limit}});
    } else if constexpr (std::is_same_v<Rule, g::unknown_cap_unit_error> ||
                         std::is_same_v<Rule, g::cap_period>) {
      if (token.is_word) {
        const auto suggestion = Suggest(token.text, NamesOf(kCapUnits));
        if (suggestion)
          d.hint = DidYouMean(suggestion, FindCapUnit(*suggestion)->per_period ? "/" : "");
      }
    } else if constexpr (std::is_same_v<Rule, g::sla_action>) {
      if (token.is_word) d.hint = DidYouMean(Suggest(token.text, NamesOf(kSlaActions)));
    } else if constexpr (std::is_same_v<Rule, g::expected_statement_error>) {
      if (token.is_word) {
        d.message = absl::StrCat("unknown statement ", token.description);
        d.hint = Suggest(token.text, StatementAndClauseKeywords())
                     ? DidYouMean(Suggest(token.text, StatementAndClauseKeywords()))
                     : "statements begin with `let`, `segment`, `rule`, `when` or `otherwise`";
      } else {
        d.code = "syntax-error";
      }
    }
    if (d.hint.empty()) d.hint = ForeignSyntaxHint(token.text);
    return d;
  }
}

template <typename Rule>
struct Control : pegtl::normal<Rule> {
  template <typename Input>
  [[noreturn]] static void raise(const Input& in, tree_builder::TreeBuilder& builder) {
    throw tree_builder::SyntaxError{
        GrammarError<Rule>(builder.text(), builder.Offset(in.current()))};
  }
};

// ---------------------------------------------------------------------------------------------
// The driver

struct StatementOutcome {
  std::optional<ast::Statement> statement;  // set when the statement parsed without errors
  std::vector<Diagnostic> diagnostics;
  uint32_t next = 0;  // where to continue
};

StatementOutcome ParseStatement(std::string_view text, uint32_t begin,
                                const ParseOptions& options) {
  StatementOutcome outcome;
  tree_builder::TreeBuilder builder(text, options);
  pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> in(
      text.data() + begin, text.data() + text.size(), "");
  std::optional<Diagnostic> fatal;
  try {
    // `statement` either matches or raises; it never fails quietly.
    if (pegtl::parse<g::statement, tree_builder::Action, Control>(in, builder)) {
      outcome.next = builder.Offset(in.current());
    } else {
      fatal = Diagnostic{Severity::kError, {begin, begin}, "syntax-error", "unexpected input", ""};
    }
  } catch (const tree_builder::SyntaxError& error) {
    fatal = error.diagnostic;
  } catch (const pegtl::parse_error& error) {
    const uint32_t offset = error.positions().empty()
                                ? begin
                                : begin + static_cast<uint32_t>(error.positions().front().byte);
    fatal = Diagnostic{Severity::kError, lexical::TokenAt(text, offset).span, "syntax-error",
                       "syntax error", ""};
  } catch (const std::exception& error) {
    // std::bad_alloc and the like: report them rather than let them cross the module boundary.
    fatal = Diagnostic{Severity::kError,
                       {begin, begin},
                       "internal-error",
                       absl::StrCat("the parser failed: ", error.what()),
                       ""};
  }
  const bool clean = !fatal && !builder.has_errors();
  outcome.diagnostics = std::move(builder.errors());
  if (fatal) {
    outcome.diagnostics.push_back(*fatal);
    outcome.next = lexical::FindResyncPoint(text, begin, fatal->span.begin);
  } else if (clean && builder.statement()) {
    outcome.statement = std::move(builder.statement());
  }
  outcome.next = std::max(outcome.next, begin + 1);
  return outcome;
}

// Every byte sequence of `text` that is not UTF-8, as `invalid-utf8` errors (at most
// `max_errors`, then `too-many-errors`). Such a file is not text the grammar can read, nor rules a
// person can review: a string literal with those bytes would otherwise check clean and reach the
// decision.
std::vector<Diagnostic> InvalidUtf8(std::string_view text, int max_errors) {
  std::vector<Diagnostic> diagnostics;
  for (size_t at = utf8::FirstInvalid(text); at != std::string_view::npos;) {
    if (static_cast<int>(diagnostics.size()) >= max_errors) {
      const auto offset = static_cast<uint32_t>(at);
      diagnostics.push_back(
          {Severity::kError,
           {offset, offset},
           "too-many-errors",
           absl::StrCat("too many invalid bytes (", diagnostics.size(), "); stopping here"),
           ""});
      break;
    }
    const size_t length = utf8::InvalidLength(text, at);
    diagnostics.push_back(
        {Severity::kError,
         {static_cast<uint32_t>(at), static_cast<uint32_t>(at + length)},
         "invalid-utf8",
         absl::StrCat("not valid UTF-8: ", utf8::DescribeInvalid(text, at)),
         "rule files are UTF-8 text: save the file as UTF-8, or write the character as \\u{...}"});
    at = utf8::FirstInvalid(text, at + length);
  }
  return diagnostics;
}

}  // namespace

ParseResult Parse(const SourceFile& source, const ParseOptions& options) {
  ParseResult result;
  const std::string_view text = source.text();
  if (text.size() > kMaxSourceFileBytes) {
    result.diagnostics.push_back(
        {Severity::kError,
         {0, 0},
         "file-too-large",
         absl::StrCat("rule file is larger than the ", kMaxSourceFileBytes >> 20, " MiB limit"),
         "split it, or move data into lists the server loads"});
    return result;
  }
  result.diagnostics = InvalidUtf8(text, options.max_errors);
  if (!result.diagnostics.empty()) return result;
  int error_count = 0;
  std::optional<SourceSpan> first_otherwise;
  uint32_t offset = lexical::SkipTrivia(text, 0);
  while (offset < text.size()) {
    StatementOutcome outcome = ParseStatement(text, offset, options);
    for (Diagnostic& d : outcome.diagnostics) {
      if (d.severity == Severity::kError) ++error_count;
      result.diagnostics.push_back(std::move(d));
    }
    if (outcome.statement) {
      const bool is_otherwise = std::holds_alternative<ast::Otherwise>(outcome.statement->node);
      const SourceSpan keyword{outcome.statement->span.begin,
                               outcome.statement->span.begin + 9};  // `otherwise`
      if (is_otherwise && first_otherwise) {
        result.diagnostics.push_back({Severity::kError, keyword, "duplicate-otherwise",
                                      "a file has one `otherwise`", "merge the two fallbacks"});
        result.diagnostics.push_back(
            {Severity::kNote, *first_otherwise, "note", "the first `otherwise` is here", ""});
        ++error_count;
      } else {
        if (is_otherwise) first_otherwise = keyword;
        result.file.statements.push_back(std::move(*outcome.statement));
      }
    }
    if (error_count >= options.max_errors) {
      const uint32_t at = std::min<uint32_t>(outcome.next, text.size());
      result.diagnostics.push_back(
          {Severity::kError,
           {at, at},
           "too-many-errors",
           absl::StrCat("too many errors (", error_count, "); stopping here"),
           ""});
      break;
    }
    offset = lexical::SkipTrivia(text, outcome.next);
  }
  SortDiagnostics(result.diagnostics);
  AttachComments(text, lexical::ScanComments(text), result.file);
  return result;
}

}  // namespace leadrouter::dsl
