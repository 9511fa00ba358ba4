#include "dsl/decision/roster.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/decision/rep_performance.h"
#include "dsl/decision/rule_eval.h"
#include "dsl/eval/eval_context.h"

namespace leadrouter::dsl {
namespace {

std::atomic<uint64_t> next_generation{1};

std::string Hex16(uint64_t v) { return absl::StrFormat("%016x", v); }

// The fields the decision owns: whatever a roster file says about them is replaced.
bool IsDecisionField(std::string_view name) {
  static constexpr std::string_view kOwned[] = {
      "id",         "name",           "team",          "status",         "available",
      "open_leads", "assigned_today", "assigned_week", "assigned_month", "quality_today",
      "daily_cap",  "max_open",
  };
  return std::find(std::begin(kOwned), std::end(kOwned), name) != std::end(kOwned);
}

}  // namespace

std::string_view RepStatusName(RepStatus status) {
  switch (status) {
    case RepStatus::kActive:
      return "active";
    case RepStatus::kAway:
      return "away";
    case RepStatus::kOff:
      return "off";
  }
  return "active";
}

std::optional<RepStatus> ParseRepStatus(std::string_view text) {
  if (text == "active") return RepStatus::kActive;
  if (text == "away") return RepStatus::kAway;
  if (text == "off") return RepStatus::kOff;
  return std::nullopt;
}

uint64_t MixHash(uint64_t a, uint64_t b) {
  uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::vector<Attribute> RepAttributes(const RepInfo& rep) {
  std::vector<Attribute> attributes;
  attributes.reserve(rep.attributes.size() + 15);
  for (const Attribute& a : rep.attributes) {
    if (!IsDecisionField(a.name)) attributes.push_back(a);
  }
  attributes.push_back({"id", rep.id});
  attributes.push_back({"name", rep.name.empty() ? rep.id : rep.name});
  if (!rep.team.empty()) attributes.push_back({"team", rep.team});
  attributes.push_back({"status", std::string(RepStatusName(rep.status))});
  attributes.push_back({"available", rep.status == RepStatus::kActive});
  if (rep.daily_cap) attributes.push_back({"daily_cap", static_cast<double>(*rep.daily_cap)});
  if (rep.max_open) attributes.push_back({"max_open", static_cast<double>(*rep.max_open)});
  for (const char* counter :
       {"open_leads", "assigned_today", "assigned_week", "assigned_month", "quality_today"}) {
    attributes.push_back({counter, 0.0});
  }
  // The performance fields: the rep's own value when the roster gives one (a dry run's file),
  // else the neutral figures; the server replaces them with its own at each decision.
  const auto has = [&](std::string_view name) {
    return std::any_of(rep.attributes.begin(), rep.attributes.end(),
                       [&](const Attribute& a) { return a.name == name; });
  };
  const std::pair<const char*, double> performance[] = {
      {"conversion_rate", kNeutralPerformance.conversion_rate},
      {"median_first_contact_hours", kNeutralPerformance.median_first_contact_hours},
      {"sla_compliance", kNeutralPerformance.sla_compliance}};
  for (const auto& [name, neutral] : performance) {
    if (!has(name)) attributes.push_back({name, neutral});
  }
  return attributes;
}

std::vector<std::string> RuleKeys(const Program& program) {
  std::vector<std::string> keys;
  keys.reserve(program.rules().size() + 1);
  for (const Rule& rule : program.rules()) {
    if (rule.named) {
      keys.push_back(rule.label);
      continue;
    }
    const std::string base = absl::StrCat("anon:", Hex16(StableHash(program.Slice(rule.span))));
    std::string key = base;
    for (int n = 2; std::find(keys.begin(), keys.end(), key) != keys.end(); ++n) {
      key = absl::StrCat(base, "#", n);
    }
    keys.push_back(std::move(key));
  }
  keys.push_back("otherwise");
  return keys;
}

absl::StatusOr<Roster> Roster::Bind(std::shared_ptr<const Program> program,
                                    std::vector<RepInfo> reps) {
  if (program == nullptr) return absl::InvalidArgumentError("no program to bind the roster to");
  std::sort(reps.begin(), reps.end(),
            [](const RepInfo& a, const RepInfo& b) { return a.id < b.id; });
  for (size_t i = 0; i < reps.size(); ++i) {
    const RepInfo& rep = reps[i];
    if (rep.id.empty()) return absl::InvalidArgumentError("a rep has an empty id");
    if (i > 0 && reps[i - 1].id == rep.id) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate rep id \"", rep.id, "\""));
    }
    if ((rep.daily_cap && *rep.daily_cap < 0) || (rep.max_open && *rep.max_open < 0)) {
      return absl::InvalidArgumentError(absl::StrCat("rep \"", rep.id, "\" has a negative cap"));
    }
  }

  Roster roster;
  roster.program_ = std::move(program);
  const Program& p = *roster.program_;
  roster.records_.reserve(reps.size());
  roster.id_hashes_.reserve(reps.size());
  for (RepInfo& rep : reps) {
    if (rep.name.empty()) rep.name = rep.id;
    roster.records_.push_back(p.BindRep(RepAttributes(rep)));
    roster.id_hashes_.push_back(StableHash(rep.id));
  }
  std::map<std::string_view, int32_t> team_index;  // team name -> index in team_members_
  for (uint32_t i = 0; i < reps.size(); ++i) {
    const RepInfo& rep = reps[i];
    roster.ids_.push_back(rep.id);
    roster.active_.push_back(rep.status == RepStatus::kActive ? 1 : 0);
    roster.daily_caps_.push_back(rep.daily_cap.value_or(kNoCap));
    roster.max_opens_.push_back(rep.max_open.value_or(kNoCap));
    int32_t team = kNoTeam;
    if (!rep.team.empty()) {
      const auto [it, added] =
          team_index.try_emplace(rep.team, static_cast<int32_t>(roster.team_members_.size()));
      if (added) roster.team_members_.emplace_back();
      team = it->second;
      roster.team_members_[static_cast<size_t>(team)].push_back(i);
    }
    roster.rep_team_.push_back(team);
  }
  const auto rule_team = [&](const Rule& rule) {
    if (!rule.team) return kNoTeam;
    const auto it = team_index.find(*rule.team);
    return it == team_index.end() ? kEmptyTeam : it->second;
  };
  for (const Rule& rule : p.rules()) roster.rule_team_.push_back(rule_team(rule));
  roster.rule_team_.push_back(p.fallback() != nullptr ? rule_team(*p.fallback()) : kNoTeam);
  roster.reps_ = std::move(reps);
  for (const Rule& rule : p.rules()) roster.rules_fixed_.push_back(roster.BindFixedParts(&rule));
  roster.rules_fixed_.push_back(roster.BindFixedParts(p.fallback()));
  roster.rule_keys_ = RuleKeys(p);
  for (const std::string& key : roster.rule_keys_) {
    roster.rule_key_hashes_.push_back(StableHash(key));
  }
  uint32_t source_end = 0;
  for (const Rule& rule : p.rules()) source_end = std::max(source_end, rule.span.end);
  if (const Rule* fallback = p.fallback()) source_end = std::max(source_end, fallback->span.end);
  source_end = std::max(source_end, p.otherwise_span().end);  // `otherwise unassigned` too
  const std::string_view text = p.Slice(SourceSpan{0, source_end});
  roster.line_starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') roster.line_starts_.push_back(i + 1);
  }
  roster.generation_ = next_generation.fetch_add(1, std::memory_order_relaxed);
  return roster;
}

namespace {

// Depends on the rep's fixed fields and constants alone.
bool ReadsFixedRepFieldsOnly(const ExprNode& node) {
  return (node.reads() & (reads::kLead | reads::kRepCounters | reads::kTime)) == 0;
}

}  // namespace

Roster::RuleFixed Roster::BindFixedParts(const Rule* rule) const {
  RuleFixed fixed;
  if (rule == nullptr) return fixed;
  ScratchBuffer scratch;
  const auto context = [&](size_t index) {
    EvalContext c;
    c.rep = &records_[index];
    c.scratch = &scratch;
    return c;
  };
  if (rule->require) {
    std::vector<const ExprNode*> fixed_conjuncts;
    for (const ExprNode* conjunct : rule->require->conjuncts) {
      (ReadsFixedRepFieldsOnly(*conjunct) ? fixed_conjuncts : fixed.varying_require)
          .push_back(conjunct);
    }
    if (!fixed_conjuncts.empty()) {
      fixed.require_passes.resize(records_.size());
      for (size_t i = 0; i < records_.size(); ++i) {
        const EvalContext c = context(i);
        fixed.require_passes[i] =
            std::all_of(fixed_conjuncts.begin(), fixed_conjuncts.end(), [&](const ExprNode* e) {
              scratch.Reset();
              return e->Evaluate(c).IsTrue();
            });
      }
    }
  }
  const size_t keys = rule->prefer.size();
  fixed.key_fixed.resize(keys);
  bool any_fixed_key = false;
  for (size_t k = 0; k < keys; ++k) {
    const ExprNode* expr = rule->prefer[k].expr.get();
    fixed.key_fixed[k] = expr != nullptr && ReadsFixedRepFieldsOnly(*expr);
    any_fixed_key = any_fixed_key || fixed.key_fixed[k];
  }
  if (any_fixed_key) {
    fixed.rank_keys.resize(records_.size() * keys);
    for (size_t i = 0; i < records_.size(); ++i) {
      const EvalContext c = context(i);
      for (size_t k = 0; k < keys; ++k) {
        if (fixed.key_fixed[k]) fixed.rank_keys[i * keys + k] = RankKey(rule->prefer[k], c);
      }
    }
  }
  return fixed;
}

LineColumn Roster::Locate(uint32_t offset) const {
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const size_t line = static_cast<size_t>(it - line_starts_.begin());  // >= 1: line_starts_[0] == 0
  return LineColumn{static_cast<uint32_t>(line), offset - line_starts_[line - 1] + 1};
}

const std::vector<uint32_t>* Roster::team_members(size_t rule_index) const {
  static const std::vector<uint32_t> kNobody;
  const int32_t team = rule_team_[rule_index];
  if (team == kNoTeam) return nullptr;
  if (team == kEmptyTeam) return &kNobody;
  return &team_members_[static_cast<size_t>(team)];
}

bool Roster::in_team(size_t rule_index, size_t index) const {
  const int32_t team = rule_team_[rule_index];
  return team == kNoTeam || (team >= 0 && rep_team_[index] == team);
}

std::optional<size_t> Roster::Find(std::string_view rep_id) const {
  const auto it = std::lower_bound(reps_.begin(), reps_.end(), rep_id,
                                   [](const RepInfo& r, std::string_view id) { return r.id < id; });
  if (it == reps_.end() || it->id != rep_id) return std::nullopt;
  return static_cast<size_t>(it - reps_.begin());
}

}  // namespace leadrouter::dsl
