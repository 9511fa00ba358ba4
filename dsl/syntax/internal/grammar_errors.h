// The error behind every `must<>` and `raise<>` of dsl/syntax/internal/grammar.h: a stable code, a
// message and a hint, kept apart from the grammar so that each can be read (and reworded) on its
// own.
//
// Placeholders, filled in by the parser at the error position:
//   {found}  a description of the token found there: "`require`", "`)`", "end of file"
//   {after}  the token the missing part should follow (kTokenText below)
// A few errors need more than a template (did-you-mean hints, the cap limit in the message); the
// parser completes those, keyed on the code.
#pragma once

#include <string_view>

#include "dsl/base/text_util.h"
#include "dsl/base/vocabulary.h"
#include "dsl/syntax/internal/grammar.h"

namespace leadrouter::dsl::grammar {

// ---------------------------------------------------------------------------------------------
// The word lists that messages and hints give, built from dsl/base/vocabulary.h (the parser's
// hints use them too).

// "strategies: round_robin, least_loaded, balanced(expr), weighted(expr), sticky(expr)"
inline constexpr auto kStrategiesHint = [] {
  FixedText<128> text("strategies: ");
  AppendList(text, kStrategies, ", ", [](auto& out, const StrategyWord& strategy) {
    out.Append(strategy.name, strategy.takes_argument ? "(expr)" : "");
  });
  return text;
}();

// "channels: phone, email, sms, wechat, social, im, visit"
inline constexpr auto kChannelsHint = [] {
  FixedText<128> text("channels: ");
  AppendList(text, kChannels, ", ",
             [](auto& out, std::string_view channel) { out.Append(channel); });
  return text;
}();

// Quotes each word in backticks, between `before` and `after`: "`a`, `b` or `c`".
template <typename Text, typename Words>
constexpr void AppendQuotedOr(Text& out, const Words& words, std::string_view before = "",
                              std::string_view after = "") {
  AppendList(out, words, " or ", [&](auto& text, std::string_view word) {
    text.Append("`", before, word, after, "`");
  });
}

// "caps count per `day`, `week` or `month`, or `open` leads"
inline constexpr auto kCapUnitsHint = [] {
  FixedText<128> text("caps count per ");
  AppendQuotedOr(text, CapUnitNames<true>());
  text.Append(", or ");
  AppendQuotedOr(text, CapUnitNames<false>());
  text.Append(" leads");
  return text;
}();

// "`then reassign` or `then escalate`"
inline constexpr auto kSlaActionsHint = [] {
  FixedText<128> text;
  AppendQuotedOr(text, NamesOf(kSlaActions), "then ");
  return text;
}();

// ---------------------------------------------------------------------------------------------
// The errors

struct SyntaxErrorInfo {
  std::string_view code;
  std::string_view message;
  std::string_view hint;
};

// The fallback for a rule without its own entry.
template <typename Rule>
inline constexpr SyntaxErrorInfo kSyntaxError = {"syntax-error", "unexpected {found}", ""};

// How a token is quoted in "expected ... after `{after}`".
template <typename Token>
inline constexpr std::string_view kTokenText = "?";
template <>
inline constexpr std::string_view kTokenText<kw_or> = "or";
template <>
inline constexpr std::string_view kTokenText<kw_and> = "and";
template <>
inline constexpr std::string_view kTokenText<not_open> = "not";
template <>
inline constexpr std::string_view kTokenText<op_equal> = "==";
template <>
inline constexpr std::string_view kTokenText<op_not_equal> = "!=";
template <>
inline constexpr std::string_view kTokenText<op_less_equal> = "<=";
template <>
inline constexpr std::string_view kTokenText<op_greater_equal> = ">=";
template <>
inline constexpr std::string_view kTokenText<op_less> = "<";
template <>
inline constexpr std::string_view kTokenText<op_greater> = ">";
template <>
inline constexpr std::string_view kTokenText<kw_in> = "in";
template <>
inline constexpr std::string_view kTokenText<op_not_in> = "not in";
template <>
inline constexpr std::string_view kTokenText<kw_contains> = "contains";
template <>
inline constexpr std::string_view kTokenText<kw_starts_with> = "starts_with";
template <>
inline constexpr std::string_view kTokenText<kw_ends_with> = "ends_with";
template <>
inline constexpr std::string_view kTokenText<op_plus> = "+";
template <>
inline constexpr std::string_view kTokenText<op_minus> = "-";
template <>
inline constexpr std::string_view kTokenText<op_times> = "*";
template <>
inline constexpr std::string_view kTokenText<op_divide> = "/";
template <>
inline constexpr std::string_view kTokenText<op_modulo> = "%";
template <>
inline constexpr std::string_view kTokenText<negate_open> = "-";
template <>
inline constexpr std::string_view kTokenText<paren_open> = "(";
template <>
inline constexpr std::string_view kTokenText<list_open> = "[";
template <>
inline constexpr std::string_view kTokenText<list_comma> = ",";
template <>
inline constexpr std::string_view kTokenText<call_open> = "(";
template <>
inline constexpr std::string_view kTokenText<call_comma> = ",";
template <>
inline constexpr std::string_view kTokenText<strategy_open> = "(";
template <>
inline constexpr std::string_view kTokenText<review_when> = "when";

template <typename Token, typename Rule>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<Token, Rule>> = {
    "expected-expression", "expected an expression after `{after}`, found {found}", ""};

// Expressions in a particular place.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<kw_when, expression>> = {
    "expected-expression", "expected a condition after `when`, found {found}",
    "`when true` matches every lead"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<review_when, expression>> = {
    "expected-expression", "expected a condition after `review when`, found {found}",
    "`review when value > 100_000`; a bare `review` reviews every lead of the rule"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<kw_require, expression>> = {
    "expected-expression", "expected a condition after `require`, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<kw_prefer, expression>> = {
    "expected-expression", "expected a ranking key after `prefer`, found {found}",
    "for example `prefer skill(industry), -open_leads`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<prefer_comma, expression>> = {
    "expected-expression", "expected a ranking key after `,`, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<let_equals, expression>> = {
    "expected-expression", "expected a value after `=`, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<segment_equals, expression>> = {
    "expected-expression", "expected a condition on the lead after `=`, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<kw_between, additive>> = {
    "expected-expression", "expected the lower bound after `between`, found {found}",
    "`quality between 40 and 70`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<between_and, additive>> = {
    "expected-expression", "expected the upper bound after `and`, found {found}",
    "`quality between 40 and 70`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_after<strategy_open, expression>> = {
    "expected-expression", "expected the strategy's argument after `(`, found {found}", ""};

// Brackets.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<paren_close> = {
    "unclosed-bracket", "expected `)` to close `(`, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<list_close> = {
    "unclosed-bracket", "expected `,` or `]` in the list, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<call_close> = {
    "unclosed-bracket", "expected `,` or `)` after the argument, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<strategy_close> = {
    "unclosed-bracket", "expected `)` after the strategy's argument, found {found}",
    "strategies take one argument: `balanced(quality)`"};

// Literals.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<unterminated_string_error> = {
    "unterminated-string", "unterminated string",
    "a string ends with `\"` on the line where it starts; write a line break as `\\n`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<escape_code> = {
    "invalid-escape", "invalid escape sequence in a string",
    "strings accept `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` and `\\u{...}` with 1 to 6 hex digits"};
// The parser words this one from the token: `invalid-number` or `invalid-duration`.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<invalid_number_error> = {"invalid-number", "", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<regex_literal> = {
    "matches-needs-string",
    "`matches` takes a regular expression in a string literal, found {found}",
    "for example `email matches \"@(acme|globex)\\\\.com$\"`"};

// Names and fields.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<keyword_as_name_error> = {
    "keyword-as-name", "{found} is a reserved word and cannot be used as a name", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<object_without_field_error> = {
    "expected-field", "{found} must be followed by `.` and a field name",
    "for example `lead.region` or `rep.team`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<field_name> = {
    "expected-field", "expected a field name after `.`, found {found}", ""};

// Operators.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<chained_comparison_error> = {
    "chained-comparison", "comparisons cannot be chained",
    "write `a < b and b < c`, or `x between low and high`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<single_equals_error> = {
    "single-equals", "`=` is not a comparison", "use `==` to compare"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<between_and> = {
    "syntax-error", "expected `and` between the bounds of `between`, found {found}",
    "`quality between 40 and 70`"};

// Statements.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<let_name> = {
    "syntax-error", "expected a name after `let`, found {found}", "`let HOT = 80`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<let_equals> = {
    "syntax-error", "expected `=` after the constant's name, found {found}", "`let HOT = 80`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<segment_name> = {
    "syntax-error", "expected a name after `segment`, found {found}",
    "`segment vip = value >= 1_000_000`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<segment_equals> = {
    "syntax-error", "expected `=` after the segment's name, found {found}",
    "`segment vip = value >= 1_000_000`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<rule_name> = {
    "syntax-error", "expected the rule's name in quotes after `rule`, found {found}",
    "`rule \"vip to seniors\"`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<otherwise_body> = {
    "syntax-error", "expected `unassigned` or a clause after `otherwise`, found {found}",
    "`otherwise distribute round_robin` or `otherwise unassigned`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<when_in_otherwise_error> = {
    "when-in-otherwise", "`otherwise` takes no `when`: it applies to every lead no rule assigned",
    "write a rule with this condition before `otherwise`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<clauses_after_unassigned_error> = {
    "unassigned-with-clauses", "`otherwise unassigned` takes no clauses",
    "remove `unassigned` to give the fallback clauses"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<clause_outside_rule_error> = {
    "clause-outside-rule", "{found} must be part of a rule",
    "start a rule with `rule \"name\"` or `when <condition>`"};
// Worded by the parser from the token found (unknown-statement, unknown-clause, syntax-error).
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<expected_statement_error> = {
    "unknown-statement",
    "expected a statement (`let`, `segment`, `rule`, `when` or `otherwise`), found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<unexpected_in_rule_error> = {
    "syntax-error", "expected an operator, a clause or a new statement, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<unexpected_after_definition_error> = {
    "syntax-error", "expected an operator or a new statement, found {found}",
    "each statement starts with `let`, `segment`, `rule`, `when` or `otherwise`"};

// Clauses.
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<team_name> = {
    "syntax-error", "expected the team's name in quotes after `team`, found {found}",
    "`team \"enterprise\"`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<strategy> = {
    "syntax-error", "expected a strategy after `distribute`, found {found}",
    kStrategiesHint.view()};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<cap_item> = {
    "syntax-error", "expected a whole number after `cap`, found {found}",
    "`cap 20/day`, `cap 5/day, 40 open`"};
// "cap needs a unit: `{limit}/day`, `{limit}/week`, `{limit}/month` or `{limit} open`", where
// {limit} is the number written before the missing unit.
inline constexpr auto kCapWithoutUnitMessage = [] {
  FixedText<160> text("cap needs a unit: ");
  AppendList(text, kCapUnits, " or ", [](auto& out, const CapUnitWord& unit) {
    out.Append("`{limit}", unit.per_period ? "/" : " ", unit.name, "`");
  });
  return text;
}();
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<cap_without_unit_error> = {
    "cap-without-unit", kCapWithoutUnitMessage.view(), ""};
// "expected `/day`, `/week`, `/month` or `open` after the cap limit, found {found}"
inline constexpr auto kUnknownCapUnitMessage = [] {
  FixedText<160> text("expected ");
  AppendList(text, kCapUnits, " or ", [](auto& out, const CapUnitWord& unit) {
    out.Append("`", unit.per_period ? "/" : "", unit.name, "`");
  });
  text.Append(" after the cap limit, found {found}");
  return text;
}();
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<unknown_cap_unit_error> = {
    "unknown-cap-unit", kUnknownCapUnitMessage.view(), ""};
// "expected `day`, `week` or `month` after `/`, found {found}"
inline constexpr auto kCapPeriodMessage = [] {
  FixedText<128> text("expected ");
  AppendQuotedOr(text, CapUnitNames<true>());
  text.Append(" after `/`, found {found}");
  return text;
}();
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<cap_period> = {"unknown-cap-unit",
                                                             kCapPeriodMessage.view(), ""};
// "expected `day`, `week` or `month` after `over`, found {found}"
inline constexpr auto kBalancePeriodMessage = [] {
  FixedText<128> text("expected ");
  AppendQuotedOr(text, CapUnitNames<true>());
  text.Append(" after `over`, found {found}");
  return text;
}();
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<balance_period> = {
    "unknown-cap-unit", kBalancePeriodMessage.view(),
    "`balanced(quality) over month`; without `over` the balance never restarts"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<balance_tier_word> = {
    "syntax-error", "expected `tier` after `by`, found {found}",
    "`balanced(quality) by tier [80]`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<tier_open> = {
    "syntax-error", "expected `[` after `by tier`, found {found}",
    "`by tier [80, 50]`: the lowest quality of each band, best band first"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<tier_threshold> = {
    "syntax-error", "expected a number in `by tier [...]`, found {found}", "`by tier [80, 50]`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<tier_close> = {
    "unclosed-bracket", "expected `,` or `]` in `by tier [...]`, found {found}", ""};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<sla_duration> = {
    "syntax-error", "expected a duration after `sla`, found {found}",
    "`sla 4h then reassign`; units: s, m, h, d, w"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<sla_then> = {
    "syntax-error", "expected `then` after the sla's duration, found {found}",
    "`sla 4h then reassign` or `sla 24h then escalate`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<sla_next_duration> = {
    "syntax-error", "expected a duration after `,` in `sla`, found {found}",
    "`sla 15m then notify, 1h then reassign`; units: s, m, h, d, w, or `4 working hours`"};
// "expected `minutes`, `hours` or `days` after `working`, found {found}"
inline constexpr auto kWorkingUnitMessage = [] {
  FixedText<128> text("expected ");
  AppendQuotedOr(text, NamesOf(kWorkingUnits));
  text.Append(" after `working`, found {found}");
  return text;
}();
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<working_unit> = {
    "invalid-duration", kWorkingUnitMessage.view(), "`4 working hours`, `1 working day`"};
// "expected `reassign` or `escalate` after `then`, found {found}"
inline constexpr auto kSlaActionMessage = [] {
  FixedText<128> text("expected ");
  AppendQuotedOr(text, NamesOf(kSlaActions));
  text.Append(" after `then`, found {found}");
  return text;
}();
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<sla_action> = {"unknown-sla-action",
                                                             kSlaActionMessage.view(), ""};
inline constexpr auto kFollowupStepHint = [] {
  FixedText<128> text;
  text.Append(kChannelsHint.view(), "; `followup phone within 1h`");
  return text;
}();
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<followup_step> = {
    "syntax-error", "expected a channel, found {found}", kFollowupStepHint.view()};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<followup_within> = {
    "syntax-error", "expected `within` after the channel, found {found}",
    "`followup phone within 1h, email within 1d`"};
template <>
inline constexpr SyntaxErrorInfo kSyntaxError<followup_duration> = {
    "syntax-error", "expected a duration after `within`, found {found}",
    "`phone within 1h`; units: s, m, h, d, w"};

}  // namespace leadrouter::dsl::grammar
