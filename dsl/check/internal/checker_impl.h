// The checker's pass over one file (private to dsl/check/): the Checker class that Check
// (dsl/check/checker.h) runs, and what it knows about each expression. Its work is split by job:
// checker.cc (the pass, diagnostics, lets and segments), checker_rules.cc (rules and clauses),
// checker_expressions.cc (literals, lists, calls, unary operators, `between`), checker_names.cc
// (what a bare or dotted name refers to), checker_operators.cc (binary operators).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/base/diagnostics.h"
#include "dsl/base/schema.h"
#include "dsl/base/source.h"
#include "dsl/check/checker.h"
#include "dsl/check/internal/checker_types.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl::checker {

// Where an expression is evaluated, which decides what bare names mean.
enum class Scope {
  kConstant,  // a `let` value: constants only
  kLead,      // `when` and segment bodies: the lead
  kRep,       // `require`, `prefer`, `distribute`: the rep, and the lead through `lead.x`
};

// What the checker knows about one expression.
struct Info {
  Type type;
  bool constant = false;   // folds at compile time
  bool reads_rep = false;  // depends on the rep
  int depth = 1;           // tree depth, counting the segments it uses
  bool null_literal = false;
  std::optional<std::string> string_constant;  // a string literal, or a let bound to one
  std::optional<double> number_constant;       // a number literal, or a let bound to one
};

// An Info of `type` with every other property at its default.
inline Info InfoOf(Type type) {
  Info info;
  info.type = type;
  return info;
}

inline Info ErrorInfo() { return InfoOf(Type::Error()); }

// One pass over a file: Run once (it hands over what it gathered), then discard.
class Checker {
 public:
  Checker(const SourceFile& source, const CheckOptions& options)
      : source_(source), options_(options) {}

  CheckedFile Run(const ast::File& file);

 private:
  enum class State { kUnchecked, kChecking, kDone };

  struct LetEntry {
    const ast::Let* decl = nullptr;
    State state = State::kUnchecked;
    Info info;
    bool used = false;
  };

  struct SegmentEntry {
    const ast::Segment* decl = nullptr;
    State state = State::kUnchecked;
    int depth = 1;
    bool used = false;
    bool too_deep = false;  // reported once, at the segment; its users stay quiet
  };

  // ---------------------------------------------------------------------------------------------
  // Diagnostics and definitions (checker.cc)

  void Report(Severity severity, SourceSpan span, std::string code, std::string message,
              std::string hint = {});
  void Error(SourceSpan span, std::string code, std::string message, std::string hint = {});
  void Warning(SourceSpan span, std::string code, std::string message, std::string hint = {});

  uint32_t LineOf(SourceSpan span) const;

  void RegisterDefinitions(const ast::File& file);

  // False (with a diagnostic) when `name` is already a let or a segment.
  bool CheckNewName(const std::string& name, SourceSpan span);

  const Info& CheckLet(LetEntry& entry, SourceSpan use);

  int CheckSegment(SegmentEntry& entry);

  // The warnings for lets and segments nothing uses.
  void ReportUnused();

  // ---------------------------------------------------------------------------------------------
  // Rules and their clauses (checker_rules.cc)

  void CheckRules(const ast::File& file);

  void CheckClauses(const std::vector<ast::Clause>& clauses);

  void CheckPreferKey(const ast::Expr& key);

  // The strategy's argument (whether it needs one is the parser's check).
  void CheckDistribute(const ast::Distribute& distribute);
  void CheckBalanceTiers(const ast::Distribute& distribute, bool amount_reads_rep);

  void CheckCaps(const std::vector<ast::Cap>& caps);

  // The steps of one `sla`: each after more than zero time, in strictly increasing order of one
  // kind of time, each target where and as it belongs.
  void CheckSla(const ast::Sla& sla);
  void CheckSlaTarget(const ast::SlaStep& step);

  // Channels (known, each once) are the parser's check; their durations are checked here.
  void CheckFollowup(const std::vector<ast::FollowupStep>& steps);

  // ---------------------------------------------------------------------------------------------
  // Expressions: literals, lists, calls, unary operators, `between` (checker_expressions.cc)

  // A whole expression: checks it and then its depth (which counts the segments it uses).
  Info CheckTop(const ast::Expr& expr, Scope scope);

  void ReportTooDeep(SourceSpan span);

  Info CheckCondition(const ast::Expr& expr, Scope scope, std::string_view where);

  Info Check(const ast::Expr& expr, Scope scope, int nesting);

  Info CheckNode(const ast::Expr&, const ast::NullLiteral&, Scope, int);
  Info CheckNode(const ast::Expr&, const ast::BoolLiteral&, Scope, int);
  Info CheckNode(const ast::Expr&, const ast::NumberLiteral& n, Scope, int);
  Info CheckNode(const ast::Expr&, const ast::StringLiteral& s, Scope, int);
  Info CheckNode(const ast::Expr&, const ast::DurationLiteral&, Scope, int);

  static Info Constant(Type type);

  Info CheckNode(const ast::Expr&, const ast::ListLiteral& list, Scope scope, int nesting);

  Info CheckNode(const ast::Expr& expr, const ast::Call& call, Scope scope, int nesting);

  Info CheckHas(const ast::Expr& arg, Scope scope);

  Info CheckNode(const ast::Expr&, const ast::Unary& unary, Scope scope, int nesting);

  Info CheckNode(const ast::Expr& expr, const ast::Between& between, Scope scope, int nesting);

  // ---------------------------------------------------------------------------------------------
  // Names: lets, segments, fields and custom attributes (checker_names.cc)

  Info CheckNode(const ast::Expr& expr, const ast::Name& name, Scope scope, int);

  Info CheckNode(const ast::Expr& expr, const ast::FieldAccess& access, Scope scope, int);

  Info FieldInfoFor(const ast::Expr& expr, RecordKind record, Slot slot, const FieldTable& table);

  Info ResolveName(const ast::Expr& expr, const std::string& name, Scope scope);

  std::vector<std::string> DefinitionNames() const;

  // ---------------------------------------------------------------------------------------------
  // Binary operators (checker_operators.cc)

  Info CheckNode(const ast::Expr& expr, const ast::Binary& binary, Scope scope, int nesting);

  // `needle in haystack` (also `contains`, with the sides swapped by the caller).
  bool CheckMembership(const ast::Expr& expr, ast::BinaryOp op, const Info& needle,
                       const Info& haystack);

  bool CheckMatches(const ast::Expr& lhs_expr, const ast::Expr& rhs_expr, const Info& lhs,
                    const Info& rhs);

  Info CheckArithmetic(const ast::Expr& expr, ast::BinaryOp op, const Info& lhs, const Info& rhs,
                       Info info);

  const SourceFile& source_;
  const CheckOptions& options_;
  CheckedFile out_;
  std::unordered_map<std::string, LetEntry> lets_;
  std::unordered_map<std::string, SegmentEntry> segments_;
  std::vector<std::string> let_order_;
  std::vector<std::string> segment_order_;
  int definition_chain_ = 0;  // lets / segments being checked inside one another
  bool depth_reported_ = false;
};

}  // namespace leadrouter::dsl::checker
