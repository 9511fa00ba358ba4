#include "ast_testing.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>
#include <vector>

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
  for (const auto& item : items) out += fmt::format(" {}", DumpExpr(*item));
  return out;
}

std::string DumpComments(const ast::Comments& comments) {
  std::string out;
  for (const auto& c : comments.leading) out += fmt::format(" #<{}>", c);
  if (!comments.trailing.empty()) out += fmt::format(" #>{}", comments.trailing);
  return out;
}

std::string DumpClause(const ast::Clause& clause, bool with_comments) {
  std::string out;
  switch (clause.kind) {
    case ast::ClauseKind::kWhen:
      out = fmt::format("when {}", DumpExpr(*clause.condition));
      break;
    case ast::ClauseKind::kRequire:
      out = fmt::format("require {}", DumpExpr(*clause.condition));
      break;
    case ast::ClauseKind::kTeam:
      out = fmt::format("team {:?}", clause.team);
      break;
    case ast::ClauseKind::kPrefer:
      out = fmt::format("prefer{}", DumpList(clause.prefer_keys));
      break;
    case ast::ClauseKind::kDistribute:
      out = fmt::format("distribute {}{}", static_cast<int>(clause.distribute.kind),
                        clause.distribute.argument
                            ? fmt::format(" {}", DumpExpr(*clause.distribute.argument))
                            : "");
      break;
    case ast::ClauseKind::kCap:
      out = "cap";
      for (const auto& cap : clause.caps) {
        out += fmt::format(" {}/{}", cap.limit, static_cast<int>(cap.unit));
      }
      break;
    case ast::ClauseKind::kSla:
      out = fmt::format("sla {}={}s {}", clause.sla.duration_text, clause.sla.seconds,
                        static_cast<int>(clause.sla.action));
      break;
    case ast::ClauseKind::kFollowup:
      out = "followup";
      for (const auto& step : clause.followup) {
        out += fmt::format(" {}:{}={}s", step.channel, step.duration_text, step.seconds);
      }
      break;
  }
  return fmt::format("({}{})", out, with_comments ? DumpComments(clause.comments) : "");
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
          [](const ast::NumberLiteral& n) { return fmt::format("{}={}", n.text, n.value); },
          [](const ast::StringLiteral& s) { return fmt::format("{:?}", s.value); },
          [](const ast::DurationLiteral& d) { return fmt::format("{}={}s", d.text, d.seconds); },
          [](const ast::ListLiteral& l) { return fmt::format("[{}]", DumpList(l.items)); },
          [](const ast::Name& n) { return n.name; },
          [](const ast::FieldAccess& f) { return fmt::format("{}.{}", f.object, f.field); },
          [](const ast::Call& c) {
            return fmt::format("(call {}{})", c.function, DumpList(c.args));
          },
          [](const ast::Unary& u) {
            return fmt::format("({} {})", u.op == ast::UnaryOp::kNot ? "not" : "neg",
                               DumpExpr(*u.operand));
          },
          [](const ast::Binary& b) {
            return fmt::format("({} {} {})", ast::BinaryOpText(b.op), DumpExpr(*b.lhs),
                               DumpExpr(*b.rhs));
          },
          [](const ast::Between& b) {
            return fmt::format("(between {} {} {})", DumpExpr(*b.value), DumpExpr(*b.low),
                               DumpExpr(*b.high));
          },
      },
      expr.node);
}

std::string DumpFile(const ast::File& file, bool with_comments) {
  std::string out;
  for (const ast::Statement& statement : file.statements) {
    out += std::visit(Overloaded{
                          [](const ast::Let& let) {
                            return fmt::format("let {} {}", let.name, DumpExpr(*let.value));
                          },
                          [](const ast::Segment& s) {
                            return fmt::format("segment {} {}", s.name, DumpExpr(*s.predicate));
                          },
                          [&](const ast::Rule& rule) {
                            std::string text =
                                rule.name ? fmt::format("rule {:?}", *rule.name) : "rule _";
                            for (const ast::Clause* clause : Canonical(rule.clauses))
                              text += fmt::format(" {}", DumpClause(*clause, with_comments));
                            return text;
                          },
                          [&](const ast::Otherwise& o) {
                            std::string text = o.unassigned ? "otherwise unassigned" : "otherwise";
                            for (const ast::Clause* clause : Canonical(o.clauses))
                              text += fmt::format(" {}", DumpClause(*clause, with_comments));
                            return text;
                          },
                      },
                      statement.node);
    if (with_comments) out += DumpComments(statement.comments);
    out += "\n";
  }
  if (with_comments) {
    for (const auto& c : file.trailing_comments) out += fmt::format("#<{}>\n", c);
  }
  return out;
}

}  // namespace leadrouter::dsl::testing
