// A compiled rule file: immutable, evaluated with `const` code only, shared across threads as a
// `std::shared_ptr<const Program>` (a published rule version is one such pointer, swapped
// atomically). Built only by Compile (dsl/compile/compiler.h); evaluated through
// dsl/decision/rule_eval.h.
//
// Everything the decision needs is here, in file order: per rule its label, compiled `when`, team,
// `require`, prefer keys, distribute strategy, caps, SLA chain, follow-up plan and review policy,
// each with the source
// span and text it came from so an explanation can quote the rule exactly.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/base/escalation_target.h"
#include "dsl/base/record.h"
#include "dsl/base/schema.h"
#include "dsl/base/source.h"
#include "dsl/base/value.h"
#include "dsl/base/work_duration.h"
#include "dsl/compile/rule_index.h"
#include "dsl/eval/eval_nodes.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

// A compiled boolean expression (`when`, `require`, a segment).
struct Condition {
  SourceSpan span;
  std::string text;  // the source text, e.g. `level >= 3 and available`
  ExprNodePtr root;
  // The operands of the top-level `and` chain, in source order (just `root` when it is not an
  // `and`), so an explanation can name the first one that failed.
  std::vector<const ExprNode*> conjuncts;
};

// One key of `prefer`: reps are ranked by the keys in order, higher first.
struct PreferKey {
  SourceSpan span;
  std::string text;  // `skill(industry)`, `-open_leads`
  ExprNodePtr expr;
};

struct Strategy {
  StrategyKind kind = StrategyKind::kRoundRobin;
  // True when the rule has no `distribute` clause (round_robin is the default).
  bool implicit = true;
  SourceSpan span;
  std::string text;
  // balanced(expr), weighted(expr), sticky(expr); null for round_robin and least_loaded.
  ExprNodePtr argument;
  // balanced: `over day|week|month`, the calendar period the balance restarts at; none: never.
  std::optional<CapUnit> balance_over;
  // balanced: `by tier [80, 50]`, band thresholds from the best band down (at most
  // kMaxBalanceTiers); empty: no bands.
  std::vector<double> tiers;
};

struct CapLimit {
  SourceSpan span;
  int64_t limit = 0;
  CapUnit unit = CapUnit::kDay;
};

// One timed step of a rule's SLA: `1h then reassign`, `4 working hours then escalate "team:x"`.
// The step is due `after` the assignment (counted in the owner's working time when `after` is
// working time: dsl/decision/working_time.h) unless a qualifying follow-up came first.
struct SlaStep {
  SourceSpan span;  // the step, from its duration to its action or target
  WorkDuration after;
  SlaAction action = SlaAction::kReassign;
  // For kEscalate: whom to hand the lead to (kDefault when the rule names nobody); kDefault for
  // the other actions.
  EscalationTarget target;
};

// A rule's `sla`: one step (`sla 4h then reassign`) or a chain
// (`sla 15m then notify, 1h then reassign, 4h then escalate "team:managers"`). The checker
// guarantees: 1 to kMaxSlaSteps steps, every `after` > 0 and of one kind (wall-clock, working
// hours/minutes, or working days), strictly increasing; only escalate steps carry a target.
struct SlaPolicy {
  SourceSpan span;
  std::vector<SlaStep> steps;
};

// One step of a rule's follow-up plan: a task on `channel`, due `within` after the assignment.
struct FollowupStep {
  SourceSpan span;
  // A built-in channel (phone, email, sms, wechat, social, im, visit) or one of
  // CompileOptions::extra_channels.
  std::string channel;
  WorkDuration within;
};

// A rule's `review` / `review when <condition>`: the proposed assignment waits for a manager's
// approval (pending review) instead of taking effect. `when` reads the lead only, like the rule's
// `when`; absent means every lead the rule assigns is reviewed.
struct ReviewPolicy {
  SourceSpan span;
  std::optional<Condition> when;
};

struct Rule {
  // Position in Program::rules() (file order); the otherwise rule has index rules().size().
  size_t index = 0;
  // The rule's name, or a generated label: `rule #2 (line 14)`, `otherwise (line 30)`.
  std::string label;
  bool named = false;
  SourceSpan span;
  // Absent: the rule matches every lead.
  std::optional<Condition> when;
  // Absent: reps of every team.
  std::optional<std::string> team;
  SourceSpan team_span;
  // Absent: every rep (that the decision considers available) passes.
  std::optional<Condition> require;
  std::vector<PreferKey> prefer;
  Strategy distribute;
  std::vector<CapLimit> caps;
  // Absent: the server's default SLA applies (docs/followup.md).
  std::optional<SlaPolicy> sla;
  std::vector<FollowupStep> followup;
  // Absent: assignments take effect at once.
  std::optional<ReviewPolicy> review;
};

// A name that the rules look up in reps, where the file writes it, for checking rules against a
// roster (dsl/decision/roster_lint.h). Only names written as literals are listed: `skill(industry)`
// names no skill, and `rep.team == TEAM` (a `let`) names no team.
struct RepReference {
  enum class Kind : uint8_t {
    kSkill,  // skill("x"), "x" in skills, skills contains "x"
    kTag,    // tag("x"), "x" in tags, tags contains "x"
    kTeam,   // team "x", rep.team == "x" (or !=), rep.team in ["x", "y"] (or not in)
    kField,  // a rep field the rules read: `level`, `rep.certified`, `has(rep.x)`
  };
  Kind kind = Kind::kField;
  // The skill, tag or team (the literal's value), or the field's name.
  std::string name;
  // The string literal, quotes included, or the field's name as written (`x` of `rep.x`).
  SourceSpan span;
};

struct CompiledSegment {
  std::string name;
  Condition condition;
};

// What the compiler hands to the Program's constructor.
struct ProgramParts {
  std::string source_name;
  std::string source_text;  // kept so explanations can quote any span
  uint64_t content_hash = 0;
  FieldTable lead_fields{RecordKind::kLead};
  FieldTable rep_fields{RecordKind::kRep};
  std::vector<Rule> rules;
  bool has_otherwise = false;
  std::optional<Rule> fallback;  // the `otherwise` clauses; absent for `otherwise unassigned`
  SourceSpan otherwise_span;     // where the `otherwise` statement is (also `otherwise unassigned`)
  std::string otherwise_label;   // `otherwise (line 30)`, the one label of the fallback
  std::vector<CompiledSegment> segments;
  std::vector<RepReference> rep_references;  // in source order
  // Storage behind constant Values (folded strings and lists). deque: elements never move.
  std::deque<std::string> string_pool;
  std::deque<std::vector<Value>> list_pool;
};

class Program {
 public:
  explicit Program(ProgramParts parts);
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  const std::string& source_name() const { return parts_.source_name; }
  // The source text of `span` (empty when out of range).
  std::string_view Slice(SourceSpan span) const;

  // The rules in file order. The first that matches a lead and finds an eligible rep wins; one that
  // matches but finds no eligible rep falls through to the next.
  const std::vector<Rule>& rules() const { return parts_.rules; }

  // The rules a lead can match, found by its field values without evaluating any rule
  // (dsl/compile/rule_index.h): a lead skips the rules keyed by `field == "x"` or `field in [...]`
  // on values it does not have.
  const RuleIndex& rule_index() const { return rule_index_; }

  // The `otherwise` clauses, run when no rule assigns; null when leads then stay unassigned
  // (`otherwise unassigned`, or no otherwise at all: see has_otherwise()).
  const Rule* fallback() const { return parts_.fallback ? &*parts_.fallback : nullptr; }
  bool has_otherwise() const { return parts_.has_otherwise; }
  // The `otherwise` statement's place and label, for explanations of either form.
  const SourceSpan& otherwise_span() const { return parts_.otherwise_span; }
  const std::string& otherwise_label() const { return parts_.otherwise_label; }

  // name -> slot tables for binding. Known fields have the slots of dsl/base/schema.h; custom
  // attributes this program reads follow them.
  const FieldTable& lead_fields() const { return parts_.lead_fields; }
  const FieldTable& rep_fields() const { return parts_.rep_fields; }

  // Records laid out for this program (every slot null), and binding from named attributes.
  Record NewLead() const { return Record(parts_.lead_fields.size()); }
  Record NewRep() const { return Record(parts_.rep_fields.size()); }
  Record BindLead(const std::vector<Attribute>& attributes) const {
    return BindRecord(parts_.lead_fields, attributes);
  }
  Record BindRep(const std::vector<Attribute>& attributes) const {
    return BindRecord(parts_.rep_fields, attributes);
  }

  const std::vector<CompiledSegment>& segments() const { return parts_.segments; }

  // Every skill, tag and team the rules name as a literal, and every rep field they read, in
  // source order (once per occurrence). Not needed to evaluate: for dsl/decision/roster_lint.h.
  const std::vector<RepReference>& rep_references() const { return parts_.rep_references; }
  // Whether the rules read a rep performance field (IsRepPerformanceSlot): computing the figures
  // costs a pass over the window's outcomes, which a decision of other rules does not need.
  bool reads_rep_performance() const { return reads_rep_performance_; }

  // A hash of the source text (64-bit FNV-1a; identifies a version, not a security measure).
  uint64_t content_hash() const { return parts_.content_hash; }
  std::string content_hash_hex() const;

  // A canonical text of what the program does, independent of layout, comments, `let` names and
  // source positions: two sources with the same dump behave the same. For tests and `leadctl`.
  std::string Dump() const;

 private:
  ProgramParts parts_;
  RuleIndex rule_index_;
  bool reads_rep_performance_ = false;
};

}  // namespace leadrouter::dsl
