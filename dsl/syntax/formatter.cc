#include "dsl/syntax/formatter.h"

#include <algorithm>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/lexical.h"
#include "dsl/base/text_util.h"
#include "dsl/base/value.h"

namespace leadrouter::dsl {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Binding strength, loosest first; mirrors the precedence levels of dsl/syntax/internal/grammar.h.
enum Precedence {
  kOrLevel = 1,
  kAndLevel,
  kNotLevel,
  kComparisonLevel,
  kAdditiveLevel,
  kMultiplicativeLevel,
  kNegateLevel,
  kPrimaryLevel,
};

Precedence OperatorPrecedence(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kOr:
      return kOrLevel;
    case ast::BinaryOp::kAnd:
      return kAndLevel;
    case ast::BinaryOp::kAdd:
    case ast::BinaryOp::kSubtract:
      return kAdditiveLevel;
    case ast::BinaryOp::kMultiply:
    case ast::BinaryOp::kDivide:
    case ast::BinaryOp::kModulo:
      return kMultiplicativeLevel;
    default:
      return kComparisonLevel;
  }
}

Precedence PrecedenceOf(const ast::Expr& expr) {
  return std::visit(
      Overloaded{
          [](const ast::Binary& b) { return OperatorPrecedence(b.op); },
          [](const ast::Unary& u) { return u.op == ast::UnaryOp::kNot ? kNotLevel : kNegateLevel; },
          [](const ast::Between&) { return kComparisonLevel; },
          [](const auto&) { return kPrimaryLevel; },
      },
      expr.node);
}

std::string DurationText(const std::string& text, int64_t seconds) {
  return text.empty() ? absl::StrCat(seconds, "s") : text;
}

// `4h`, `4 working hours`: as written (blanks collapsed), or canonical for a built tree.
std::string ClauseDurationText(const ast::ClauseDuration& duration) {
  return duration.text.empty() ? WorkDurationText(duration.value) : duration.text;
}

void WriteExpr(const ast::Expr& expr, std::string& out);

void WriteOperand(const ast::Expr& expr, bool parenthesize, std::string& out) {
  if (parenthesize) out += '(';
  WriteExpr(expr, out);
  if (parenthesize) out += ')';
}

void WriteList(const std::vector<ast::ExprPtr>& items, std::string& out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    WriteExpr(*items[i], out);
  }
}

void WriteExpr(const ast::Expr& expr, std::string& out) {
  std::visit(Overloaded{
                 [&](const ast::NullLiteral&) { out += "null"; },
                 [&](const ast::BoolLiteral& b) { out += b.value ? "true" : "false"; },
                 [&](const ast::NumberLiteral& n) {
                   out += n.text.empty() ? FormatNumber(n.value) : n.text;
                 },
                 [&](const ast::StringLiteral& s) { out += lexical::QuoteString(s.value); },
                 [&](const ast::DurationLiteral& d) { out += DurationText(d.text, d.seconds); },
                 [&](const ast::ListLiteral& l) {
                   out += '[';
                   WriteList(l.items, out);
                   out += ']';
                 },
                 [&](const ast::Name& n) { out += n.name; },
                 [&](const ast::FieldAccess& f) { absl::StrAppend(&out, f.object, ".", f.field); },
                 [&](const ast::Call& c) {
                   out += c.function;
                   out += '(';
                   WriteList(c.args, out);
                   out += ')';
                 },
                 [&](const ast::Unary& u) {
                   if (u.op == ast::UnaryOp::kNot) {
                     out += "not ";
                     WriteOperand(*u.operand, PrecedenceOf(*u.operand) < kNotLevel, out);
                   } else {
                     out += '-';
                     const bool parenthesize = PrecedenceOf(*u.operand) < kNegateLevel;
                     // `- -x`, not `--x`, which reads like a decrement.
                     if (!parenthesize && std::holds_alternative<ast::Unary>(u.operand->node))
                       out += ' ';
                     WriteOperand(*u.operand, parenthesize, out);
                   }
                 },
                 [&](const ast::Binary& b) {
                   const Precedence level = OperatorPrecedence(b.op);
                   const Precedence lhs = PrecedenceOf(*b.lhs);
                   // Chains associate to the left; comparisons do not chain at all.
                   WriteOperand(*b.lhs, lhs < level || (level == kComparisonLevel && lhs == level),
                                out);
                   absl::StrAppend(&out, " ", Piece(ast::BinaryOpText(b.op)), " ");
                   WriteOperand(*b.rhs, PrecedenceOf(*b.rhs) <= level, out);
                 },
                 [&](const ast::Between& b) {
                   WriteOperand(*b.value, PrecedenceOf(*b.value) <= kComparisonLevel, out);
                   out += " between ";
                   WriteOperand(*b.low, PrecedenceOf(*b.low) <= kComparisonLevel, out);
                   out += " and ";
                   WriteOperand(*b.high, PrecedenceOf(*b.high) <= kComparisonLevel, out);
                 },
             },
             expr.node);
}

std::string ClauseText(const ast::Clause& clause) {
  std::string out;
  switch (clause.kind) {
    case ast::ClauseKind::kWhen:
    case ast::ClauseKind::kRequire:
      out = clause.kind == ast::ClauseKind::kWhen ? "when " : "require ";
      if (clause.condition) WriteExpr(*clause.condition, out);
      break;
    case ast::ClauseKind::kTeam:
      out = absl::StrCat("team ", lexical::QuoteString(clause.team));
      break;
    case ast::ClauseKind::kPrefer:
      out = "prefer ";
      WriteList(clause.prefer_keys, out);
      break;
    case ast::ClauseKind::kDistribute:
      out = absl::StrCat("distribute ", Piece(StrategyName(clause.distribute.kind)));
      if (clause.distribute.argument) {
        out += '(';
        WriteExpr(*clause.distribute.argument, out);
        out += ')';
      }
      if (clause.distribute.over) {
        absl::StrAppend(&out, " over ", Piece(CapUnitName(*clause.distribute.over)));
      }
      if (!clause.distribute.tiers.empty()) {
        out += " by tier [";
        for (size_t i = 0; i < clause.distribute.tiers.size(); ++i) {
          absl::StrAppend(&out, i > 0 ? ", " : "", FormatNumber(clause.distribute.tiers[i]));
        }
        out += ']';
      }
      break;
    case ast::ClauseKind::kCap:
      out = "cap ";
      for (size_t i = 0; i < clause.caps.size(); ++i) {
        absl::StrAppend(&out, i > 0 ? ", " : "",
                        WrittenCap(clause.caps[i].limit, clause.caps[i].unit));
      }
      break;
    case ast::ClauseKind::kSla:
      out = "sla ";
      for (size_t i = 0; i < clause.sla.steps.size(); ++i) {
        const ast::SlaStep& step = clause.sla.steps[i];
        absl::StrAppend(&out, i > 0 ? ", " : "", ClauseDurationText(step.after), " then ",
                        Piece(SlaActionName(step.action)));
        if (step.target) absl::StrAppend(&out, " ", lexical::QuoteString(*step.target));
      }
      break;
    case ast::ClauseKind::kFollowup:
      out = "followup ";
      for (size_t i = 0; i < clause.followup.size(); ++i) {
        const ast::FollowupStep& step = clause.followup[i];
        absl::StrAppend(&out, i > 0 ? ", " : "", step.channel, " within ",
                        ClauseDurationText(step.within));
      }
      break;
    case ast::ClauseKind::kReview:
      out = "review";
      if (clause.condition) {
        out += " when ";
        WriteExpr(*clause.condition, out);
      }
      break;
  }
  return out;
}

std::string CommentText(const std::string& text) {
  return absl::StrCat(text.empty() || text[0] == '#' ? "#" : "# ", text);
}

void WriteLeading(const ast::Comments& comments, std::string_view indent, std::string& out) {
  for (const std::string& comment : comments.leading) {
    absl::StrAppend(&out, Piece(indent), CommentText(comment), "\n");
  }
}

void WriteLine(std::string_view indent, const std::string& code, const std::string& trailing,
               std::string& out) {
  absl::StrAppend(&out, Piece(indent), code);
  if (!trailing.empty()) absl::StrAppend(&out, "  ", CommentText(trailing));
  out += '\n';
}

// Clauses in canonical order; stable, so a (rejected) duplicate keeps its place.
std::vector<const ast::Clause*> CanonicalOrder(const std::vector<ast::Clause>& clauses) {
  std::vector<const ast::Clause*> ordered;
  for (const ast::Clause& clause : clauses) ordered.push_back(&clause);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->kind < b->kind; });
  return ordered;
}

// `head` (`when ...` as a clause, or `otherwise`) and the clauses on one line, if they fit and no
// comment needs a line of its own.
bool WriteOneLine(std::string_view head, const ast::Comments& statement_comments,
                  const std::vector<const ast::Clause*>& clauses, std::string& out) {
  if (!statement_comments.trailing.empty()) return false;
  std::string line(head);
  for (size_t i = 0; i < clauses.size(); ++i) {
    const ast::Clause& clause = *clauses[i];
    if (!clause.comments.leading.empty()) return false;
    if (!clause.comments.trailing.empty() && i + 1 != clauses.size()) return false;
    if (!line.empty()) line += ' ';
    line += ClauseText(clause);
  }
  if (line.size() > kMaxLineWidth) return false;
  WriteLine("", line, clauses.empty() ? "" : clauses.back()->comments.trailing, out);
  return true;
}

void WriteClauseLines(const std::vector<const ast::Clause*>& clauses, size_t first,
                      std::string& out) {
  for (size_t i = first; i < clauses.size(); ++i) {
    WriteLeading(clauses[i]->comments, "  ", out);
    WriteLine("  ", ClauseText(*clauses[i]), clauses[i]->comments.trailing, out);
  }
}

void WriteStatement(const ast::Statement& statement, std::string& out) {
  std::visit(Overloaded{
                 [&](const ast::Let& let) {
                   std::string code = absl::StrCat("let ", let.name, " = ");
                   if (let.value) WriteExpr(*let.value, code);
                   WriteLine("", code, statement.comments.trailing, out);
                 },
                 [&](const ast::Segment& segment) {
                   std::string code = absl::StrCat("segment ", segment.name, " = ");
                   if (segment.predicate) WriteExpr(*segment.predicate, code);
                   WriteLine("", code, statement.comments.trailing, out);
                 },
                 [&](const ast::Rule& rule) {
                   const auto clauses = CanonicalOrder(rule.clauses);
                   if (rule.name) {
                     WriteLine("", absl::StrCat("rule ", lexical::QuoteString(*rule.name)),
                               statement.comments.trailing, out);
                     WriteClauseLines(clauses, 0, out);
                     return;
                   }
                   if (WriteOneLine("", statement.comments, clauses, out)) return;
                   // The first clause is the `when` that opens the statement.
                   if (!clauses.empty()) {
                     WriteLeading(clauses[0]->comments, "", out);
                     WriteLine("", ClauseText(*clauses[0]), clauses[0]->comments.trailing, out);
                   }
                   WriteClauseLines(clauses, 1, out);
                 },
                 [&](const ast::Otherwise& otherwise) {
                   if (otherwise.unassigned) {
                     WriteLine("", "otherwise unassigned", statement.comments.trailing, out);
                     return;
                   }
                   const auto clauses = CanonicalOrder(otherwise.clauses);
                   if (WriteOneLine("otherwise", statement.comments, clauses, out)) return;
                   WriteLine("", "otherwise", statement.comments.trailing, out);
                   WriteClauseLines(clauses, 0, out);
                 },
             },
             statement.node);
}

// Consecutive `let`s (or `segment`s) form one block unless a comment opens a new one.
bool SameBlock(const ast::Statement& previous, const ast::Statement& current) {
  if (!current.comments.leading.empty()) return false;
  const auto both = [&](auto tag) {
    using T = decltype(tag);
    return std::holds_alternative<T>(previous.node) && std::holds_alternative<T>(current.node);
  };
  return both(ast::Let{}) || both(ast::Segment{});
}

}  // namespace

std::string FormatExpression(const ast::Expr& expr) {
  std::string out;
  WriteExpr(expr, out);
  return out;
}

std::string Format(const ast::File& file) {
  std::string out;
  for (size_t i = 0; i < file.statements.size(); ++i) {
    const ast::Statement& statement = file.statements[i];
    if (i > 0 && !SameBlock(file.statements[i - 1], statement)) out += '\n';
    WriteLeading(statement.comments, "", out);
    WriteStatement(statement, out);
  }
  if (!file.trailing_comments.empty()) {
    if (!file.statements.empty()) out += '\n';
    for (const std::string& comment : file.trailing_comments)
      absl::StrAppend(&out, CommentText(comment), "\n");
  }
  return out;
}

}  // namespace leadrouter::dsl
