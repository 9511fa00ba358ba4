#include "ast_testing.h"

#include <algorithm>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/lexical.h"
#include "dsl/base/source.h"
#include "dsl/base/text_util.h"
#include "dsl/base/value.h"

namespace leadrouter::dsl::testing {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string DumpList(const std::vector<ast::ExprPtr>& items) {
  std::string out;
  for (const auto& item : items) absl::StrAppend(&out, " ", DumpExpr(*item));
  return out;
}

std::string DumpComments(const ast::Comments& comments) {
  std::string out;
  for (const auto& c : comments.leading) absl::StrAppend(&out, " #<", c, ">");
  if (!comments.trailing.empty()) absl::StrAppend(&out, " #>", comments.trailing);
  return out;
}

// `4h=14400s`, `4 working hours=14400ws`, `1 working day=1wd`.
std::string DumpDuration(const ast::ClauseDuration& duration) {
  const std::string_view unit = duration.value.kind == DurationKind::kWallClock     ? "s"
                                : duration.value.kind == DurationKind::kWorkingTime ? "ws"
                                                                                    : "wd";
  return absl::StrCat(duration.text, "=", duration.value.amount, Piece(unit));
}

std::string DumpClause(const ast::Clause& clause, bool with_comments) {
  std::string out;
  switch (clause.kind) {
    case ast::ClauseKind::kWhen:
      out = absl::StrCat("when ", DumpExpr(*clause.condition));
      break;
    case ast::ClauseKind::kRequire:
      out = absl::StrCat("require ", DumpExpr(*clause.condition));
      break;
    case ast::ClauseKind::kTeam:
      out = absl::StrCat("team ", lexical::QuoteString(clause.team));
      break;
    case ast::ClauseKind::kPrefer:
      out = absl::StrCat("prefer", DumpList(clause.prefer_keys));
      break;
    case ast::ClauseKind::kDistribute:
      out = absl::StrCat("distribute ", static_cast<int>(clause.distribute.kind),
                         clause.distribute.argument
                             ? absl::StrCat(" ", DumpExpr(*clause.distribute.argument))
                             : "");
      break;
    case ast::ClauseKind::kCap:
      out = "cap";
      for (const auto& cap : clause.caps) {
        absl::StrAppend(&out, " ", cap.limit, "/", static_cast<int>(cap.unit));
      }
      break;
    case ast::ClauseKind::kSla:
      out = "sla ";
      for (size_t i = 0; i < clause.sla.steps.size(); ++i) {
        const ast::SlaStep& step = clause.sla.steps[i];
        absl::StrAppend(&out, i > 0 ? ", " : "", DumpDuration(step.after), " ",
                        static_cast<int>(step.action));
        if (step.target) absl::StrAppend(&out, " ", lexical::QuoteString(*step.target));
      }
      break;
    case ast::ClauseKind::kFollowup:
      out = "followup";
      for (const auto& step : clause.followup) {
        absl::StrAppend(&out, " ", step.channel, ":", DumpDuration(step.within));
      }
      break;
    case ast::ClauseKind::kReview:
      out = "review";
      if (clause.condition) absl::StrAppend(&out, " when ", DumpExpr(*clause.condition));
      break;
  }
  return absl::StrCat("(", out, with_comments ? DumpComments(clause.comments) : "", ")");
}

// Clauses by kind: their order in a rule carries no meaning (each appears at most once).
std::vector<const ast::Clause*> Canonical(const std::vector<ast::Clause>& clauses) {
  std::vector<const ast::Clause*> sorted;
  for (const ast::Clause& clause : clauses) sorted.push_back(&clause);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->kind < b->kind; });
  return sorted;
}

}  // namespace

std::string DumpExpr(const ast::Expr& expr) {
  return std::visit(
      Overloaded{
          [](const ast::NullLiteral&) -> std::string { return "null"; },
          [](const ast::BoolLiteral& b) -> std::string { return b.value ? "true" : "false"; },
          [](const ast::NumberLiteral& n) {
            return absl::StrCat(n.text, "=", FormatNumber(n.value));
          },
          [](const ast::StringLiteral& s) { return lexical::QuoteString(s.value); },
          [](const ast::DurationLiteral& d) { return absl::StrCat(d.text, "=", d.seconds, "s"); },
          [](const ast::ListLiteral& l) { return absl::StrCat("[", DumpList(l.items), "]"); },
          [](const ast::Name& n) { return n.name; },
          [](const ast::FieldAccess& f) { return absl::StrCat(f.object, ".", f.field); },
          [](const ast::Call& c) {
            return absl::StrCat("(call ", c.function, DumpList(c.args), ")");
          },
          [](const ast::Unary& u) {
            return absl::StrCat("(", u.op == ast::UnaryOp::kNot ? "not" : "neg", " ",
                                DumpExpr(*u.operand), ")");
          },
          [](const ast::Binary& b) {
            return absl::StrCat("(", Piece(ast::BinaryOpText(b.op)), " ", DumpExpr(*b.lhs), " ",
                                DumpExpr(*b.rhs), ")");
          },
          [](const ast::Between& b) {
            return absl::StrCat("(between ", DumpExpr(*b.value), " ", DumpExpr(*b.low), " ",
                                DumpExpr(*b.high), ")");
          },
      },
      expr.node);
}

std::string DumpFile(const ast::File& file, bool with_comments) {
  std::string out;
  for (const ast::Statement& statement : file.statements) {
    out += std::visit(Overloaded{
                          [](const ast::Let& let) {
                            return absl::StrCat("let ", let.name, " ", DumpExpr(*let.value));
                          },
                          [](const ast::Segment& s) {
                            return absl::StrCat("segment ", s.name, " ", DumpExpr(*s.predicate));
                          },
                          [&](const ast::Rule& rule) {
                            std::string text =
                                rule.name ? absl::StrCat("rule ", lexical::QuoteString(*rule.name))
                                          : "rule _";
                            for (const ast::Clause* clause : Canonical(rule.clauses))
                              absl::StrAppend(&text, " ", DumpClause(*clause, with_comments));
                            return text;
                          },
                          [&](const ast::Otherwise& o) {
                            std::string text = o.unassigned ? "otherwise unassigned" : "otherwise";
                            for (const ast::Clause* clause : Canonical(o.clauses))
                              absl::StrAppend(&text, " ", DumpClause(*clause, with_comments));
                            return text;
                          },
                      },
                      statement.node);
    if (with_comments) out += DumpComments(statement.comments);
    out += "\n";
  }
  if (with_comments) {
    for (const auto& c : file.trailing_comments) absl::StrAppend(&out, "#<", c, ">\n");
  }
  return out;
}

std::vector<std::string> Codes(const std::string& text, const ParseOptions& options) {
  const SourceFile source("test.rules", text);
  const ParseResult result = Parse(source, options);
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) {
    const LineColumn at = source.Locate(d.span.begin);
    out.push_back(absl::StrCat(at.line, ":", at.column, " ", d.code));
  }
  return out;
}

}  // namespace leadrouter::dsl::testing
