#include "dsl/check/checker.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/builtins.h"
#include "dsl/base/suggest.h"
#include "dsl/base/text_util.h"
#include "dsl/base/vocabulary.h"
#include "dsl/check/internal/checker_types.h"

namespace leadrouter::dsl {
namespace {

using ast::BinaryOp;
using checker::Comparable;
using checker::Describe;
using checker::FieldTypeOf;
using checker::Type;

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
Info InfoOf(Type type) {
  Info info;
  info.type = type;
  return info;
}

Info ErrorInfo() { return InfoOf(Type::Error()); }

constexpr auto kBuiltinNames = NamesOf(kBuiltins);

// "functions: has, lower, len, skill, tag, hours_since"
constexpr auto kFunctionsHint = [] {
  FixedText<128> text("functions: ");
  AppendList(text, kBuiltins, ", ",
             [](auto& out, const BuiltinInfo& builtin) { out.Append(builtin.name); });
  return text;
}();

NameRef FieldRefTo(RecordKind record, Slot slot, const std::string& name) {
  NameRef ref;
  ref.kind = NameRef::Kind::kField;
  ref.record = record;
  ref.slot = slot;
  ref.field = name;
  return ref;
}

// The names of the known fields of `kind`, for did-you-mean hints.
const std::vector<std::string>& KnownFieldNames(RecordKind kind) {
  static const auto names = [](RecordKind k) {
    std::vector<std::string> out;
    const FieldTable table(k);
    for (const FieldInfo& field : table.fields()) out.push_back(field.name);
    return out;
  };
  static const std::vector<std::string> lead = names(RecordKind::kLead);
  static const std::vector<std::string> rep = names(RecordKind::kRep);
  return kind == RecordKind::kLead ? lead : rep;
}

bool IsComparison(BinaryOp op) {
  return op == BinaryOp::kEqual || op == BinaryOp::kNotEqual || op == BinaryOp::kLess ||
         op == BinaryOp::kLessEqual || op == BinaryOp::kGreater || op == BinaryOp::kGreaterEqual;
}

bool IsArithmetic(BinaryOp op) {
  return op == BinaryOp::kAdd || op == BinaryOp::kSubtract || op == BinaryOp::kMultiply ||
         op == BinaryOp::kDivide || op == BinaryOp::kModulo;
}

std::string OpText(BinaryOp op) { return absl::StrCat("`", Piece(ast::BinaryOpText(op)), "`"); }

class Checker {
 public:
  Checker(const SourceFile& source, const CheckOptions& options)
      : source_(source), options_(options) {}

  CheckedFile Run(const ast::File& file) {
    RegisterDefinitions(file);
    for (const std::string& name : let_order_) CheckLet(lets_.at(name), SourceSpan{});
    for (const std::string& name : segment_order_) CheckSegment(segments_.at(name));
    CheckRules(file);
    ReportUnused();
    if (options_.partial) {
      std::erase_if(out_.diagnostics,
                    [](const Diagnostic& d) { return d.severity != Severity::kError; });
    }
    return std::move(out_);
  }

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
  // Diagnostics

  void Report(Severity severity, SourceSpan span, std::string code, std::string message,
              std::string hint = {}) {
    out_.diagnostics.push_back(
        Diagnostic{severity, span, std::move(code), std::move(message), std::move(hint)});
  }
  void Error(SourceSpan span, std::string code, std::string message, std::string hint = {}) {
    Report(Severity::kError, span, std::move(code), std::move(message), std::move(hint));
  }
  void Warning(SourceSpan span, std::string code, std::string message, std::string hint = {}) {
    Report(Severity::kWarning, span, std::move(code), std::move(message), std::move(hint));
  }

  uint32_t LineOf(SourceSpan span) const { return source_.Locate(span.begin).line; }

  // ---------------------------------------------------------------------------------------------
  // Definitions

  void RegisterDefinitions(const ast::File& file) {
    const FieldTable lead_known(RecordKind::kLead);
    const FieldTable rep_known(RecordKind::kRep);
    for (const ast::Statement& statement : file.statements) {
      if (const auto* let = std::get_if<ast::Let>(&statement.node)) {
        if (!CheckNewName(let->name, let->name_span)) continue;
        LetEntry entry;
        entry.decl = let;
        lets_.emplace(let->name, entry);
        let_order_.push_back(let->name);
        if (lead_known.IsKnown(let->name) || rep_known.IsKnown(let->name)) {
          Warning(let->name_span, "shadowed-field",
                  absl::StrCat("`let ", let->name, "` hides the field `", let->name,
                               "` wherever the name is used"),
                  absl::StrCat("rename the constant, or write `lead.", let->name, "` / `rep.",
                               let->name, "` for the field"));
        }
      } else if (const auto* segment = std::get_if<ast::Segment>(&statement.node)) {
        if (!CheckNewName(segment->name, segment->name_span)) continue;
        SegmentEntry entry;
        entry.decl = segment;
        segments_.emplace(segment->name, entry);
        segment_order_.push_back(segment->name);
        if (lead_known.IsKnown(segment->name) || rep_known.IsKnown(segment->name)) {
          Warning(segment->name_span, "shadowed-segment",
                  absl::StrCat("segment `", segment->name, "` hides the field `", segment->name,
                               "` wherever the name is used"),
                  absl::StrCat("rename the segment, or write `lead.", segment->name, "` / `rep.",
                               segment->name, "` for the field"));
        }
      }
    }
  }

  // False (with a diagnostic) when `name` is already a let or a segment.
  bool CheckNewName(const std::string& name, SourceSpan span) {
    if (auto it = lets_.find(name); it != lets_.end()) {
      Error(span, "duplicate-definition", absl::StrCat("`", name, "` is already defined"),
            absl::StrCat("the first definition is the `let` on line ",
                         LineOf(it->second.decl->name_span)));
      return false;
    }
    if (auto it = segments_.find(name); it != segments_.end()) {
      Error(span, "duplicate-definition", absl::StrCat("`", name, "` is already defined"),
            absl::StrCat("the first definition is the segment on line ",
                         LineOf(it->second.decl->name_span)));
      return false;
    }
    return true;
  }

  const Info& CheckLet(LetEntry& entry, SourceSpan use) {
    if (entry.state == State::kDone) return entry.info;
    if (entry.state == State::kChecking) {
      Error(
          use, "definition-cycle",
          absl::StrCat("`", entry.decl->name, "` is defined in terms of itself"),
          absl::StrCat("see `let ", entry.decl->name, "` on line ", LineOf(entry.decl->name_span)));
      static const Info kError = ErrorInfo();
      return kError;
    }
    if (definition_chain_ >= options_.max_definition_nesting) {
      Error(use, "too-deep",
            absl::StrCat("constants refer to later constants more than ",
                         options_.max_definition_nesting, " levels deep"),
            "define constants before the ones that use them");
      static const Info kError = ErrorInfo();
      return kError;
    }
    entry.state = State::kChecking;
    ++definition_chain_;
    Info info = CheckTop(*entry.decl->value, Scope::kConstant);
    --definition_chain_;
    if (!info.type.unknown() &&
        !info.type.Allows({ValueKind::kNumber, ValueKind::kString, ValueKind::kBool,
                           ValueKind::kList, ValueKind::kDuration})) {
      Error(entry.decl->value->span, "type-mismatch",
            absl::StrCat("a `let` must be a number, string, true/false, list or duration, not ",
                         Describe(info.type)));
      info = ErrorInfo();
    }
    info.constant = true;
    info.depth = 1;  // folded to a constant
    info.null_literal = false;
    entry.info = std::move(info);
    entry.state = State::kDone;
    return entry.info;
  }

  int CheckSegment(SegmentEntry& entry) {
    if (entry.state == State::kDone) return entry.depth;
    if (entry.state == State::kChecking) return -1;  // the caller reports the cycle
    if (definition_chain_ >= options_.max_definition_nesting) return -2;
    entry.state = State::kChecking;
    ++definition_chain_;
    const Info info = CheckCondition(*entry.decl->predicate, Scope::kLead, "a segment");
    --definition_chain_;
    entry.too_deep = info.depth > options_.max_expression_depth;
    entry.depth = entry.too_deep ? 1 : info.depth;
    entry.state = State::kDone;
    return entry.depth;
  }

  // ---------------------------------------------------------------------------------------------
  // Rules

  void CheckRules(const ast::File& file) {
    size_t rule_count = 0;
    std::unordered_map<std::string, const ast::Rule*> rule_names;
    for (const ast::Statement& statement : file.statements) {
      if (const auto* rule = std::get_if<ast::Rule>(&statement.node)) {
        ++rule_count;
        if (rule_count == options_.max_rules + 1) {
          Error(statement.span, "too-many-rules",
                absl::StrCat("a rule file holds at most ", options_.max_rules, " rules"));
        }
        if (rule->name) {
          auto [it, inserted] = rule_names.emplace(*rule->name, rule);
          if (!inserted) {
            Warning(rule->name_span, "duplicate-rule-name",
                    absl::StrCat("another rule is already named \"", *rule->name, "\""),
                    absl::StrCat("the first is on line ", LineOf(it->second->name_span),
                                 "; explanations and reports would not tell them apart"));
          }
        }
        CheckClauses(rule->clauses);
      } else if (const auto* fallback = std::get_if<ast::Otherwise>(&statement.node)) {
        CheckClauses(fallback->clauses);
      }
    }
  }

  void CheckClauses(const std::vector<ast::Clause>& clauses) {
    for (const ast::Clause& clause : clauses) {
      switch (clause.kind) {
        case ast::ClauseKind::kWhen:
          if (clause.condition) CheckCondition(*clause.condition, Scope::kLead, "`when`");
          break;
        case ast::ClauseKind::kTeam:
          if (clause.team.empty()) {
            Error(clause.span, "empty-team", "`team` needs a team name");
          }
          break;
        case ast::ClauseKind::kRequire:
          if (clause.condition) CheckCondition(*clause.condition, Scope::kRep, "`require`");
          break;
        case ast::ClauseKind::kPrefer:
          for (const ast::ExprPtr& key : clause.prefer_keys) {
            if (key) CheckPreferKey(*key);
          }
          break;
        case ast::ClauseKind::kDistribute:
          CheckDistribute(clause.distribute);
          break;
        case ast::ClauseKind::kCap:
          CheckCaps(clause.caps);
          break;
        case ast::ClauseKind::kSla:
          if (clause.sla.seconds <= 0) {
            Error(clause.sla.span, "invalid-duration", "an SLA must be longer than zero");
          }
          break;
        case ast::ClauseKind::kFollowup:
          CheckFollowup(clause.followup);
          break;
      }
    }
  }

  void CheckPreferKey(const ast::Expr& key) {
    const Info info = CheckTop(key, Scope::kRep);
    if (!info.type.Allows({ValueKind::kNumber, ValueKind::kBool, ValueKind::kDuration})) {
      Error(
          key.span, "type-mismatch",
          absl::StrCat("a `prefer` key must be a number or true/false, not ", Describe(info.type)),
          "reps are ranked by each key in turn, higher first");
    }
  }

  // The strategy's argument (whether it needs one is the parser's check).
  void CheckDistribute(const ast::Distribute& distribute) {
    if (!distribute.argument) return;
    const std::string_view name = StrategyName(distribute.kind);
    const Info info = CheckTop(*distribute.argument, Scope::kRep);
    if (distribute.kind == StrategyKind::kSticky) {
      if (info.reads_rep) {
        Error(distribute.argument->span, "sticky-reads-rep",
              "`sticky()` keeps a lead's key with one rep, so its argument must be a lead value",
              "bare names here are rep fields; write `lead.x` for the lead's field");
      }
      return;
    }
    if (!info.type.Allows({ValueKind::kNumber, ValueKind::kBool, ValueKind::kDuration})) {
      Error(distribute.argument->span, "type-mismatch",
            absl::StrCat("`", Piece(name), "()` needs a number, not ", Describe(info.type)));
    }
  }

  void CheckCaps(const std::vector<ast::Cap>& caps) {
    std::set<CapUnit> units;
    for (const ast::Cap& cap : caps) {
      if (cap.limit <= 0) {
        Error(cap.span, "invalid-cap", "a cap must allow at least one lead",
              "to keep a rule from assigning, remove the rule");
      }
      if (!units.insert(cap.unit).second) {
        Error(cap.span, "duplicate-cap",
              absl::StrCat("two caps per ", Piece(CapUnitName(cap.unit)), " in one rule"),
              "keep one limit per unit");
      }
    }
  }

  // Channels (known, each once) are the parser's check; their durations are checked here.
  void CheckFollowup(const std::vector<ast::FollowupStep>& steps) {
    for (const ast::FollowupStep& step : steps) {
      if (step.seconds <= 0) {
        Error(step.span, "invalid-duration", "a follow-up must be due after more than zero time");
      }
    }
  }

  void ReportUnused() {
    for (const std::string& name : let_order_) {
      const LetEntry& entry = lets_.at(name);
      if (!entry.used) {
        Warning(entry.decl->name_span, "unused-let", absl::StrCat("`", name, "` is never used"));
      }
    }
    for (const std::string& name : segment_order_) {
      const SegmentEntry& entry = segments_.at(name);
      if (entry.used) out_.used_segments.insert(entry.decl);
      if (!entry.used) {
        Warning(entry.decl->name_span, "unused-segment",
                absl::StrCat("segment `", name, "` is never used"));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  // A whole expression: checks it and then its depth (which counts the segments it uses).
  Info CheckTop(const ast::Expr& expr, Scope scope) {
    // Segments and lets are checked from inside other expressions: keep the outer flag.
    const bool outer_reported = std::exchange(depth_reported_, false);
    Info info = Check(expr, scope, 1);
    if (info.depth > options_.max_expression_depth && !depth_reported_) {
      ReportTooDeep(expr.span);
    }
    depth_reported_ = outer_reported;
    return info;
  }

  void ReportTooDeep(SourceSpan span) {
    depth_reported_ = true;
    Error(span, "too-deep",
          absl::StrCat("expression nests deeper than ", options_.max_expression_depth,
                       " levels (counting the segments it uses)"),
          "split it into segments, or simplify it");
  }

  Info CheckCondition(const ast::Expr& expr, Scope scope, std::string_view where) {
    Info info = CheckTop(expr, scope);
    if (!info.type.Allows({ValueKind::kBool})) {
      Error(
          expr.span, "type-mismatch",
          absl::StrCat(Piece(where), " needs a condition (true/false), not ", Describe(info.type)));
    }
    return info;
  }

  Info Check(const ast::Expr& expr, Scope scope, int nesting) {
    if (nesting > options_.max_expression_depth) {
      if (!depth_reported_) ReportTooDeep(expr.span);
      return ErrorInfo();
    }
    return std::visit(
        [&](const auto& node) -> Info { return CheckNode(expr, node, scope, nesting); }, expr.node);
  }

  Info CheckNode(const ast::Expr&, const ast::NullLiteral&, Scope, int) {
    Info info = InfoOf(Type::Of(ValueKind::kNull));
    info.constant = true;
    info.null_literal = true;
    return info;
  }
  Info CheckNode(const ast::Expr&, const ast::BoolLiteral&, Scope, int) {
    return Constant(Type::Of(ValueKind::kBool));
  }
  Info CheckNode(const ast::Expr&, const ast::NumberLiteral& n, Scope, int) {
    Info info = Constant(Type::Of(ValueKind::kNumber));
    info.number_constant = n.value;
    return info;
  }
  Info CheckNode(const ast::Expr&, const ast::StringLiteral& s, Scope, int) {
    Info info = Constant(Type::Of(ValueKind::kString));
    info.string_constant = s.value;
    return info;
  }
  Info CheckNode(const ast::Expr&, const ast::DurationLiteral&, Scope, int) {
    return Constant(Type::Of(ValueKind::kDuration));
  }

  static Info Constant(Type type) {
    Info info = InfoOf(type);
    info.constant = true;
    return info;
  }

  Info CheckNode(const ast::Expr&, const ast::ListLiteral& list, Scope scope, int nesting) {
    Info info = Constant(Type::ListOf(std::nullopt));
    // The kind every item has so far; `shared` turns false at an unknown or a different kind.
    ValueKind element = ValueKind::kNull;
    bool first = true;
    bool shared = true;
    for (const ast::ExprPtr& item : list.items) {
      if (!item) continue;
      const Info item_info = Check(*item, scope, nesting + 1);
      info.depth = std::max(info.depth, item_info.depth + 1);
      if (item_info.type.is_error()) continue;
      if (!item_info.constant) {
        Error(item->span, "list-not-constant",
              "list items must be constants (literals or `let` names)",
              "to test several fields, combine comparisons with `or`");
        info.type = Type::Error();
        continue;
      }
      if (!item_info.type.Allows(
              {ValueKind::kNumber, ValueKind::kString, ValueKind::kBool, ValueKind::kDuration})) {
        Error(item->span, "type-mismatch",
              absl::StrCat("a list holds numbers, strings, true/false or durations, not ",
                           Describe(item_info.type)));
        info.type = Type::Error();
        continue;
      }
      if (item_info.type.unknown()) {
        shared = false;
      } else if (first) {
        element = item_info.type.kind();
      } else if (element != item_info.type.kind()) {
        shared = false;
      }
      first = false;
    }
    if (info.type.is(ValueKind::kList) && !first && shared) info.type = Type::ListOf(element);
    return info;
  }

  Info CheckNode(const ast::Expr& expr, const ast::Name& name, Scope scope, int) {
    return ResolveName(expr, name.name, scope);
  }

  Info CheckNode(const ast::Expr& expr, const ast::FieldAccess& access, Scope scope, int) {
    RecordKind record;
    if (access.object == "lead") {
      record = RecordKind::kLead;
    } else if (access.object == "rep") {
      record = RecordKind::kRep;
    } else {
      Error(expr.span, "unknown-name", absl::StrCat("unknown object `", access.object, "`"),
            DidYouMean(Suggest(access.object, {"lead", "rep"})).empty()
                ? "only `lead.x` and `rep.x` exist"
                : DidYouMean(Suggest(access.object, {"lead", "rep"})));
      return ErrorInfo();
    }
    if (scope == Scope::kConstant) {
      Error(expr.span, "let-not-constant",
            absl::StrCat("a `let` must be a constant, but `", access.object, ".", access.field,
                         "` is a field"));
      return ErrorInfo();
    }
    if (record == RecordKind::kRep && scope == Scope::kLead) {
      Error(expr.span, "rep-field-in-when",
            absl::StrCat("`rep.", access.field,
                         "` reads the rep; use it in require, prefer or distribute"),
            "`when` and segments choose leads before any rep is considered");
      return ErrorInfo();
    }
    FieldTable& table = record == RecordKind::kLead ? out_.lead_fields : out_.rep_fields;
    if (!table.IsKnown(access.field)) {
      if (auto suggestion = Suggest(access.field, KnownFieldNames(record))) {
        Warning(access.field_span, "possible-typo",
                absl::StrCat("`", access.object, ".", access.field, "` is not a known ",
                             access.object, " field; it is read as a custom attribute"),
                DidYouMean(suggestion));
      }
    }
    return FieldInfoFor(expr, record, table.Intern(access.field), table);
  }

  Info FieldInfoFor(const ast::Expr& expr, RecordKind record, Slot slot, const FieldTable& table) {
    out_.names[&expr] = FieldRefTo(record, slot, table.field(slot).name);
    Info info = InfoOf(FieldTypeOf(table.field(slot).kind));
    info.reads_rep = record == RecordKind::kRep;
    return info;
  }

  Info ResolveName(const ast::Expr& expr, const std::string& name, Scope scope) {
    if (auto it = lets_.find(name); it != lets_.end()) {
      it->second.used = true;
      NameRef ref;
      ref.kind = NameRef::Kind::kLet;
      ref.let = it->second.decl;
      out_.names[&expr] = ref;
      Info info = CheckLet(it->second, expr.span);
      return info;
    }
    if (auto it = segments_.find(name); it != segments_.end()) {
      if (scope == Scope::kConstant) {
        Error(expr.span, "let-not-constant",
              absl::StrCat("a `let` must be a constant, but `", name, "` is a segment"));
        return ErrorInfo();
      }
      SegmentEntry& entry = it->second;
      entry.used = true;
      const int depth = CheckSegment(entry);
      if (depth == -1) {
        Error(expr.span, "definition-cycle",
              absl::StrCat("segment `", name, "` is defined in terms of itself"),
              absl::StrCat("see segment `", name, "` on line ", LineOf(entry.decl->name_span)));
        return ErrorInfo();
      }
      if (depth == -2) {
        Error(expr.span, "too-deep",
              absl::StrCat("segments refer to later segments more than ",
                           options_.max_definition_nesting, " levels deep"),
              "define segments before the ones that use them");
        return ErrorInfo();
      }
      if (entry.too_deep) return ErrorInfo();
      NameRef ref;
      ref.kind = NameRef::Kind::kSegment;
      ref.segment = entry.decl;
      out_.names[&expr] = ref;
      Info info = InfoOf(Type::Of(ValueKind::kBool));
      info.depth = depth + 1;
      return info;
    }
    const bool lead_field = out_.lead_fields.IsKnown(name);
    const bool rep_field = out_.rep_fields.IsKnown(name);
    switch (scope) {
      case Scope::kConstant:
        if (lead_field || rep_field) {
          Error(expr.span, "let-not-constant",
                absl::StrCat("a `let` must be a constant, but `", name, "` is a field"));
          return ErrorInfo();
        }
        Error(expr.span, "unknown-name", absl::StrCat("unknown name `", name, "`"),
              DidYouMean(Suggest(name, DefinitionNames())));
        return ErrorInfo();
      case Scope::kLead:
        if (lead_field) {
          return FieldInfoFor(expr, RecordKind::kLead, *out_.lead_fields.Find(name),
                              out_.lead_fields);
        }
        if (rep_field) {
          Error(
              expr.span, "rep-field-in-when",
              absl::StrCat("`", name, "` is a rep field; `when` and segments read the lead"),
              absl::StrCat("move it to require, prefer or distribute; for a lead attribute named `",
                           name, "` write `lead.", name, "`"));
          return ErrorInfo();
        }
        break;
      case Scope::kRep:
        if (rep_field) {
          return FieldInfoFor(expr, RecordKind::kRep, *out_.rep_fields.Find(name), out_.rep_fields);
        }
        if (lead_field) {
          return FieldInfoFor(expr, RecordKind::kLead, *out_.lead_fields.Find(name),
                              out_.lead_fields);
        }
        break;
    }
    // Not a definition and not a known field: a custom attribute, unless it looks like a typo.
    std::vector<std::string> candidates = DefinitionNames();
    const auto& lead_names = KnownFieldNames(RecordKind::kLead);
    candidates.insert(candidates.end(), lead_names.begin(), lead_names.end());
    if (scope == Scope::kRep) {
      const auto& rep_names = KnownFieldNames(RecordKind::kRep);
      candidates.insert(candidates.end(), rep_names.begin(), rep_names.end());
    }
    if (auto suggestion = Suggest(name, candidates)) {
      const std::string_view object = scope == Scope::kRep ? "rep" : "lead";
      Error(expr.span, "unknown-name", absl::StrCat("unknown name `", name, "`"),
            absl::StrCat("did you mean `", *suggestion, "`? (for a custom attribute named `", name,
                         "`, write `", Piece(object), ".", name, "`)"));
      return ErrorInfo();
    }
    const RecordKind record = scope == Scope::kRep ? RecordKind::kRep : RecordKind::kLead;
    FieldTable& table = record == RecordKind::kLead ? out_.lead_fields : out_.rep_fields;
    return FieldInfoFor(expr, record, table.Intern(name), table);
  }

  std::vector<std::string> DefinitionNames() const {
    std::vector<std::string> names = let_order_;
    names.insert(names.end(), segment_order_.begin(), segment_order_.end());
    return names;
  }

  Info CheckNode(const ast::Expr& expr, const ast::Call& call, Scope scope, int nesting) {
    const BuiltinInfo* builtin = FindBuiltin(call.function);
    if (builtin != nullptr && scope == Scope::kConstant && !builtin->pure) {
      Error(expr.span, "let-not-constant",
            absl::StrCat("a `let` must be a constant, but `", Piece(builtin->name), "()` reads ",
                         builtin->id == Builtin::kHoursSince ? "the time" : "a field"));
      return ErrorInfo();
    }
    // Check the arguments first so their own errors are reported whatever the call's fate.
    std::vector<Info> args;
    int depth = 1;
    if (builtin == nullptr || builtin->id != Builtin::kHas) {
      for (const ast::ExprPtr& arg : call.args) {
        if (!arg) continue;
        args.push_back(Check(*arg, scope, nesting + 1));
        depth = std::max(depth, args.back().depth + 1);
      }
    }
    if (builtin == nullptr) {
      std::string hint = DidYouMean(Suggest(call.function, kBuiltinNames));
      if (hint.empty()) hint = std::string(kFunctionsHint.view());
      Error(call.function_span, "unknown-function",
            absl::StrCat("unknown function `", call.function, "`"), std::move(hint));
      return ErrorInfo();
    }
    if (static_cast<int>(call.args.size()) != builtin->arity) {
      Error(expr.span, "wrong-arity",
            absl::StrCat("`", Piece(builtin->name), "()` takes ", builtin->arity, " argument, not ",
                         call.args.size()),
            std::string(builtin->signature));
      return ErrorInfo();
    }
    if (builtin->reads_rep && scope != Scope::kRep) {
      Error(expr.span, "rep-field-in-when",
            absl::StrCat("`", Piece(builtin->name),
                         "()` reads the rep; use it in require, prefer or distribute"));
      return ErrorInfo();
    }
    out_.calls[&expr] = builtin->id;
    if (builtin->id == Builtin::kHas) return CheckHas(*call.args[0], scope);
    const Info& arg = args.front();
    Info info;
    info.depth = depth;
    info.reads_rep = builtin->reads_rep || arg.reads_rep;
    info.constant = builtin->pure && arg.constant;
    const auto expect = [&](std::initializer_list<ValueKind> kinds, std::string_view what) {
      if (!arg.type.Allows(kinds)) {
        Error(call.args[0]->span, "type-mismatch",
              absl::StrCat("`", Piece(builtin->name), "()` needs ", Piece(what), ", not ",
                           Describe(arg.type)),
              std::string(builtin->signature));
      }
    };
    switch (builtin->id) {
      case Builtin::kLower:
        expect({ValueKind::kString}, "a string");
        info.type = Type::Of(ValueKind::kString);
        break;
      case Builtin::kLen:
        expect({ValueKind::kString, ValueKind::kList, ValueKind::kSkills}, "a string or a list");
        info.type = Type::Of(ValueKind::kNumber);
        break;
      case Builtin::kSkill:
        expect({ValueKind::kString}, "a skill name (a string)");
        info.type = Type::Of(ValueKind::kNumber);
        break;
      case Builtin::kTag:
        expect({ValueKind::kString}, "a tag name (a string)");
        info.type = Type::Of(ValueKind::kBool);
        break;
      case Builtin::kHoursSince:
        expect({ValueKind::kTimestamp}, "a timestamp");
        info.type = Type::Of(ValueKind::kNumber);
        break;
      case Builtin::kHas:
        break;
    }
    return info;
  }

  Info CheckHas(const ast::Expr& arg, Scope scope) {
    const bool is_name = std::holds_alternative<ast::Name>(arg.node) ||
                         std::holds_alternative<ast::FieldAccess>(arg.node);
    if (!is_name) {
      Error(arg.span, "type-mismatch", "`has()` takes a field name, e.g. `has(company)`");
      return ErrorInfo();
    }
    const Info arg_info = Check(arg, scope, 2);
    if (arg_info.type.is_error()) return ErrorInfo();
    const auto ref = out_.names.find(&arg);
    if (ref == out_.names.end() || ref->second.kind != NameRef::Kind::kField) {
      Error(arg.span, "type-mismatch",
            absl::StrCat(
                "`has()` takes a field name, but `", Piece(source_.Slice(arg.span)), "` is a ",
                ref != out_.names.end() && ref->second.kind == NameRef::Kind::kLet ? "constant"
                                                                                   : "segment"));
      return ErrorInfo();
    }
    Info info = InfoOf(Type::Of(ValueKind::kBool));
    info.depth = 2;
    info.reads_rep = arg_info.reads_rep;
    return info;
  }

  Info CheckNode(const ast::Expr&, const ast::Unary& unary, Scope scope, int nesting) {
    if (!unary.operand) return ErrorInfo();
    Info operand = Check(*unary.operand, scope, nesting + 1);
    Info info;
    info.depth = operand.depth + 1;
    info.constant = operand.constant;
    info.reads_rep = operand.reads_rep;
    if (unary.op == ast::UnaryOp::kNot) {
      if (!operand.type.Allows({ValueKind::kBool})) {
        Error(unary.operand->span, "type-mismatch",
              absl::StrCat("`not` needs a condition (true/false), not ", Describe(operand.type)));
        return ErrorInfo();
      }
      info.type = Type::Of(ValueKind::kBool);
    } else {
      if (!operand.type.Allows({ValueKind::kNumber, ValueKind::kDuration})) {
        Error(unary.operand->span, "type-mismatch",
              absl::StrCat("`-` needs a number or a duration, not ", Describe(operand.type)));
        return ErrorInfo();
      }
      info.type = operand.type.unknown() ? Type::Any() : operand.type;
      if (operand.number_constant) info.number_constant = -*operand.number_constant;
    }
    return info;
  }

  Info CheckNode(const ast::Expr& expr, const ast::Between& between, Scope scope, int nesting) {
    if (!between.value || !between.low || !between.high) return ErrorInfo();
    const Info value = Check(*between.value, scope, nesting + 1);
    const Info low = Check(*between.low, scope, nesting + 1);
    const Info high = Check(*between.high, scope, nesting + 1);
    Info info = InfoOf(Type::Of(ValueKind::kBool));
    info.depth = std::max({value.depth, low.depth, high.depth}) + 1;
    info.constant = value.constant && low.constant && high.constant;
    info.reads_rep = value.reads_rep || low.reads_rep || high.reads_rep;
    const std::initializer_list<ValueKind> ordered = {ValueKind::kNumber, ValueKind::kDuration,
                                                      ValueKind::kTimestamp};
    bool ok = true;
    for (const auto* part : {&value, &low, &high}) {
      if (part->null_literal) {
        Error(expr.span, "compare-with-null", "`between` with null is always false",
              "test presence with `has(x)`");
        return ErrorInfo();
      }
      if (!part->type.Allows(ordered)) ok = false;
    }
    if (!ok) {
      Error(expr.span, "type-mismatch",
            absl::StrCat("`between` needs numbers, durations or timestamps, not ",
                         Describe(!value.type.Allows(ordered) ? value.type
                                  : !low.type.Allows(ordered) ? low.type
                                                              : high.type)));
      return ErrorInfo();
    }
    if (!Comparable(value.type, low.type) || !Comparable(value.type, high.type) ||
        !Comparable(low.type, high.type)) {
      Error(expr.span, "type-mismatch",
            absl::StrCat("`between` compares ", Describe(value.type), " with ", Describe(low.type),
                         " and ", Describe(high.type)));
      return ErrorInfo();
    }
    if (low.number_constant && high.number_constant &&
        *low.number_constant > *high.number_constant) {
      Warning(expr.span, "empty-range",
              "the lower bound is above the upper bound, so this is always false",
              "`between` is inclusive: `x between low and high`");
    }
    return info;
  }

  Info CheckNode(const ast::Expr& expr, const ast::Binary& binary, Scope scope, int nesting) {
    if (!binary.lhs || !binary.rhs) return ErrorInfo();
    const Info lhs = Check(*binary.lhs, scope, nesting + 1);
    const Info rhs = Check(*binary.rhs, scope, nesting + 1);
    Info info;
    info.depth = std::max(lhs.depth, rhs.depth) + 1;
    info.constant = lhs.constant && rhs.constant;
    info.reads_rep = lhs.reads_rep || rhs.reads_rep;
    if (lhs.type.is_error() || rhs.type.is_error()) {
      info.type = Type::Error();
      return info;
    }
    const BinaryOp op = binary.op;
    if (op == BinaryOp::kAnd || op == BinaryOp::kOr) {
      for (const auto& [side, side_info] :
           {std::pair{binary.lhs.get(), &lhs}, std::pair{binary.rhs.get(), &rhs}}) {
        if (!side_info->type.Allows({ValueKind::kBool})) {
          Error(side->span, "type-mismatch",
                absl::StrCat(OpText(op), " needs conditions (true/false) on both sides, not ",
                             Describe(side_info->type)));
          return ErrorInfo();
        }
      }
      info.type = Type::Of(ValueKind::kBool);
      return info;
    }
    if ((IsComparison(op) || op == BinaryOp::kIn || op == BinaryOp::kNotIn ||
         op == BinaryOp::kContains) &&
        (lhs.null_literal || rhs.null_literal)) {
      Error(
          expr.span, "compare-with-null",
          absl::StrCat(OpText(op),
                       " with null is always false (a missing field compares false to everything)"),
          "test presence with `has(x)` or `not has(x)`");
      return ErrorInfo();
    }
    info.type = Type::Of(ValueKind::kBool);
    if (IsComparison(op)) {
      if (!Comparable(lhs.type, rhs.type)) {
        Error(expr.span, "type-mismatch",
              absl::StrCat("cannot compare ", Describe(lhs.type), " with ", Describe(rhs.type)),
              "a comparison of different kinds of value is always false");
        return ErrorInfo();
      }
      if (op != BinaryOp::kEqual && op != BinaryOp::kNotEqual) {
        const Type& known = lhs.type.unknown() ? rhs.type : lhs.type;
        if (!known.Allows({ValueKind::kNumber, ValueKind::kString, ValueKind::kDuration,
                           ValueKind::kTimestamp})) {
          Error(expr.span, "type-mismatch",
                absl::StrCat(OpText(op), " orders numbers, strings, durations or timestamps, not ",
                             Describe(known)));
          return ErrorInfo();
        }
      }
      return info;
    }
    switch (op) {
      case BinaryOp::kIn:
      case BinaryOp::kNotIn:
        if (!CheckMembership(expr, op, lhs, rhs)) return ErrorInfo();
        return info;
      case BinaryOp::kContains:
        if (!CheckMembership(expr, op, rhs, lhs)) return ErrorInfo();
        return info;
      case BinaryOp::kStartsWith:
      case BinaryOp::kEndsWith:
        if (!lhs.type.Allows({ValueKind::kString}) || !rhs.type.Allows({ValueKind::kString})) {
          Error(expr.span, "type-mismatch",
                absl::StrCat(OpText(op), " needs strings on both sides, not ", Describe(lhs.type),
                             " and ", Describe(rhs.type)));
          return ErrorInfo();
        }
        return info;
      case BinaryOp::kMatches:
        if (!CheckMatches(*binary.lhs, *binary.rhs, lhs, rhs)) return ErrorInfo();
        return info;
      default:
        break;
    }
    if (IsArithmetic(op)) return CheckArithmetic(expr, op, lhs, rhs, std::move(info));
    return info;
  }

  // `needle in haystack` (also `contains`, with the sides swapped by the caller).
  bool CheckMembership(const ast::Expr& expr, BinaryOp op, const Info& needle,
                       const Info& haystack) {
    const Type& h = haystack.type;
    if (!h.Allows({ValueKind::kList, ValueKind::kString, ValueKind::kSkills})) {
      Error(expr.span, "type-mismatch",
            op == BinaryOp::kContains
                ? absl::StrCat("`contains` needs a string or a list on its left, not ", Describe(h))
                : absl::StrCat(OpText(op), " needs a list or a string on its right, not ",
                               Describe(h)));
      return false;
    }
    const Type& n = needle.type;
    if (h.unknown() || n.unknown()) return true;
    bool ok = true;
    if (h.is(ValueKind::kString) || h.is(ValueKind::kSkills)) ok = n.is(ValueKind::kString);
    if (h.is(ValueKind::kList) && h.element()) ok = n.kind() == *h.element();
    if (!n.Allows({ValueKind::kNumber, ValueKind::kString, ValueKind::kBool, ValueKind::kDuration,
                   ValueKind::kTimestamp})) {
      ok = false;
    }
    if (!ok) {
      Error(expr.span, "type-mismatch",
            absl::StrCat(OpText(op), " looks for ", Describe(n), " in ", Describe(h)),
            "values of different kinds never match");
    }
    return ok;
  }

  bool CheckMatches(const ast::Expr& lhs_expr, const ast::Expr& rhs_expr, const Info& lhs,
                    const Info& rhs) {
    if (!lhs.type.Allows({ValueKind::kString})) {
      Error(lhs_expr.span, "type-mismatch",
            absl::StrCat("`matches` needs a string on its left, not ", Describe(lhs.type)));
      return false;
    }
    if (!rhs.constant || !rhs.type.Allows({ValueKind::kString})) {
      Error(rhs_expr.span, "regex-not-constant",
            "`matches` needs a constant string pattern (a literal or a `let`)",
            "patterns are compiled once, when the rules are compiled");
      return false;
    }
    if (rhs.string_constant) {
      RE2::Options re_options;
      re_options.set_log_errors(false);
      const RE2 regex(*rhs.string_constant, re_options);
      if (!regex.ok()) {
        Error(rhs_expr.span, "invalid-regex",
              absl::StrCat("invalid regular expression: ", regex.error()),
              "the pattern syntax is RE2's: https://github.com/google/re2/wiki/Syntax");
        return false;
      }
    }
    return true;
  }

  Info CheckArithmetic(const ast::Expr& expr, BinaryOp op, const Info& lhs, const Info& rhs,
                       Info info) {
    const Type& l = lhs.type;
    const Type& r = rhs.type;
    const auto mismatch = [&] {
      Error(expr.span, "type-mismatch",
            absl::StrCat(OpText(op), " cannot combine ", Describe(l), " and ", Describe(r)),
            "arithmetic works on numbers, and on durations and timestamps where it makes sense");
      return ErrorInfo();
    };
    const std::initializer_list<ValueKind> arithmetic = {ValueKind::kNumber, ValueKind::kDuration,
                                                         ValueKind::kTimestamp};
    if (!l.Allows(arithmetic) || !r.Allows(arithmetic)) return mismatch();
    if ((op == BinaryOp::kDivide || op == BinaryOp::kModulo) && rhs.number_constant &&
        *rhs.number_constant == 0) {
      Warning(expr.span, "division-by-zero",
              absl::StrCat(OpText(op), " by zero gives null, so anything using it is false"));
    }
    if (l.unknown() || r.unknown()) {
      info.type = Type::Any();
      return info;
    }
    using K = ValueKind;
    const K a = l.kind();
    const K b = r.kind();
    std::optional<K> result;
    switch (op) {
      case BinaryOp::kAdd:
        if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
        if (a == K::kDuration && b == K::kDuration) result = K::kDuration;
        if ((a == K::kTimestamp && b == K::kDuration) || (a == K::kDuration && b == K::kTimestamp))
          result = K::kTimestamp;
        break;
      case BinaryOp::kSubtract:
        if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
        if (a == K::kDuration && b == K::kDuration) result = K::kDuration;
        if (a == K::kTimestamp && b == K::kDuration) result = K::kTimestamp;
        if (a == K::kTimestamp && b == K::kTimestamp) result = K::kDuration;
        break;
      case BinaryOp::kMultiply:
        if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
        if ((a == K::kDuration && b == K::kNumber) || (a == K::kNumber && b == K::kDuration))
          result = K::kDuration;
        break;
      case BinaryOp::kDivide:
        if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
        if (a == K::kDuration && b == K::kNumber) result = K::kDuration;
        if (a == K::kDuration && b == K::kDuration) result = K::kNumber;
        break;
      case BinaryOp::kModulo:
        if (a == K::kNumber && b == K::kNumber) result = K::kNumber;
        if (a == K::kDuration && b == K::kDuration) result = K::kDuration;
        break;
      default:
        break;
    }
    if (!result) return mismatch();
    info.type = Type::Of(*result);
    return info;
  }

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

}  // namespace

CheckedFile Check(const ast::File& file, const SourceFile& source, const CheckOptions& options) {
  return Checker(source, options).Run(file);
}

}  // namespace leadrouter::dsl
