// The tree builder's work (dsl/syntax/internal/tree_builder.h): literals decoded and checked,
// operators reduced on the operand stack, clauses and statements assembled, and the problems that
// only the meaning of a matched token shows (an unknown strategy, a duplicate clause, a number out
// of range) reported with their span.
#include "dsl/syntax/internal/tree_builder.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "dsl/base/suggest.h"
#include "dsl/base/text_util.h"
#include "dsl/base/vocabulary.h"
#include "dsl/syntax/internal/grammar_errors.h"

namespace leadrouter::dsl::tree_builder {
namespace {

namespace g = grammar;

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

}  // namespace

void TreeBuilder::FailTooDeep(SourceSpan span) const {
  Fail("expression-too-deep", span,
       absl::StrCat("expression is more than ", options_.max_expression_depth, " operators deep"),
       "split it into segments or `let` constants, or use `in [...]` for long `or` chains");
}

void TreeBuilder::Fail(std::string code, SourceSpan span, std::string message,
                       std::string hint) const {
  throw SyntaxError{{Severity::kError, span, std::move(code), std::move(message), std::move(hint)}};
}

void TreeBuilder::Error(std::string code, SourceSpan span, std::string message, std::string hint) {
  errors_.push_back({Severity::kError, span, std::move(code), std::move(message), std::move(hint)});
}

void TreeBuilder::Note(SourceSpan span, std::string message) {
  errors_.push_back({Severity::kNote, span, "note", std::move(message), ""});
}

Operand TreeBuilder::Pop() {
  if (operands_.empty()) {
    // Unreachable while the grammar and the actions agree; fail the statement, not the process.
    Fail("internal-error", {}, "parser error: missing operand");
  }
  Operand top = std::move(operands_.back());
  operands_.pop_back();
  return top;
}

void TreeBuilder::OpenNesting(SourceSpan token) {
  if (++depth_ > options_.max_nesting_depth) {
    Fail("nesting-too-deep", token,
         absl::StrCat("expression nests deeper than ", options_.max_nesting_depth, " levels"),
         "split it into segments or `let` constants");
  }
}

void TreeBuilder::ReduceBinary(ast::BinaryOp op) {
  Operand rhs = Pop();
  Operand lhs = Pop();
  const SourceSpan span{lhs.expr->span.begin, rhs.expr->span.end};
  Push(span, ast::Binary{op, std::move(lhs.expr), std::move(rhs.expr)},
       std::max(lhs.height, rhs.height) + 1);
}

void TreeBuilder::ReduceUnary(ast::UnaryOp op, uint32_t begin) {
  Operand operand = Pop();
  CloseNesting();
  const SourceSpan span{begin, operand.expr->span.end};
  Push(span, ast::Unary{op, std::move(operand.expr)}, operand.height + 1);
}

void TreeBuilder::ReduceBetween() {
  Operand high = Pop();
  Operand low = Pop();
  Operand value = Pop();
  const SourceSpan span{value.expr->span.begin, high.expr->span.end};
  const int height = std::max({value.height, low.height, high.height}) + 1;
  Push(span, ast::Between{std::move(value.expr), std::move(low.expr), std::move(high.expr)},
       height);
}

void TreeBuilder::OpenList(SourceSpan bracket) {
  OpenNesting(bracket);
  frames_.push_back(operands_.size());
}

void TreeBuilder::CloseList(SourceSpan span) {
  ast::ListLiteral list;
  const int height = PopFrame(list.items);
  CloseNesting();
  Push(span, std::move(list), height + 1);
}

void TreeBuilder::OpenCall(std::string function, SourceSpan function_span, SourceSpan paren) {
  OpenNesting(paren);
  frames_.push_back(operands_.size());
  calls_.push_back({std::move(function), function_span});
}

void TreeBuilder::CloseCall(SourceSpan span) {
  ast::Call call;
  call.function = std::move(calls_.back().function);
  call.function_span = calls_.back().function_span;
  calls_.pop_back();
  const int height = PopFrame(call.args);
  CloseNesting();
  Push(span, std::move(call), height + 1);
}

double TreeBuilder::NumberValue(std::string_view text, SourceSpan span) {
  const std::string digits = WithoutSeparators(text);
  double value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    Error("invalid-number", span, absl::StrCat("number `", Piece(text), "` is out of range"));
  }
  return value;
}

void TreeBuilder::PushNumber(std::string_view text, SourceSpan span) {
  Push(span, ast::NumberLiteral{NumberValue(text, span), std::string(text)});
}

void TreeBuilder::PushDuration(std::string_view text, SourceSpan span) {
  Push(span, ast::DurationLiteral{Seconds(text, span), std::string(text)});
}

int64_t TreeBuilder::Seconds(std::string_view text, SourceSpan span) {
  const std::optional<int64_t> seconds = DurationSeconds(text);
  if (!seconds) {
    Error("invalid-duration", span, absl::StrCat("duration `", Piece(text), "` is too long"));
  }
  return seconds.value_or(0);
}

void TreeBuilder::PushString(std::string_view raw, SourceSpan span) {
  Push(span, ast::StringLiteral{DecodeString(raw, span.begin)});
}

void TreeBuilder::AddClause(ast::Clause clause) {
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

ast::Clause TreeBuilder::NewClause(ast::ClauseKind kind, SourceSpan span) {
  ast::Clause clause;
  clause.kind = kind;
  clause.span = span;
  clause.keyword_span = {span.begin,
                         span.begin + static_cast<uint32_t>(ast::ClauseName(kind).size())};
  return clause;
}

void TreeBuilder::AddConditionClause(ast::ClauseKind kind, SourceSpan span) {
  ast::Clause clause = NewClause(kind, span);
  clause.condition = PopExpr();
  AddClause(std::move(clause));
}

void TreeBuilder::AddTeamClause(SourceSpan span) {
  ast::Clause clause = NewClause(ast::ClauseKind::kTeam, span);
  clause.team_span = operands_.empty() ? SourceSpan{} : operands_.back().expr->span;
  clause.team = PopStringValue();
  AddClause(std::move(clause));
}

void TreeBuilder::AddPreferClause(SourceSpan span) {
  ast::Clause clause = NewClause(ast::ClauseKind::kPrefer, span);
  // Every operand on the stack is a key: clauses start with an empty stack.
  for (Operand& key : operands_) clause.prefer_keys.push_back(std::move(key.expr));
  operands_.clear();
  AddClause(std::move(clause));
}

void TreeBuilder::SetStrategy(std::string_view name, SourceSpan span) {
  strategy_name_ = std::string(name);
  strategy_span_ = span;
  strategy_options_ = ast::Distribute{};
}

void TreeBuilder::SetBalanceOver(std::string_view word, SourceSpan span) {
  if (strategy_options_.over_span.end != 0) {
    Error("duplicate-clause", span, "`over` is given twice", "write one period");
    return;
  }
  const std::optional<CapUnitWord> unit = FindCapUnit(word);
  if (unit && unit->per_period) {
    strategy_options_.over = unit->unit;
  } else {
    Error("unknown-cap-unit", span, absl::StrCat("unknown balance period `", Piece(word), "`"),
          HintOr(Suggest(word, CapUnitNames<true>()),
                 "`over day`, `over week` or `over month`; without `over` the balance never "
                 "restarts"));
  }
}

void TreeBuilder::AddTierThreshold(std::string_view text, SourceSpan span) {
  tier_thresholds_.push_back(NumberValue(text, span));
  tier_threshold_spans_.push_back(span);
}

void TreeBuilder::SetBalanceTiers(SourceSpan span) {
  if (!strategy_options_.tier_spans.empty()) {
    Error("duplicate-clause", span, "`by tier` is given twice", "write one list of thresholds");
  } else {
    strategy_options_.tiers = std::move(tier_thresholds_);
    strategy_options_.tier_spans = std::move(tier_threshold_spans_);
    strategy_options_.tiers_span = span;
  }
  tier_thresholds_.clear();
  tier_threshold_spans_.clear();
}

void TreeBuilder::AddDistributeClause(SourceSpan span) {
  ast::Clause clause = NewClause(ast::ClauseKind::kDistribute, span);
  clause.distribute.span = {strategy_span_.begin, span.end};
  if (!operands_.empty()) clause.distribute.argument = PopExpr();
  clause.distribute.over = strategy_options_.over;
  clause.distribute.over_span = strategy_options_.over_span;
  clause.distribute.tiers = std::move(strategy_options_.tiers);
  clause.distribute.tier_spans = std::move(strategy_options_.tier_spans);
  clause.distribute.tiers_span = strategy_options_.tiers_span;
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
    if (strategy->kind != StrategyKind::kBalanced) {
      const bool has_over = clause.distribute.over_span.end != 0;
      if (has_over || !clause.distribute.tier_spans.empty()) {
        Error(
            "strategy-argument",
            has_over ? clause.distribute.over_span : clause.distribute.tiers_span,
            absl::StrCat("`", has_over ? "over" : "by tier", "` applies to `balanced(expr)` only"),
            "for example `distribute balanced(quality) over week by tier [80]`");
      }
    }
  }
  AddClause(std::move(clause));
}

void TreeBuilder::SetCapLimit(std::string_view text, SourceSpan span) {
  cap_ = ast::Cap{};
  cap_.span = span;
  if (text.find('.') != std::string_view::npos) {
    Error("invalid-cap", span, absl::StrCat("cap limit `", Piece(text), "` is not a whole number"),
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

void TreeBuilder::SetCapPeriod(std::string_view word, SourceSpan span) {
  const std::optional<CapUnitWord> unit = FindCapUnit(word);
  if (unit && unit->per_period) {
    cap_.unit = unit->unit;
  } else {
    Error("unknown-cap-unit", span, absl::StrCat("unknown cap period `", Piece(word), "`"),
          HintOr(Suggest(word, CapUnitNames<true>()), g::kCapUnitsHint.view()));
  }
}

void TreeBuilder::FinishCapItem(SourceSpan span) {
  cap_.span = span;
  caps_.push_back(cap_);
}

void TreeBuilder::AddCapClause(SourceSpan span) {
  ast::Clause clause = NewClause(ast::ClauseKind::kCap, span);
  clause.caps = std::move(caps_);
  caps_.clear();
  AddClause(std::move(clause));
}

// `4h`, or `4 working hours` (the grammar let through only a word after `working`).
ast::ClauseDuration TreeBuilder::ClauseDurationOf(std::string_view text, SourceSpan span) {
  ast::ClauseDuration duration;
  duration.span = span;
  const size_t blank = text.find_first_of(" \t");
  if (blank == std::string_view::npos) {
    duration.value = WorkDuration::WallClock(Seconds(text, span));
    duration.text = std::string(text);
    return duration;
  }
  const std::string_view count_text = text.substr(0, blank);
  const size_t unit_begin = text.find_last_of(" \t") + 1;
  const std::string_view unit_text = text.substr(unit_begin);
  duration.text = absl::StrCat(Piece(count_text), " ", Piece(kWorkingWord), " ", Piece(unit_text));
  const std::optional<WorkingUnitWord> unit = FindWorkingUnit(unit_text);
  if (!unit) {
    std::vector<std::string_view> names;
    for (const WorkingUnitWord& word : kWorkingUnits) names.push_back(word.name);
    Error("invalid-duration", {span.begin + static_cast<uint32_t>(unit_begin), span.end},
          absl::StrCat("unknown unit of working time `", Piece(unit_text), "`"),
          HintOr(Suggest(unit_text, names),
                 "working time counts `minutes`, `hours` or `days`: `4 working hours`"));
    return duration;
  }
  const std::optional<int64_t> count = ParseWholeNumber(count_text);
  const int64_t per_unit = unit->unit == WorkingUnit::kDays ? 1 : unit->seconds;
  if (!count || *count > std::numeric_limits<int64_t>::max() / per_unit) {
    Error("invalid-duration", span, absl::StrCat("duration `", duration.text, "` is too long"));
    return duration;
  }
  duration.value = unit->unit == WorkingUnit::kDays
                       ? WorkDuration::WorkingDays(*count)
                       : WorkDuration::WorkingSeconds(*count * per_unit);
  return duration;
}

void TreeBuilder::SetSlaDuration(std::string_view text, SourceSpan span) {
  sla_step_ = ast::SlaStep{};
  sla_step_.after = ClauseDurationOf(text, span);
}

void TreeBuilder::SetSlaAction(std::string_view word, SourceSpan span) {
  if (const std::optional<SlaAction> action = FindSlaAction(word)) {
    sla_step_.action = *action;
  } else {
    Error("unknown-sla-action", span, absl::StrCat("unknown sla action `", Piece(word), "`"),
          HintOr(Suggest(word, NamesOf(kSlaActions)), g::kSlaActionsHint.view()));
  }
}

void TreeBuilder::SetSlaTarget() {
  sla_step_.target_span = operands_.empty() ? SourceSpan{} : operands_.back().expr->span;
  sla_step_.target = PopStringValue();
}

void TreeBuilder::FinishSlaStep(SourceSpan span) {
  sla_step_.span = span;
  sla_steps_.push_back(std::move(sla_step_));
  sla_step_ = ast::SlaStep{};
}

void TreeBuilder::AddSlaClause(SourceSpan span) {
  ast::Clause clause = NewClause(ast::ClauseKind::kSla, span);
  clause.sla.span = span;
  clause.sla.steps = std::move(sla_steps_);
  sla_steps_.clear();
  AddClause(std::move(clause));
}

bool TreeBuilder::IsKnownChannel(std::string_view word) const {
  return IsChannel(word) ||
         std::find(options_.extra_channels.begin(), options_.extra_channels.end(), word) !=
             options_.extra_channels.end();
}

void TreeBuilder::SetFollowupChannel(std::string_view word, SourceSpan span) {
  step_ = ast::FollowupStep{};
  step_.channel = std::string(word);
  step_.channel_span = span;
  if (!IsKnownChannel(word)) {
    std::vector<std::string_view> channels(kChannels.begin(), kChannels.end());
    for (const std::string& extra : options_.extra_channels) channels.push_back(extra);
    std::string all = std::string(g::kChannelsHint.view());
    for (const std::string& extra : options_.extra_channels) absl::StrAppend(&all, ", ", extra);
    Error("unknown-channel", span, absl::StrCat("unknown follow-up channel `", Piece(word), "`"),
          HintOr(Suggest(word, channels), all));
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

void TreeBuilder::SetFollowupDuration(std::string_view text, SourceSpan span) {
  step_.within = ClauseDurationOf(text, span);
}

void TreeBuilder::FinishFollowupStep(SourceSpan span) {
  step_.span = span;
  steps_.push_back(step_);
}

void TreeBuilder::AddFollowupClause(SourceSpan span) {
  ast::Clause clause = NewClause(ast::ClauseKind::kFollowup, span);
  clause.followup = std::move(steps_);
  steps_.clear();
  AddClause(std::move(clause));
}

// `review` alone, or `review when <condition>` (the condition is then the only operand).
void TreeBuilder::AddReviewClause(SourceSpan span) {
  ast::Clause clause = NewClause(ast::ClauseKind::kReview, span);
  if (!operands_.empty()) clause.condition = PopExpr();
  AddClause(std::move(clause));
}

void TreeBuilder::SetDefinedName(std::string_view name, SourceSpan span) {
  name_ = std::string(name);
  name_span_ = span;
}

void TreeBuilder::FinishLet(SourceSpan span) {
  Finish(span, ast::Let{std::move(name_), name_span_, PopExpr()});
}

void TreeBuilder::FinishSegment(SourceSpan span) {
  Finish(span, ast::Segment{std::move(name_), name_span_, PopExpr()});
}

void TreeBuilder::SetRuleName() {
  name_span_ = operands_.empty() ? SourceSpan{} : operands_.back().expr->span;
  name_ = PopStringValue();
}

void TreeBuilder::FinishNamedRule(SourceSpan span) {
  const bool has_when = std::any_of(clauses_.begin(), clauses_.end(),
                                    [](const auto& c) { return c.kind == ast::ClauseKind::kWhen; });
  if (!has_when) {
    Error("missing-when", name_span_, absl::StrCat("rule \"", name_, "\" has no `when` clause"),
          "add `when <condition>`; `when true` matches every lead");
  }
  Finish(span, ast::Rule{std::move(name_), name_span_, std::move(clauses_)});
}

void TreeBuilder::FinishAnonymousRule(SourceSpan span) {
  Finish(span, ast::Rule{std::nullopt, {}, std::move(clauses_)});
}

void TreeBuilder::FinishOtherwise(SourceSpan span) {
  Finish(span, ast::Otherwise{unassigned_, std::move(clauses_)});
}

int TreeBuilder::PopFrame(std::vector<ast::ExprPtr>& out) {
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

std::string TreeBuilder::PopStringValue() {
  ast::ExprPtr expr = PopExpr();
  auto* string = std::get_if<ast::StringLiteral>(&expr->node);
  return string ? std::move(string->value) : std::string();
}

std::string TreeBuilder::DecodeString(std::string_view raw, uint32_t begin) {
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

}  // namespace leadrouter::dsl::tree_builder
