// The checker's look at rules and their clauses: rule names, the rule limit, and each clause's
// arguments (conditions, prefer keys, the strategy's argument, caps, SLA and follow-up durations).
#include <set>

#include "absl/strings/str_cat.h"
#include "dsl/base/escalation_target.h"
#include "dsl/base/text_util.h"
#include "dsl/base/value.h"
#include "dsl/base/vocabulary.h"
#include "dsl/check/internal/checker_impl.h"

namespace leadrouter::dsl::checker {

void Checker::CheckRules(const ast::File& file) {
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

void Checker::CheckClauses(const std::vector<ast::Clause>& clauses) {
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
        CheckSla(clause.sla);
        break;
      case ast::ClauseKind::kFollowup:
        CheckFollowup(clause.followup);
        break;
      case ast::ClauseKind::kReview:
        // Decided before any rep is chosen, like `when`: a condition on the lead alone.
        if (clause.condition) CheckCondition(*clause.condition, Scope::kLead, "`review when`");
        break;
    }
  }
}

void Checker::CheckPreferKey(const ast::Expr& key) {
  const Info info = CheckTop(key, Scope::kRep);
  if (!info.type.Allows({ValueKind::kNumber, ValueKind::kBool, ValueKind::kDuration})) {
    Error(key.span, "type-mismatch",
          absl::StrCat("a `prefer` key must be a number or true/false, not ", Describe(info.type)),
          "reps are ranked by each key in turn, higher first");
  }
}

void Checker::CheckDistribute(const ast::Distribute& distribute) {
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
  if (!distribute.tiers.empty()) CheckBalanceTiers(distribute, info.reads_rep);
}

// The lead's band is known before a rep is chosen, so the amount must be the lead's alone; bands
// run from the best down, each threshold below the one before.
void Checker::CheckBalanceTiers(const ast::Distribute& distribute, bool amount_reads_rep) {
  if (amount_reads_rep) {
    Error(distribute.tiers_span, "tier-reads-rep",
          "`by tier` sorts the lead into a band before a rep is chosen, so the balanced amount "
          "must be a lead value",
          "bare names here are rep fields; write `lead.x` for the lead's field");
  }
  if (distribute.tiers.size() > kMaxBalanceTiers) {
    Error(distribute.tier_spans[kMaxBalanceTiers], "invalid-tiers",
          absl::StrCat("at most ", kMaxBalanceTiers, " tier thresholds"),
          "each threshold starts a band kept even by count; `by tier [80, 50]` makes three bands");
  }
  for (size_t i = 1; i < distribute.tiers.size(); ++i) {
    if (distribute.tiers[i] >= distribute.tiers[i - 1]) {
      Error(distribute.tier_spans[i], "invalid-tiers",
            absl::StrCat(
                "tier thresholds go from the best band down: ", FormatNumber(distribute.tiers[i]),
                " is not below ", FormatNumber(distribute.tiers[i - 1])),
            "`by tier [80, 50]`: 80 and above, then 50 to 80, then the rest");
    }
  }
}

void Checker::CheckCaps(const std::vector<ast::Cap>& caps) {
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

void Checker::CheckSla(const ast::Sla& sla) {
  if (sla.steps.size() > kMaxSlaSteps) {
    Error(sla.steps[kMaxSlaSteps].span, "too-many-sla-steps",
          absl::StrCat("an `sla` has at most ", kMaxSlaSteps, " steps"));
  }
  const ast::SlaStep* previous = nullptr;
  for (const ast::SlaStep& step : sla.steps) {
    if (!step.after.value.positive()) {
      Error(step.after.span, "invalid-duration", "an SLA must be longer than zero");
    } else if (previous != nullptr && !Comparable(previous->after.value, step.after.value)) {
      Error(step.after.span, "mixed-sla-time",
            absl::StrCat("`", step.after.text, "` and `", previous->after.text,
                         "` cannot be ordered without a schedule"),
            "write the steps of one `sla` all in wall-clock time (`4h`), all in working hours "
            "or minutes, or all in working days");
    } else if (previous != nullptr && step.after.value.amount <= previous->after.value.amount) {
      Error(step.after.span, "sla-steps-out-of-order",
            absl::StrCat("`", step.after.text, "` is not later than the step before it (`",
                         previous->after.text, "`)"),
            "the steps of an `sla` come in order: `sla 15m then notify, 1h then reassign`");
    }
    CheckSlaTarget(step);
    if (step.after.value.positive()) previous = &step;
  }
}

void Checker::CheckSlaTarget(const ast::SlaStep& step) {
  if (!step.target) return;
  if (step.action != SlaAction::kEscalate) {
    Error(step.target_span, "sla-target",
          absl::StrCat("`", Piece(SlaActionName(step.action)), "` takes no target"),
          "only `escalate` names whom: `escalate \"team:managers\"` or `escalate \"rep:r-1\"`");
    return;
  }
  if (const auto target = ParseEscalationTarget(*step.target); !target.ok()) {
    Error(step.target_span, "invalid-escalation-target", std::string(target.status().message()),
          "`escalate \"team:managers\"` or `escalate \"rep:r-1\"`; the server checks at run "
          "time that the team or rep exists");
  }
}

void Checker::CheckFollowup(const std::vector<ast::FollowupStep>& steps) {
  for (const ast::FollowupStep& step : steps) {
    if (!step.within.value.positive()) {
      Error(step.span, "invalid-duration", "a follow-up must be due after more than zero time");
    }
  }
}

}  // namespace leadrouter::dsl::checker
