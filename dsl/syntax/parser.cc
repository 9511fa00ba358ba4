// Parse: drives the PEGTL grammar (dsl/syntax/internal/grammar.h) one statement at a time, builds
// the syntax tree with actions, and turns every syntax error into a Diagnostic.
//
// Why one statement at a time: after an error the parser resumes at the next line that begins with
// a statement keyword, so one typo does not hide the errors after it. Each statement gets a fresh
// Builder; a statement with an error is dropped whole.
//
// Exceptions: PEGTL reports a failed `must<>` by throwing, and our actions throw SyntaxError for
// errors that end the statement. Both are caught in ParseStatement; nothing escapes Parse.
#include "dsl/syntax/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
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

namespace leadrouter::dsl {
namespace {

namespace g = grammar;
namespace pegtl = tao::pegtl;

// An error that ends the statement being parsed. Never leaves this file.
struct SyntaxError {
  Diagnostic diagnostic;
};

const std::vector<std::string>& StatementAndClauseKeywords() {
  static const auto* names = new std::vector<std::string>{
      "let",     "segment", "rule",       "when", "otherwise", "team",
      "require", "prefer",  "distribute", "cap",  "sla",       "followup"};
  return *names;
}

// The did-you-mean hint when there is a suggestion, else `fallback` (the list of every word).
std::string HintOr(const std::optional<std::string>& suggestion, std::string_view fallback) {
  return suggestion ? DidYouMean(suggestion) : std::string(fallback);
}

std::string DuplicateClauseHint(ast::ClauseKind kind) {
  switch (kind) {
    case ast::ClauseKind::kWhen:
    case ast::ClauseKind::kRequire:
      return absl::StrCat("join the conditions with `and` in one `", Piece(ast::ClauseName(kind)),
                          "`");
    case ast::ClauseKind::kPrefer:
      return "list every ranking key in one `prefer`, separated by commas";
    case ast::ClauseKind::kCap:
      return "list every cap in one `cap`: `cap 5/day, 40 open`";
    case ast::ClauseKind::kFollowup:
      return "list every step in one `followup`: `followup phone within 1h, email within 1d`";
    default:
      return "a rule takes each clause once";
  }
}

// `1_000` -> "1000".
std::string WithoutSeparators(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// Digits (with `_`) as a non-negative integer; nullopt when it does not fit.
std::optional<int64_t> ParseWholeNumber(std::string_view text) {
  const std::string digits = WithoutSeparators(text);
  int64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> DurationSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return std::nullopt;
  }
  const std::optional<int64_t> count = ParseWholeNumber(text.substr(0, text.size() - 1));
  if (!count || *count > std::numeric_limits<int64_t>::max() / unit) return std::nullopt;
  return *count * unit;
}

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

struct Operand {
  ast::ExprPtr expr;
  int height =
      0;  // operators above the leaves of expr: bounded so that no later pass recurses too deep
};

// The state of one statement being parsed: an operand stack for expressions, and the clauses and
// names gathered so far. The grammar guarantees that a rule with an action is never backtracked
// over once it matched (see dsl/syntax/internal/grammar.h), so the stacks stay in step with the
// text.
class Builder {
 public:
  Builder(std::string_view text, const ParseOptions& options) : text_(text), options_(options) {}

  std::string_view text() const { return text_; }
  uint32_t Offset(const char* p) const { return static_cast<uint32_t>(p - text_.data()); }
  template <typename Input>
  SourceSpan Span(const Input& in) const {
    return {Offset(in.begin()), Offset(in.end())};
  }

  // ---- diagnostics
  [[noreturn]] void Fail(std::string code, SourceSpan span, std::string message,
                         std::string hint = "") const {
    throw SyntaxError{
        {Severity::kError, span, std::move(code), std::move(message), std::move(hint)}};
  }
  void Error(std::string code, SourceSpan span, std::string message, std::string hint = "") {
    errors_.push_back(
        {Severity::kError, span, std::move(code), std::move(message), std::move(hint)});
  }
  void Note(SourceSpan span, std::string message) {
    errors_.push_back({Severity::kNote, span, "note", std::move(message), ""});
  }
  std::vector<Diagnostic>& errors() { return errors_; }
  bool has_errors() const { return HasErrors(errors_); }

  // ---- expressions
  template <typename Node>
  void Push(SourceSpan span, Node node, int height = 0) {
    if (height > options_.max_expression_depth) {
      Fail("expression-too-deep", span,
           absl::StrCat("expression is more than ", options_.max_expression_depth,
                        " operators deep"),
           "split it into segments or `let` constants, or use `in [...]` for long `or` chains");
    }
    auto expr = std::make_unique<ast::Expr>();
    expr->span = span;
    expr->node = std::move(node);
    operands_.push_back({std::move(expr), height});
  }
  Operand Pop() {
    if (operands_.empty()) {
      // Unreachable while the grammar and the actions agree; fail the statement, not the process.
      Fail("internal-error", {}, "parser error: missing operand");
    }
    Operand top = std::move(operands_.back());
    operands_.pop_back();
    return top;
  }
  ast::ExprPtr PopExpr() { return Pop().expr; }
  size_t operand_count() const { return operands_.size(); }

  void OpenNesting(SourceSpan token) {
    if (++depth_ > options_.max_nesting_depth) {
      Fail("nesting-too-deep", token,
           absl::StrCat("expression nests deeper than ", options_.max_nesting_depth, " levels"),
           "split it into segments or `let` constants");
    }
  }
  void CloseNesting() { --depth_; }

  void ReduceBinary(ast::BinaryOp op) {
    Operand rhs = Pop();
    Operand lhs = Pop();
    const SourceSpan span{lhs.expr->span.begin, rhs.expr->span.end};
    Push(span, ast::Binary{op, std::move(lhs.expr), std::move(rhs.expr)},
         std::max(lhs.height, rhs.height) + 1);
  }
  void ReduceUnary(ast::UnaryOp op, uint32_t begin) {
    Operand operand = Pop();
    CloseNesting();
    const SourceSpan span{begin, operand.expr->span.end};
    Push(span, ast::Unary{op, std::move(operand.expr)}, operand.height + 1);
  }
  void ReduceBetween() {
    Operand high = Pop();
    Operand low = Pop();
    Operand value = Pop();
    const SourceSpan span{value.expr->span.begin, high.expr->span.end};
    const int height = std::max({value.height, low.height, high.height}) + 1;
    Push(span, ast::Between{std::move(value.expr), std::move(low.expr), std::move(high.expr)},
         height);
  }

  void OpenList(SourceSpan bracket) {
    OpenNesting(bracket);
    frames_.push_back(operands_.size());
  }
  void CloseList(SourceSpan span) {
    ast::ListLiteral list;
    const int height = PopFrame(list.items);
    CloseNesting();
    Push(span, std::move(list), height + 1);
  }
  void OpenCall(std::string function, SourceSpan function_span, SourceSpan paren) {
    OpenNesting(paren);
    frames_.push_back(operands_.size());
    calls_.push_back({std::move(function), function_span});
  }
  void CloseCall(SourceSpan span) {
    ast::Call call;
    call.function = std::move(calls_.back().function);
    call.function_span = calls_.back().function_span;
    calls_.pop_back();
    const int height = PopFrame(call.args);
    CloseNesting();
    Push(span, std::move(call), height + 1);
  }

  void PushNumber(std::string_view text, SourceSpan span) {
    const std::string digits = WithoutSeparators(text);
    double value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) {
      Error("invalid-number", span, absl::StrCat("number `", Piece(text), "` is out of range"));
    }
    Push(span, ast::NumberLiteral{value, std::string(text)});
  }
  void PushDuration(std::string_view text, SourceSpan span) {
    Push(span, ast::DurationLiteral{Seconds(text, span), std::string(text)});
  }
  int64_t Seconds(std::string_view text, SourceSpan span) {
    const std::optional<int64_t> seconds = DurationSeconds(text);
    if (!seconds) {
      Error("invalid-duration", span, absl::StrCat("duration `", Piece(text), "` is too long"));
    }
    return seconds.value_or(0);
  }
  // `raw` includes the quotes; escapes were checked by the grammar, code points are checked here.
  void PushString(std::string_view raw, SourceSpan span) {
    Push(span, ast::StringLiteral{DecodeString(raw, span.begin)});
  }

  // ---- clauses
  void AddClause(ast::Clause clause) {
    for (const ast::Clause& existing : clauses_) {
      if (existing.kind == clause.kind) {
        Error("duplicate-clause", clause.keyword_span,
              absl::StrCat("duplicate `", Piece(ast::ClauseName(clause.kind)), "` clause"),
              DuplicateClauseHint(clause.kind));
        Note(existing.keyword_span,
             absl::StrCat("the first `", Piece(ast::ClauseName(clause.kind)), "` clause is here"));
        break;
      }
    }
    clauses_.push_back(std::move(clause));
  }
  static ast::Clause NewClause(ast::ClauseKind kind, SourceSpan span) {
    ast::Clause clause;
    clause.kind = kind;
    clause.span = span;
    clause.keyword_span = {span.begin,
                           span.begin + static_cast<uint32_t>(ast::ClauseName(kind).size())};
    return clause;
  }
  void AddConditionClause(ast::ClauseKind kind, SourceSpan span) {
    ast::Clause clause = NewClause(kind, span);
    clause.condition = PopExpr();
    AddClause(std::move(clause));
  }
  void AddTeamClause(SourceSpan span) {
    ast::Clause clause = NewClause(ast::ClauseKind::kTeam, span);
    clause.team_span = operands_.empty() ? SourceSpan{} : operands_.back().expr->span;
    clause.team = PopStringValue();
    AddClause(std::move(clause));
  }
  void AddPreferClause(SourceSpan span) {
    ast::Clause clause = NewClause(ast::ClauseKind::kPrefer, span);
    // Every operand on the stack is a key: clauses start with an empty stack.
    for (Operand& key : operands_) clause.prefer_keys.push_back(std::move(key.expr));
    operands_.clear();
    AddClause(std::move(clause));
  }

  void SetStrategy(std::string_view name, SourceSpan span) {
    strategy_name_ = std::string(name);
    strategy_span_ = span;
  }
  void AddDistributeClause(SourceSpan span) {
    ast::Clause clause = NewClause(ast::ClauseKind::kDistribute, span);
    clause.distribute.span = {strategy_span_.begin, span.end};
    if (!operands_.empty()) clause.distribute.argument = PopExpr();
    const std::optional<StrategyWord> strategy = FindStrategy(strategy_name_);
    if (!strategy) {
      Error("unknown-strategy", strategy_span_,
            absl::StrCat("unknown strategy `", strategy_name_, "`"),
            HintOr(Suggest(strategy_name_, NamesOf(kStrategies)), g::kStrategiesHint.view()));
    } else {
      clause.distribute.kind = strategy->kind;
      const bool takes_argument = strategy->takes_argument;
      if (takes_argument && !clause.distribute.argument) {
        Error("strategy-argument", strategy_span_,
              absl::StrCat("`", strategy_name_, "` needs an argument"),
              absl::StrCat("for example `", strategy_name_, "(", Piece(strategy->example_argument),
                           ")`"));
      } else if (!takes_argument && clause.distribute.argument) {
        Error("strategy-argument", clause.distribute.argument->span,
              absl::StrCat("`", strategy_name_, "` takes no argument"),
              absl::StrCat("write `distribute ", strategy_name_, "`"));
      }
    }
    AddClause(std::move(clause));
  }

  void SetCapLimit(std::string_view text, SourceSpan span) {
    cap_ = ast::Cap{};
    cap_.span = span;
    if (text.find('.') != std::string_view::npos) {
      Error("invalid-cap", span,
            absl::StrCat("cap limit `", Piece(text), "` is not a whole number"),
            "a cap counts leads: `cap 20/day`");
      return;
    }
    const std::optional<int64_t> limit = ParseWholeNumber(text);
    if (!limit) {
      Error("invalid-cap", span, absl::StrCat("cap limit `", Piece(text), "` is too large"));
      return;
    }
    cap_.limit = *limit;
  }
  // The word after `/`: a calendar unit.
  void SetCapPeriod(std::string_view word, SourceSpan span) {
    const std::optional<CapUnitWord> unit = FindCapUnit(word);
    if (unit && unit->per_period) {
      cap_.unit = unit->unit;
    } else {
      Error("unknown-cap-unit", span, absl::StrCat("unknown cap period `", Piece(word), "`"),
            HintOr(Suggest(word, CapUnitNames<true>()), g::kCapUnitsHint.view()));
    }
  }
  void SetCapOpen() { cap_.unit = CapUnit::kOpen; }
  void FinishCapItem(SourceSpan span) {
    cap_.span = span;
    caps_.push_back(cap_);
  }
  void AddCapClause(SourceSpan span) {
    ast::Clause clause = NewClause(ast::ClauseKind::kCap, span);
    clause.caps = std::move(caps_);
    caps_.clear();
    AddClause(std::move(clause));
  }

  void SetSlaDuration(std::string_view text, SourceSpan span) {
    sla_ = ast::Sla{};
    sla_.seconds = Seconds(text, span);
    sla_.duration_text = std::string(text);
  }
  void SetSlaAction(std::string_view word, SourceSpan span) {
    if (const std::optional<SlaAction> action = FindSlaAction(word)) {
      sla_.action = *action;
    } else {
      Error("unknown-sla-action", span, absl::StrCat("unknown sla action `", Piece(word), "`"),
            HintOr(Suggest(word, NamesOf(kSlaActions)), g::kSlaActionsHint.view()));
    }
  }
  void AddSlaClause(SourceSpan span) {
    ast::Clause clause = NewClause(ast::ClauseKind::kSla, span);
    clause.sla = sla_;
    clause.sla.span = span;
    AddClause(std::move(clause));
  }

  void SetFollowupChannel(std::string_view word, SourceSpan span) {
    step_ = ast::FollowupStep{};
    step_.channel = std::string(word);
    if (!IsChannel(word)) {
      Error("unknown-channel", span, absl::StrCat("unknown follow-up channel `", Piece(word), "`"),
            HintOr(Suggest(word, kChannels), g::kChannelsHint.view()));
      return;
    }
    for (const ast::FollowupStep& earlier : steps_) {
      if (earlier.channel == word) {
        Error("duplicate-channel", span,
              absl::StrCat("channel `", Piece(word), "` appears twice in one `followup`"));
        Note(earlier.span, absl::StrCat("the first `", Piece(word), "` step is here"));
      }
    }
  }
  void SetFollowupDuration(std::string_view text, SourceSpan span) {
    step_.seconds = Seconds(text, span);
    step_.duration_text = std::string(text);
  }
  void FinishFollowupStep(SourceSpan span) {
    step_.span = span;
    steps_.push_back(step_);
  }
  void AddFollowupClause(SourceSpan span) {
    ast::Clause clause = NewClause(ast::ClauseKind::kFollowup, span);
    clause.followup = std::move(steps_);
    steps_.clear();
    AddClause(std::move(clause));
  }

  // ---- statements
  void SetDefinedName(std::string_view name, SourceSpan span) {
    name_ = std::string(name);
    name_span_ = span;
  }
  void FinishLet(SourceSpan span) {
    Finish(span, ast::Let{std::move(name_), name_span_, PopExpr()});
  }
  void FinishSegment(SourceSpan span) {
    Finish(span, ast::Segment{std::move(name_), name_span_, PopExpr()});
  }
  void SetRuleName() {
    name_span_ = operands_.empty() ? SourceSpan{} : operands_.back().expr->span;
    name_ = PopStringValue();
  }
  void FinishNamedRule(SourceSpan span) {
    const bool has_when = std::any_of(clauses_.begin(), clauses_.end(), [](const auto& c) {
      return c.kind == ast::ClauseKind::kWhen;
    });
    if (!has_when) {
      Error("missing-when", name_span_, absl::StrCat("rule \"", name_, "\" has no `when` clause"),
            "add `when <condition>`; `when true` matches every lead");
    }
    Finish(span, ast::Rule{std::move(name_), name_span_, std::move(clauses_)});
  }
  void FinishAnonymousRule(SourceSpan span) {
    Finish(span, ast::Rule{std::nullopt, {}, std::move(clauses_)});
  }
  void SetUnassigned() { unassigned_ = true; }
  void FinishOtherwise(SourceSpan span) {
    Finish(span, ast::Otherwise{unassigned_, std::move(clauses_)});
  }

  std::optional<ast::Statement>& statement() { return statement_; }

 private:
  template <typename Node>
  void Finish(SourceSpan span, Node node) {
    statement_.emplace();
    statement_->span = span;
    statement_->node = std::move(node);
  }

  // Moves the operands pushed since the innermost list or call opened into `out`; returns the
  // greatest height among them.
  int PopFrame(std::vector<ast::ExprPtr>& out) {
    const size_t first = frames_.back();
    frames_.pop_back();
    int height = 0;
    for (size_t i = first; i < operands_.size(); ++i) {
      height = std::max(height, operands_[i].height);
      out.push_back(std::move(operands_[i].expr));
    }
    operands_.resize(first);
    return height;
  }

  std::string PopStringValue() {
    ast::ExprPtr expr = PopExpr();
    auto* string = std::get_if<ast::StringLiteral>(&expr->node);
    return string ? std::move(string->value) : std::string();
  }

  std::string DecodeString(std::string_view raw, uint32_t begin) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] != '\\') {
        out.push_back(raw[i]);
        continue;
      }
      const char code = raw[++i];
      switch (code) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'u': {
          const size_t close = raw.find('}', i);
          const std::string_view hex = raw.substr(i + 2, close - i - 2);
          uint32_t code_point = 0;
          std::from_chars(hex.data(), hex.data() + hex.size(), code_point, 16);
          const SourceSpan span{begin + static_cast<uint32_t>(i - 1),
                                begin + static_cast<uint32_t>(close + 1)};
          if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
            Error("invalid-escape", span,
                  absl::StrCat("`\\u{", Piece(hex), "}` is not a valid Unicode character"),
                  "use a code point up to 10FFFF, outside D800-DFFF");
          } else {
            AppendUtf8(code_point, out);
          }
          i = close;
          break;
        }
        default:
          out.push_back(code);
          break;  // `\"` and `\\`
      }
    }
    return out;
  }

  std::string_view text_;
  const ParseOptions& options_;
  std::vector<Diagnostic> errors_;

  std::vector<Operand> operands_;
  std::vector<size_t> frames_;  // operand count when each open list or call began
  struct OpenCallInfo {
    std::string function;
    SourceSpan function_span;
  };
  std::vector<OpenCallInfo> calls_;
  int depth_ = 0;

  std::vector<ast::Clause> clauses_;
  std::string strategy_name_;
  SourceSpan strategy_span_;
  ast::Cap cap_;
  std::vector<ast::Cap> caps_;
  ast::Sla sla_;
  ast::FollowupStep step_;
  std::vector<ast::FollowupStep> steps_;
  std::string name_;
  SourceSpan name_span_;
  bool unassigned_ = false;
  std::optional<ast::Statement> statement_;
};

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
    d.hint = suggestion ? DidYouMean(suggestion)
                        : "clauses: when, team, require, prefer, distribute, cap, sla, followup";
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
  [[noreturn]] static void raise(const Input& in, Builder& builder) {
    throw SyntaxError{GrammarError<Rule>(builder.text(), builder.Offset(in.current()))};
  }
};

// ---------------------------------------------------------------------------------------------
// Actions: one per rule that contributes to the tree.

template <typename Rule>
struct Action : pegtl::nothing<Rule> {};

// Applies `Method` of the builder with the rule's span.
#define LEADROUTER_SPAN_ACTION(rule, call)                                 \
  template <>                                                              \
  struct Action<rule> {                                                    \
    template <typename Input>                                              \
    static void apply(const Input& in, Builder& b) {                       \
      [[maybe_unused]] const SourceSpan span = b.Span(in);                 \
      [[maybe_unused]] const std::string_view text(in.begin(), in.size()); \
      call;                                                                \
    }                                                                      \
  }

LEADROUTER_SPAN_ACTION(g::number_literal, b.PushNumber(text, span));
LEADROUTER_SPAN_ACTION(g::duration_literal, b.PushDuration(text, span));
LEADROUTER_SPAN_ACTION(g::string_literal, b.PushString(text, span));
LEADROUTER_SPAN_ACTION(g::true_literal, b.Push(span, ast::BoolLiteral{true}));
LEADROUTER_SPAN_ACTION(g::false_literal, b.Push(span, ast::BoolLiteral{false}));
LEADROUTER_SPAN_ACTION(g::null_literal, b.Push(span, ast::NullLiteral{}));
LEADROUTER_SPAN_ACTION(g::name_reference, b.Push(span, ast::Name{std::string(text)}));
LEADROUTER_SPAN_ACTION(g::field_access, {
  const size_t dot = text.find('.');
  b.Push(span, ast::FieldAccess{std::string(text.substr(0, dot)),
                                std::string(text.substr(dot + 1)),
                                {span.begin + static_cast<uint32_t>(dot) + 1, span.end}});
});

LEADROUTER_SPAN_ACTION(g::paren_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(g::paren_expression, b.CloseNesting());
LEADROUTER_SPAN_ACTION(g::list_open, b.OpenList(span));
LEADROUTER_SPAN_ACTION(g::list_literal, b.CloseList(span));
LEADROUTER_SPAN_ACTION(g::call_open, {
  size_t name_end = 0;
  while (name_end < text.size() && lexical::IsWordChar(text[name_end])) ++name_end;
  b.OpenCall(std::string(text.substr(0, name_end)),
             {span.begin, span.begin + static_cast<uint32_t>(name_end)}, {span.end - 1, span.end});
});
LEADROUTER_SPAN_ACTION(g::call, b.CloseCall(span));
LEADROUTER_SPAN_ACTION(g::negate_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(g::negation, b.ReduceUnary(ast::UnaryOp::kNegate, span.begin));
LEADROUTER_SPAN_ACTION(g::not_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(g::not_prefix, b.ReduceUnary(ast::UnaryOp::kNot, span.begin));
LEADROUTER_SPAN_ACTION(g::matches_tail, b.ReduceBinary(ast::BinaryOp::kMatches));
LEADROUTER_SPAN_ACTION(g::between_tail, b.ReduceBetween());

template <typename Op>
struct BinaryOpOf;
#define LEADROUTER_BINARY_OP(rule, op)         \
  template <>                                  \
  struct BinaryOpOf<rule> {                    \
    static constexpr ast::BinaryOp value = op; \
  }
LEADROUTER_BINARY_OP(g::kw_or, ast::BinaryOp::kOr);
LEADROUTER_BINARY_OP(g::kw_and, ast::BinaryOp::kAnd);
LEADROUTER_BINARY_OP(g::op_equal, ast::BinaryOp::kEqual);
LEADROUTER_BINARY_OP(g::op_not_equal, ast::BinaryOp::kNotEqual);
LEADROUTER_BINARY_OP(g::op_less, ast::BinaryOp::kLess);
LEADROUTER_BINARY_OP(g::op_less_equal, ast::BinaryOp::kLessEqual);
LEADROUTER_BINARY_OP(g::op_greater, ast::BinaryOp::kGreater);
LEADROUTER_BINARY_OP(g::op_greater_equal, ast::BinaryOp::kGreaterEqual);
LEADROUTER_BINARY_OP(g::kw_in, ast::BinaryOp::kIn);
LEADROUTER_BINARY_OP(g::op_not_in, ast::BinaryOp::kNotIn);
LEADROUTER_BINARY_OP(g::kw_contains, ast::BinaryOp::kContains);
LEADROUTER_BINARY_OP(g::kw_starts_with, ast::BinaryOp::kStartsWith);
LEADROUTER_BINARY_OP(g::kw_ends_with, ast::BinaryOp::kEndsWith);
LEADROUTER_BINARY_OP(g::op_plus, ast::BinaryOp::kAdd);
LEADROUTER_BINARY_OP(g::op_minus, ast::BinaryOp::kSubtract);
LEADROUTER_BINARY_OP(g::op_times, ast::BinaryOp::kMultiply);
LEADROUTER_BINARY_OP(g::op_divide, ast::BinaryOp::kDivide);
LEADROUTER_BINARY_OP(g::op_modulo, ast::BinaryOp::kModulo);
#undef LEADROUTER_BINARY_OP

template <typename Op, typename Operand>
struct Action<g::binary_tail<Op, Operand>> {
  template <typename Input>
  static void apply(const Input& /*in*/, Builder& b) {
    b.ReduceBinary(BinaryOpOf<Op>::value);
  }
};

// Clauses.
LEADROUTER_SPAN_ACTION(g::when_clause, b.AddConditionClause(ast::ClauseKind::kWhen, span));
LEADROUTER_SPAN_ACTION(g::require_clause, b.AddConditionClause(ast::ClauseKind::kRequire, span));
LEADROUTER_SPAN_ACTION(g::team_clause, b.AddTeamClause(span));
LEADROUTER_SPAN_ACTION(g::prefer_clause, b.AddPreferClause(span));
LEADROUTER_SPAN_ACTION(g::strategy_name, b.SetStrategy(text, span));
LEADROUTER_SPAN_ACTION(g::strategy_open, b.OpenNesting(span));
LEADROUTER_SPAN_ACTION(g::strategy_argument, b.CloseNesting());
LEADROUTER_SPAN_ACTION(g::distribute_clause, b.AddDistributeClause(span));
LEADROUTER_SPAN_ACTION(g::cap_limit, b.SetCapLimit(text, span));
LEADROUTER_SPAN_ACTION(g::cap_period, b.SetCapPeriod(text, span));
LEADROUTER_SPAN_ACTION(g::cap_open, b.SetCapOpen());
LEADROUTER_SPAN_ACTION(g::cap_item, b.FinishCapItem(span));
LEADROUTER_SPAN_ACTION(g::cap_clause, b.AddCapClause(span));
LEADROUTER_SPAN_ACTION(g::sla_duration, b.SetSlaDuration(text, span));
LEADROUTER_SPAN_ACTION(g::sla_action, b.SetSlaAction(text, span));
LEADROUTER_SPAN_ACTION(g::sla_clause, b.AddSlaClause(span));
LEADROUTER_SPAN_ACTION(g::followup_channel, b.SetFollowupChannel(text, span));
LEADROUTER_SPAN_ACTION(g::followup_duration, b.SetFollowupDuration(text, span));
LEADROUTER_SPAN_ACTION(g::followup_step, b.FinishFollowupStep(span));
LEADROUTER_SPAN_ACTION(g::followup_clause, b.AddFollowupClause(span));

// Statements.
LEADROUTER_SPAN_ACTION(g::let_name, b.SetDefinedName(text, span));
LEADROUTER_SPAN_ACTION(g::let_statement, b.FinishLet(span));
LEADROUTER_SPAN_ACTION(g::segment_name, b.SetDefinedName(text, span));
LEADROUTER_SPAN_ACTION(g::segment_statement, b.FinishSegment(span));
LEADROUTER_SPAN_ACTION(g::rule_name, b.SetRuleName());
LEADROUTER_SPAN_ACTION(g::named_rule, b.FinishNamedRule(span));
LEADROUTER_SPAN_ACTION(g::anonymous_rule, b.FinishAnonymousRule(span));
LEADROUTER_SPAN_ACTION(g::otherwise_unassigned, b.SetUnassigned());
LEADROUTER_SPAN_ACTION(g::otherwise_statement, b.FinishOtherwise(span));

#undef LEADROUTER_SPAN_ACTION

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
  Builder builder(text, options);
  pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> in(
      text.data() + begin, text.data() + text.size(), "");
  std::optional<Diagnostic> fatal;
  try {
    // `statement` either matches or raises; it never fails quietly.
    if (pegtl::parse<g::statement, Action, Control>(in, builder)) {
      outcome.next = builder.Offset(in.current());
    } else {
      fatal = Diagnostic{Severity::kError, {begin, begin}, "syntax-error", "unexpected input", ""};
    }
  } catch (const SyntaxError& error) {
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
