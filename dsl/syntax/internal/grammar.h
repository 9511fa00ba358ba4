// The grammar of the rule language as PEGTL 3.2 rules, and nothing else.
//
// Building the syntax tree is the tree builder's job (dsl/syntax/internal/tree_builder.h, actions
// keyed on these rules); the error messages for every `must<>` and `tao::pegtl::raise<>` below
// live in dsl/syntax/internal/grammar_errors.h. docs/language.md carries the same grammar in
// EBNF: change both together.
//
// Shape of the rules, and why:
// - Whitespace, newlines and `#` comments may separate any two tokens (`ws`), so a rule spans
// lines.
//   Statements and clauses begin with reserved keywords, so no separator is needed between them.
// - After a token that commits to a construct (an operator, a clause keyword, `(`), what follows is
//   wrapped in `must<>`: a mismatch is an error at that spot instead of a silent backtrack. The
//   parser's actions rely on this: a rule with an action never succeeds and is then backtracked
//   over.
// - Each binary precedence level is a flat loop (`seq<operand, star<tail>>`), so a long
//   `a or b or ...` never recurses. Only parentheses, lists, calls and prefix operators recurse,
//   and the parser bounds those (ParseOptions::max_nesting_depth).
// - Comparisons are not associative: `a < b < c` is an error, not `(a < b) < c`.
#pragma once

#include <tao/pegtl.hpp>

namespace leadrouter::dsl::grammar {

using namespace tao::pegtl;  // NOLINT(google-build-using-namespace): the rule vocabulary

// ---------------------------------------------------------------------------------------------
// Error tags: not rules, only names for `tao::pegtl::raise<>` (messages in
// dsl/syntax/internal/grammar_errors.h).

struct unterminated_string_error {};
struct invalid_number_error {};
struct keyword_as_name_error {};
struct chained_comparison_error {};
struct single_equals_error {};
struct object_without_field_error {};
struct cap_without_unit_error {};
struct unknown_cap_unit_error {};
struct when_in_otherwise_error {};
struct clauses_after_unassigned_error {};
struct unexpected_in_rule_error {};
struct unexpected_after_definition_error {};
struct clause_outside_rule_error {};
struct expected_statement_error {};

// ---------------------------------------------------------------------------------------------
// Lexical structure

struct line_comment : seq<one<'#'>, star<not_one<'\n'>>> {};
struct whitespace_char : one<' ', '\t', '\r', '\n', '\v', '\f'> {};
// Blanks, newlines and comments between tokens.
struct ws : star<sor<whitespace_char, line_comment>> {};
// Blanks inside a token group that must stay on one line (`skill (x)` is fine, a newline is not).
struct hspace : star<one<' ', '\t'>> {};
struct blanks : plus<one<' ', '\t'>> {};

struct word_char : identifier_other {};
struct word : identifier {};

// Reserved words: never names of constants, segments or fields (reach a field called `team` as
// `rep.team`).
struct kw_let : TAO_PEGTL_KEYWORD("let") {};
struct kw_segment : TAO_PEGTL_KEYWORD("segment") {};
struct kw_rule : TAO_PEGTL_KEYWORD("rule") {};
struct kw_when : TAO_PEGTL_KEYWORD("when") {};
struct kw_otherwise : TAO_PEGTL_KEYWORD("otherwise") {};
struct kw_unassigned : TAO_PEGTL_KEYWORD("unassigned") {};
struct kw_team : TAO_PEGTL_KEYWORD("team") {};
struct kw_require : TAO_PEGTL_KEYWORD("require") {};
struct kw_prefer : TAO_PEGTL_KEYWORD("prefer") {};
struct kw_distribute : TAO_PEGTL_KEYWORD("distribute") {};
struct kw_cap : TAO_PEGTL_KEYWORD("cap") {};
struct kw_sla : TAO_PEGTL_KEYWORD("sla") {};
struct kw_followup : TAO_PEGTL_KEYWORD("followup") {};
struct kw_review : TAO_PEGTL_KEYWORD("review") {};
struct kw_then : TAO_PEGTL_KEYWORD("then") {};
struct kw_within : TAO_PEGTL_KEYWORD("within") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_contains : TAO_PEGTL_KEYWORD("contains") {};
struct kw_starts_with : TAO_PEGTL_KEYWORD("starts_with") {};
struct kw_ends_with : TAO_PEGTL_KEYWORD("ends_with") {};
struct kw_matches : TAO_PEGTL_KEYWORD("matches") {};
struct kw_between : TAO_PEGTL_KEYWORD("between") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_null : TAO_PEGTL_KEYWORD("null") {};
struct kw_lead : TAO_PEGTL_KEYWORD("lead") {};
struct kw_rep : TAO_PEGTL_KEYWORD("rep") {};
// Contextual words: reserved only where they appear, free as field names elsewhere.
struct kw_open : TAO_PEGTL_KEYWORD("open") {};
struct kw_working : TAO_PEGTL_KEYWORD("working") {};

struct top_level_keyword : sor<kw_let, kw_segment, kw_rule, kw_when, kw_otherwise> {};
struct clause_keyword_except_when
    : sor<kw_team, kw_require, kw_prefer, kw_distribute, kw_cap, kw_sla, kw_followup, kw_review> {};
struct clause_keyword : sor<kw_when, clause_keyword_except_when> {};
struct reserved_word
    : sor<top_level_keyword, kw_unassigned, clause_keyword_except_when, kw_then, kw_within, kw_or,
          kw_and, kw_not, kw_in, kw_contains, kw_starts_with, kw_ends_with, kw_matches, kw_between,
          kw_true, kw_false, kw_null, kw_lead, kw_rep> {};
struct name_word : seq<not_at<reserved_word>, word> {};

// ---------------------------------------------------------------------------------------------
// Literals

// `1_000_000`: `_` only between digits (no `1__0`, no trailing `_`).
struct digits : seq<digit, star<opt<one<'_'>>, digit>> {};
struct number_literal : seq<digits, opt<one<'.'>, digits>, not_at<sor<word_char, one<'.'>>>> {};
// Whole numbers with a unit: s, m, h, d, w.
struct duration_unit : one<'s', 'm', 'h', 'd', 'w'> {};
struct duration_literal : seq<digits, duration_unit, not_at<word_char>> {};
// A digit that starts neither a number nor a duration (`1__0`, `10_`, `1.`, `30min`, `1e5`).
struct malformed_number : seq<at<digit>, tao::pegtl::raise<invalid_number_error>> {};
struct numeric_literal : sor<duration_literal, number_literal, malformed_number> {};

struct unicode_escape : seq<one<'u'>, one<'{'>, rep_min_max<1, 6, xdigit>, one<'}'>> {};
struct escape_code : sor<one<'"', '\\', 'n', 't', 'r'>, unicode_escape> {};
struct escape_sequence : seq<one<'\\'>, must<escape_code>> {};
struct string_char : sor<escape_sequence, not_one<'"', '\\', '\n'>> {};
// Strings end on their line: a lookahead finds the closing quote first, so that an unterminated
// string is reported at its opening quote, not at the end of the line.
struct closed_string
    : seq<one<'"'>, star<sor<seq<one<'\\'>, not_one<'\n'>>, not_one<'"', '\\', '\n'>>>, one<'"'>> {
};
struct string_literal
    : seq<at<one<'"'>>, sor<seq<at<closed_string>, one<'"'>, star<string_char>, one<'"'>>,
                            tao::pegtl::raise<unterminated_string_error>>> {};

struct true_literal : kw_true {};
struct false_literal : kw_false {};
struct null_literal : kw_null {};

// ---------------------------------------------------------------------------------------------
// Expressions

struct expression;

// `must<expected_after<Token, Rule>>` is `must<Rule>`, but its error names the token it follows:
// "expected an expression after `and`".
template <typename Token, typename Rule>
struct expected_after : seq<Rule> {};

struct paren_open : one<'('> {};
struct paren_close : one<')'> {};
struct paren_expression
    : seq<paren_open, ws, must<expected_after<paren_open, expression>>, ws, must<paren_close>> {};

struct list_open : one<'['> {};
struct list_close : one<']'> {};
struct list_comma : one<','> {};
struct list_literal
    : seq<list_open, ws,
          sor<list_close,
              seq<must<expected_after<list_open, expression>>,
                  star<ws, list_comma, ws,
                       sor<at<list_close>, must<expected_after<list_comma, expression>>>>,
                  ws, must<list_close>>>> {};

struct call_open : seq<name_word, hspace, one<'('>> {};
struct call_close : one<')'> {};
struct call_comma : one<','> {};
struct call : seq<call_open, ws,
                  sor<call_close,
                      seq<must<expected_after<call_open, expression>>,
                          star<ws, call_comma, ws, must<expected_after<call_comma, expression>>>,
                          ws, must<call_close>>>> {};

// `lead.region`, `rep.team`: after the dot any word is a field, reserved or not.
struct field_object : sor<kw_lead, kw_rep> {};
struct field_dot : one<'.'> {};
struct field_name : word {};
struct field_access : seq<field_object, field_dot, must<field_name>> {};
struct object_without_field : seq<at<field_object>, tao::pegtl::raise<object_without_field_error>> {
};

struct name_reference : name_word {};

struct primary
    : sor<paren_expression, list_literal, numeric_literal, string_literal, true_literal,
          false_literal, null_literal, field_access, object_without_field, call, name_reference> {};

struct unary;
struct negate_open : one<'-'> {};
struct negation : seq<negate_open, ws, must<expected_after<negate_open, unary>>> {};
struct unary : sor<negation, primary> {};

// `binary_tail<Op, Operand>`: one `op operand` step of a left-associative chain.
template <typename Op, typename Operand>
struct binary_tail : seq<ws, Op, ws, must<expected_after<Op, Operand>>> {};

struct op_times : one<'*'> {};
struct op_divide : one<'/'> {};
struct op_modulo : one<'%'> {};
struct multiplicative
    : seq<unary, star<sor<binary_tail<op_times, unary>, binary_tail<op_divide, unary>,
                          binary_tail<op_modulo, unary>>>> {};

struct op_plus : one<'+'> {};
struct op_minus : one<'-'> {};
struct additive
    : seq<multiplicative,
          star<sor<binary_tail<op_plus, multiplicative>, binary_tail<op_minus, multiplicative>>>> {
};

struct op_equal : string<'=', '='> {};
struct op_not_equal : string<'!', '='> {};
struct op_less_equal : string<'<', '='> {};
struct op_greater_equal : string<'>', '='> {};
struct op_less : one<'<'> {};
struct op_greater : one<'>'> {};
struct op_not_in : seq<kw_not, ws, kw_in> {};
struct comparison_operator
    : sor<op_equal, op_not_equal, op_less_equal, op_greater_equal, op_less, op_greater, kw_in,
          op_not_in, kw_contains, kw_starts_with, kw_ends_with, kw_matches, kw_between> {};

struct regex_literal : seq<string_literal> {};
struct matches_tail : seq<ws, kw_matches, ws, must<regex_literal>> {};
struct between_and : kw_and {};
struct between_tail : seq<ws, kw_between, ws, must<expected_after<kw_between, additive>>, ws,
                          must<between_and>, ws, must<expected_after<between_and, additive>>> {};
// `=` where `==` was meant; `let X = 1` never reaches here because its `=` follows a name.
struct single_equals : seq<ws, at<one<'='>>, tao::pegtl::raise<single_equals_error>> {};

struct comparison_tail
    : sor<binary_tail<op_equal, additive>, binary_tail<op_not_equal, additive>,
          binary_tail<op_less_equal, additive>, binary_tail<op_greater_equal, additive>,
          binary_tail<op_less, additive>, binary_tail<op_greater, additive>,
          binary_tail<kw_in, additive>, binary_tail<op_not_in, additive>,
          binary_tail<kw_contains, additive>, binary_tail<kw_starts_with, additive>,
          binary_tail<kw_ends_with, additive>, matches_tail, between_tail, single_equals> {};
struct no_chained_comparison : opt<ws, sor<at<comparison_operator>, at<one<'='>>>,
                                   tao::pegtl::raise<chained_comparison_error>> {};
struct comparison : seq<additive, opt<comparison_tail, no_chained_comparison>> {};

struct not_expression;
struct not_open : kw_not {};
struct not_prefix : seq<not_open, ws, must<expected_after<not_open, not_expression>>> {};
struct not_expression : sor<not_prefix, comparison> {};

struct and_expression : seq<not_expression, star<binary_tail<kw_and, not_expression>>> {};
struct or_expression : seq<and_expression, star<binary_tail<kw_or, and_expression>>> {};
struct expression : or_expression {};

// ---------------------------------------------------------------------------------------------
// Rule clauses

struct when_clause : seq<kw_when, ws, must<expected_after<kw_when, expression>>> {};
struct require_clause : seq<kw_require, ws, must<expected_after<kw_require, expression>>> {};

struct team_name : seq<string_literal> {};
struct team_clause : seq<kw_team, ws, must<team_name>> {};

struct prefer_comma : one<','> {};
struct prefer_clause
    : seq<kw_prefer, ws, must<expected_after<kw_prefer, expression>>,
          star<ws, prefer_comma, ws, must<expected_after<prefer_comma, expression>>>> {};

struct strategy_name : name_word {};
struct strategy_open : one<'('> {};
struct strategy_close : one<')'> {};
struct strategy_argument
    : seq<hspace, strategy_open, ws, must<expected_after<strategy_open, expression>>, ws,
          must<strategy_close>> {};
// `balanced(quality) over week by tier [80, 50]`: options on the strategy's line, in any order.
// `over`, `by` and `tier` are not reserved: they mean something only here.
struct balance_over_word : TAO_PEGTL_KEYWORD("over") {};
struct balance_period : word {};
struct balance_over : seq<balance_over_word, hspace, must<balance_period>> {};
struct balance_by_word : TAO_PEGTL_KEYWORD("by") {};
struct balance_tier_word : TAO_PEGTL_KEYWORD("tier") {};
struct tier_open : one<'['> {};
struct tier_threshold : number_literal {};
struct tier_comma : one<','> {};
struct tier_close : one<']'> {};
struct balance_tiers : seq<balance_by_word, hspace, must<balance_tier_word>, hspace,
                           must<tier_open>, ws, must<tier_threshold>,
                           star<ws, tier_comma, ws, must<tier_threshold>>, ws, must<tier_close>> {};
struct strategy_option : seq<blanks, sor<balance_over, balance_tiers>> {};
struct strategy : seq<strategy_name, opt<strategy_argument>, star<strategy_option>> {};
struct distribute_clause : seq<kw_distribute, ws, must<strategy>> {};

struct cap_limit : seq<digits, opt<one<'.'>, digits>, not_at<word_char>> {};
struct cap_period : word {};
struct cap_slash : one<'/'> {};
struct cap_open : kw_open {};
struct cap_unit : sor<seq<hspace, cap_slash, hspace, must<cap_period>>, seq<ws, cap_open>,
                      seq<ws, at<name_word>, tao::pegtl::raise<unknown_cap_unit_error>>,
                      tao::pegtl::raise<cap_without_unit_error>> {};
struct cap_item : seq<cap_limit, cap_unit> {};
struct cap_comma : one<','> {};
struct cap_clause : seq<kw_cap, ws, must<cap_item>, star<ws, cap_comma, ws, must<cap_item>>> {};

// A clause's duration: wall-clock `4h`, or working time `4 working hours` (on one line; the unit
// after `working` is a word the parser checks: minutes, hours or days, singular or plural).
struct wall_duration : duration_literal {};
struct working_unit : word {};
struct working_duration : seq<digits, blanks, kw_working, hspace, must<working_unit>> {};
struct clause_duration : sor<wall_duration, working_duration> {};

// `sla 4h then reassign`; a chain `sla 15m then notify, 1h then reassign, 4h then escalate "x"`.
struct sla_duration : clause_duration {};
struct sla_next_duration : clause_duration {};  // after the comma: its own error message
struct sla_then : kw_then {};
struct sla_action : word {};
struct sla_target : seq<string_literal> {};
struct sla_step_tail : seq<ws, must<sla_then>, ws, must<sla_action>, opt<ws, sla_target>> {};
struct sla_first_step : seq<must<sla_duration>, sla_step_tail> {};
struct sla_next_step : seq<must<sla_next_duration>, sla_step_tail> {};
struct sla_comma : one<','> {};
struct sla_clause : seq<kw_sla, ws, sla_first_step, star<ws, sla_comma, ws, sla_next_step>> {};

struct followup_channel : name_word {};
struct followup_within : kw_within {};
struct followup_duration : clause_duration {};
struct followup_step
    : seq<followup_channel, ws, must<followup_within>, ws, must<followup_duration>> {};
struct followup_comma : one<','> {};
struct followup_clause
    : seq<kw_followup, ws, must<followup_step>, star<ws, followup_comma, ws, must<followup_step>>> {
};

// `review`, or `review when <condition>`: `when` must follow on the same line, because a `when`
// at the start of the next line starts the next rule.
struct review_when : kw_when {};
struct review_condition
    : seq<blanks, review_when, ws, must<expected_after<review_when, expression>>> {};
struct review_clause : seq<kw_review, opt<review_condition>> {};

struct other_clause : sor<team_clause, require_clause, prefer_clause, distribute_clause, cap_clause,
                          sla_clause, followup_clause, review_clause> {};

// ---------------------------------------------------------------------------------------------
// Statements

// A name being defined; a keyword there gets its own message rather than "expected a name".
struct defined_name : sor<seq<at<reserved_word>, tao::pegtl::raise<keyword_as_name_error>>, word> {
};
struct let_name : defined_name {};
struct let_equals : one<'='> {};
struct let_statement : seq<kw_let, ws, must<let_name>, ws, must<let_equals>, ws,
                           must<expected_after<let_equals, expression>>> {};

struct segment_name : defined_name {};
struct segment_equals : one<'='> {};
struct segment_statement : seq<kw_segment, ws, must<segment_name>, ws, must<segment_equals>, ws,
                               must<expected_after<segment_equals, expression>>> {};

struct rule_name : seq<string_literal> {};
// A named rule takes one `when`, anywhere among its clauses; a second `when` starts the next
// (anonymous) rule, exactly as `when` at the start of any statement does.
struct named_rule : seq<kw_rule, ws, must<rule_name>, star<ws, other_clause>, opt<ws, when_clause>,
                        star<ws, other_clause>> {};
// The one-line form: `when ... prefer ... cap ...`, a rule without a name.
struct anonymous_rule : seq<when_clause, star<ws, other_clause>> {};

struct otherwise_unassigned
    : seq<kw_unassigned, opt<ws, at<clause_keyword_except_when>,
                             tao::pegtl::raise<clauses_after_unassigned_error>>> {};
struct otherwise_body
    : sor<otherwise_unassigned, seq<at<kw_when>, tao::pegtl::raise<when_in_otherwise_error>>,
          seq<other_clause, star<ws, other_clause>>> {};
struct otherwise_statement : seq<kw_otherwise, ws, must<otherwise_body>> {};

// What may follow a statement: the end of the file or the keyword of the next statement.
struct rule_end : sor<eof, at<top_level_keyword>, tao::pegtl::raise<unexpected_in_rule_error>> {};
struct definition_end
    : sor<eof, at<top_level_keyword>, tao::pegtl::raise<unexpected_after_definition_error>> {};

struct statement
    : sor<seq<let_statement, ws, definition_end>, seq<segment_statement, ws, definition_end>,
          seq<named_rule, ws, rule_end>, seq<anonymous_rule, ws, rule_end>,
          seq<otherwise_statement, ws, rule_end>,
          seq<at<clause_keyword_except_when>, tao::pegtl::raise<clause_outside_rule_error>>,
          tao::pegtl::raise<expected_statement_error>> {};

// The whole file. Parse() drives `statement` itself, one at a time, so that it can resume after an
// error; this rule is the same language in one piece (and what `analyze` checks).
struct file : seq<ws, star<statement, ws>, eof> {};

}  // namespace leadrouter::dsl::grammar
