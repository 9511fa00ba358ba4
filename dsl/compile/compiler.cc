#include "dsl/compile/compiler.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "dsl/base/text_util.h"
#include "dsl/check/checker.h"
#include "dsl/compile/internal/planner.h"
#include "dsl/syntax/parser.h"

namespace leadrouter::dsl {
namespace {

// Plans the rules of a file that checked without errors.
class RulePlanner {
 public:
  RulePlanner(const SourceFile& source, const CheckedFile& checked, ProgramParts& parts,
              std::vector<Diagnostic>& diagnostics)
      : source_(source),
        parts_(parts),
        diagnostics_(diagnostics),
        exprs_(source, checked, parts, diagnostics) {}

  void Run(const ast::File& file) {
    exprs_.PlanDefinitions(file);
    // Describes an earlier rule that takes every lead, after which no rule can assign.
    std::optional<std::string> takes_every_lead;
    for (const ast::Statement& statement : file.statements) {
      if (const auto* rule = std::get_if<ast::Rule>(&statement.node)) {
        Rule planned = PlanRule(statement.span, rule->name, rule->clauses, parts_.rules.size());
        if (takes_every_lead) {
          Warn(HeadSpan(statement.span, *rule), "unreachable-rule",
               absl::StrCat("this rule can never assign: ", *takes_every_lead,
                            " matches every lead and accepts every rep"),
               "give the earlier rule a `when`, `require`, `team` or `cap`, or move this one "
               "above it");
        } else if (planned.when && ExprPlanner::NeverTrue(*planned.when)) {
          Warn(planned.when->span, "never-matches",
               "this `when` is always false, so the rule never assigns");
        }
        if (!takes_every_lead && TakesEveryLead(planned)) takes_every_lead = Describe(planned);
        parts_.rules.push_back(std::move(planned));
      } else if (const auto* otherwise = std::get_if<ast::Otherwise>(&statement.node)) {
        if (parts_.has_otherwise) continue;  // a second one is an error the checker reported
        parts_.has_otherwise = true;
        parts_.otherwise_span = statement.span;
        parts_.otherwise_label = absl::StrCat("otherwise (line ", LineOf(statement.span), ")");
        if (!otherwise->unassigned) {
          fallback_ = std::make_pair(statement.span, &otherwise->clauses);
        }
      }
    }
    // Planned last so that its index is the number of rules.
    if (fallback_) {
      parts_.fallback =
          PlanRule(fallback_->first, std::nullopt, *fallback_->second, parts_.rules.size());
      parts_.fallback->label = parts_.otherwise_label;
    }
  }

 private:
  static std::string Describe(const Rule& rule) {
    return rule.named ? absl::StrCat("rule \"", rule.label, "\"") : rule.label;
  }

  static bool TakesEveryLead(const Rule& rule) {
    const bool matches_all = !rule.when || ExprPlanner::AlwaysTrue(*rule.when);
    return matches_all && !rule.require && !rule.team && rule.caps.empty();
  }

  // `rule "name"`, or the first clause keyword of an anonymous rule: where a rule-level warning
  // points, rather than at the whole multi-line statement.
  static SourceSpan HeadSpan(SourceSpan statement, const ast::Rule& rule) {
    if (rule.name) return SourceSpan{statement.begin, rule.name_span.end};
    if (!rule.clauses.empty()) return rule.clauses.front().keyword_span;
    return statement;
  }

  uint32_t LineOf(SourceSpan span) const { return source_.Locate(span.begin).line; }

  void Warn(SourceSpan span, std::string code, std::string message, std::string hint = {}) {
    diagnostics_.push_back(
        Diagnostic{Severity::kWarning, span, std::move(code), std::move(message), std::move(hint)});
  }

  Rule PlanRule(SourceSpan span, const std::optional<std::string>& name,
                const std::vector<ast::Clause>& clauses, size_t index) {
    Rule rule;
    rule.index = index;
    rule.span = span;
    rule.named = name.has_value();
    rule.label = name ? *name : absl::StrCat("rule #", index + 1, " (line ", LineOf(span), ")");
    for (const ast::Clause& clause : clauses) {
      switch (clause.kind) {
        case ast::ClauseKind::kWhen:
          if (clause.condition && !rule.when) rule.when = exprs_.PlanCondition(*clause.condition);
          break;
        case ast::ClauseKind::kTeam:
          rule.team = clause.team;
          rule.team_span = clause.span;
          break;
        case ast::ClauseKind::kRequire:
          if (clause.condition && !rule.require) {
            rule.require = exprs_.PlanCondition(*clause.condition);
          }
          break;
        case ast::ClauseKind::kPrefer:
          for (const ast::ExprPtr& key : clause.prefer_keys) {
            if (!key) continue;
            rule.prefer.push_back(
                PreferKey{key->span, std::string(source_.Slice(key->span)), exprs_.Plan(*key)});
          }
          break;
        case ast::ClauseKind::kDistribute: {
          const ast::Distribute& d = clause.distribute;
          rule.distribute.kind = d.kind;
          rule.distribute.implicit = false;
          rule.distribute.span = d.span;
          rule.distribute.text = std::string(source_.Slice(d.span));
          rule.distribute.argument = d.argument ? exprs_.Plan(*d.argument) : nullptr;
          rule.distribute.balance_over = d.over;
          rule.distribute.tiers = d.tiers;
          break;
        }
        case ast::ClauseKind::kCap:
          for (const ast::Cap& cap : clause.caps) {
            rule.caps.push_back(CapLimit{cap.span, cap.limit, cap.unit});
          }
          break;
        case ast::ClauseKind::kSla:
          rule.sla = PlanSla(clause.sla);
          break;
        case ast::ClauseKind::kFollowup:
          for (const ast::FollowupStep& step : clause.followup) {
            rule.followup.push_back(FollowupStep{step.span, step.channel, step.within.value});
          }
          break;
        case ast::ClauseKind::kReview:
          rule.review = ReviewPolicy{clause.span, std::nullopt};
          if (clause.condition) rule.review->when = exprs_.PlanCondition(*clause.condition);
          break;
      }
    }
    return rule;
  }

  // The checker accepted every target, so parsing one again cannot fail here.
  static SlaPolicy PlanSla(const ast::Sla& sla) {
    SlaPolicy policy{sla.span, {}};
    for (const ast::SlaStep& step : sla.steps) {
      SlaStep planned{step.span, step.after.value, step.action, {}};
      if (step.target) {
        if (absl::StatusOr<EscalationTarget> target = ParseEscalationTarget(*step.target);
            target.ok()) {
          planned.target = *std::move(target);
        }
      }
      policy.steps.push_back(std::move(planned));
    }
    return policy;
  }

  const SourceFile& source_;
  ProgramParts& parts_;
  std::vector<Diagnostic>& diagnostics_;
  ExprPlanner exprs_;
  std::optional<std::pair<SourceSpan, const std::vector<ast::Clause>*>> fallback_;
};

// Lists what the rules name in reps (Program::rep_references) from the checked syntax tree: the
// checker's side tables tell which names are rep fields and which calls are skill() and tag().
class RepReferenceCollector {
 public:
  using Kind = RepReference::Kind;

  RepReferenceCollector(const CheckedFile& checked, std::vector<RepReference>& out)
      : checked_(checked), out_(out) {}

  void Run(const ast::File& file) {
    for (const ast::Statement& statement : file.statements) {
      if (const auto* rule = std::get_if<ast::Rule>(&statement.node)) {
        Clauses(rule->clauses);
      } else if (const auto* otherwise = std::get_if<ast::Otherwise>(&statement.node)) {
        Clauses(otherwise->clauses);
      }
    }
    std::stable_sort(out_.begin(), out_.end(), [](const RepReference& a, const RepReference& b) {
      return a.span.begin < b.span.begin;
    });
  }

 private:
  void Clauses(const std::vector<ast::Clause>& clauses) {
    for (const ast::Clause& clause : clauses) {
      if (clause.kind == ast::ClauseKind::kTeam) {
        out_.push_back({Kind::kTeam, clause.team, clause.team_span});
      }
      if (clause.condition) Walk(*clause.condition);
      for (const ast::ExprPtr& key : clause.prefer_keys) {
        if (key) Walk(*key);
      }
      if (clause.distribute.argument) Walk(*clause.distribute.argument);
    }
  }

  // The checker bounded the depth of every expression, so this recursion is bounded too.
  void Walk(const ast::Expr& expr) {
    std::visit([&](const auto& node) { Visit(expr, node); }, expr.node);
  }

  void Visit(const ast::Expr& expr, const ast::Name&) { Field(expr, expr.span); }
  void Visit(const ast::Expr& expr, const ast::FieldAccess& access) {
    Field(expr, access.field_span);
  }
  void Visit(const ast::Expr& expr, const ast::Call& call) {
    const auto it = checked_.calls.find(&expr);
    if (it != checked_.calls.end() && call.args.size() == 1 && call.args[0]) {
      if (it->second == Builtin::kSkill) Literals(Kind::kSkill, *call.args[0]);
      if (it->second == Builtin::kTag) Literals(Kind::kTag, *call.args[0]);
    }
    for (const ast::ExprPtr& arg : call.args) {
      if (arg) Walk(*arg);
    }
  }
  void Visit(const ast::Expr&, const ast::Binary& binary) {
    if (!binary.lhs || !binary.rhs) return;
    switch (binary.op) {
      case ast::BinaryOp::kEqual:
      case ast::BinaryOp::kNotEqual:
        if (IsRepField(*binary.lhs, rep_slot::kTeam)) Literals(Kind::kTeam, *binary.rhs);
        if (IsRepField(*binary.rhs, rep_slot::kTeam)) Literals(Kind::kTeam, *binary.lhs);
        break;
      case ast::BinaryOp::kIn:
      case ast::BinaryOp::kNotIn:
        Membership(*binary.rhs, *binary.lhs);
        break;
      case ast::BinaryOp::kContains:
        Membership(*binary.lhs, *binary.rhs);
        break;
      default:
        break;
    }
    Walk(*binary.lhs);
    Walk(*binary.rhs);
  }
  void Visit(const ast::Expr&, const ast::Unary& unary) {
    if (unary.operand) Walk(*unary.operand);
  }
  void Visit(const ast::Expr&, const ast::Between& between) {
    for (const ast::ExprPtr* part : {&between.value, &between.low, &between.high}) {
      if (*part) Walk(**part);
    }
  }
  void Visit(const ast::Expr&, const ast::ListLiteral& list) {
    for (const ast::ExprPtr& item : list.items) {
      if (item) Walk(*item);
    }
  }
  template <typename Literal>
  void Visit(const ast::Expr&, const Literal&) {}

  // `member in collection`, `collection contains member`.
  void Membership(const ast::Expr& collection, const ast::Expr& member) {
    if (IsRepField(collection, rep_slot::kTags)) Literals(Kind::kTag, member);
    if (IsRepField(collection, rep_slot::kSkills)) Literals(Kind::kSkill, member);
    if (IsRepField(member, rep_slot::kTeam)) Literals(Kind::kTeam, collection);
  }

  // A string literal, or the string literals of a list literal.
  void Literals(Kind kind, const ast::Expr& expr) {
    if (const auto* string = std::get_if<ast::StringLiteral>(&expr.node)) {
      out_.push_back({kind, string->value, expr.span});
    } else if (const auto* list = std::get_if<ast::ListLiteral>(&expr.node)) {
      for (const ast::ExprPtr& item : list->items) {
        if (item) Literals(kind, *item);
      }
    }
  }

  const NameRef* RepField(const ast::Expr& expr) const {
    const auto it = checked_.names.find(&expr);
    if (it == checked_.names.end() || it->second.kind != NameRef::Kind::kField ||
        it->second.record != RecordKind::kRep) {
      return nullptr;
    }
    return &it->second;
  }
  bool IsRepField(const ast::Expr& expr, Slot slot) const {
    const NameRef* ref = RepField(expr);
    return ref != nullptr && ref->slot == slot;
  }
  void Field(const ast::Expr& expr, SourceSpan span) {
    if (const NameRef* ref = RepField(expr)) out_.push_back({Kind::kField, ref->field, span});
  }

  const CheckedFile& checked_;
  std::vector<RepReference>& out_;
};

}  // namespace

CompileResult Compile(const SourceFile& source, const CompileOptions& options) {
  CompileResult result;
  if (source.text().size() > options.max_source_bytes) {
    result.diagnostics.push_back(
        Diagnostic{Severity::kError, SourceSpan{0, 0}, "file-too-large",
                   absl::StrCat("the file has ", source.text().size(),
                                " bytes; a rule file may have at most ", options.max_source_bytes),
                   "split the rules, or raise CompileOptions::max_source_bytes"});
    return result;
  }
  ParseOptions parse_options;
  parse_options.max_nesting_depth = options.max_nesting_depth;
  parse_options.max_expression_depth = options.max_expression_depth;
  parse_options.extra_channels = options.extra_channels;
  ParseResult parsed = Parse(source, parse_options);
  result.diagnostics = std::move(parsed.diagnostics);
  const bool syntax_errors = HasErrors(result.diagnostics);

  CheckOptions check_options;
  check_options.max_expression_depth = options.max_expression_depth;
  check_options.max_rules = options.max_rules;
  check_options.partial = syntax_errors;
  CheckedFile checked = Check(parsed.file, source, check_options);
  for (Diagnostic& d : checked.diagnostics) result.diagnostics.push_back(std::move(d));

  if (!HasErrors(result.diagnostics)) {
    ProgramParts parts;
    parts.source_name = source.name();
    parts.source_text = source.text();
    parts.content_hash = StableHash(source.text());
    parts.lead_fields = checked.lead_fields;
    parts.rep_fields = checked.rep_fields;
    RulePlanner(source, checked, parts, result.diagnostics).Run(parsed.file);
    RepReferenceCollector(checked, parts.rep_references).Run(parsed.file);
    if (!HasErrors(result.diagnostics)) {
      result.program = std::make_shared<const Program>(std::move(parts));
    }
  }
  SortDiagnostics(result.diagnostics);
  return result;
}

absl::StatusOr<SlaPolicy> CompileSlaPolicy(std::string_view text) {
  if (text.find('\n') != std::string_view::npos) {
    return absl::InvalidArgumentError("an SLA is one line, e.g. \"24h then notify\"");
  }
  // The chain inside a rule of its own, so that it is read and checked exactly as a rule's.
  constexpr std::string_view kBefore = "rule \"default sla\"\n  when true\n  sla ";
  const SourceFile source("default-sla", absl::StrCat(Piece(kBefore), Piece(text), "\n"));
  const CompileResult result = Compile(source);
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.severity != Severity::kError) continue;
    const int64_t column =
        static_cast<int64_t>(diagnostic.span.begin) - static_cast<int64_t>(kBefore.size()) + 1;
    return absl::InvalidArgumentError(
        absl::StrCat("column ", std::max<int64_t>(column, 1), ": ", diagnostic.message));
  }
  if (result.program == nullptr || result.program->rules().empty() ||
      !result.program->rules().front().sla.has_value()) {
    return absl::InvalidArgumentError("expected an SLA, e.g. \"24h then notify\"");
  }
  return *result.program->rules().front().sla;
}

}  // namespace leadrouter::dsl
