#include "dsl/decision/decide.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"
#include "dsl/decision/assignment_plan.h"
#include "dsl/decision/availability.h"
#include "dsl/decision/decision_strategy.h"
#include "dsl/decision/rule_eval.h"
#include "dsl/eval/eval.h"

namespace leadrouter::dsl {
namespace {

constexpr size_t kMaxTraceText = 256;

std::string CutText(std::string_view text) {
  if (text.size() <= kMaxTraceText) return std::string(text);
  size_t cut = kMaxTraceText - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return absl::StrCat(Piece(text.substr(0, cut)), "\xE2\x80\xA6");                  // "…"
}

// The rep's level in the rule's balance period (`over`; none: the rule's whole life).
double BalancedOf(const RuleRepCounters& c, std::optional<CapUnit> over) {
  if (!over) return c.balanced_total;
  switch (*over) {
    case CapUnit::kWeek:
      return c.balanced_week;
    case CapUnit::kMonth:
      return c.balanced_month;
    default:
      return c.balanced_day;
  }
}

// The band of `amount` under `by tier` thresholds (best first): the first threshold it reaches;
// -1 below all of them, or when the amount is missing.
int32_t BandOf(const std::vector<double>& tiers, std::optional<double> amount) {
  if (!amount) return -1;
  for (size_t b = 0; b < tiers.size(); ++b) {
    if (*amount >= tiers[b]) return static_cast<int32_t>(b);
  }
  return -1;
}

int64_t CapCount(const RuleRepCounters& c, CapUnit unit) {
  switch (unit) {
    case CapUnit::kDay:
      return c.assigned_day;
    case CapUnit::kWeek:
      return c.assigned_week;
    case CapUnit::kMonth:
      return c.assigned_month;
    case CapUnit::kOpen:
      return c.open;
  }
  return 0;
}

bool KeysEqual(const double* a, const double* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Lexicographic, higher first.
bool KeysBetter(const double* a, const double* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return false;
}

// The per-rep trace while filtering (explain only).
struct PendingRemoval {
  RemovalReason reason = RemovalReason::kNone;
  CapScope scope = CapScope::kUnspecified;
  uint16_t detail = 0;
  int64_t count = 0;
  std::string value;
};

}  // namespace

// One call of Decide: the inputs, the workspace, and the explanation being built.
class Decider {
 public:
  Decider(const Program& program, const Record& lead, const Roster& roster,
          const DecisionState& state, const DecisionTime& time, const PeriodCalendar& calendar,
          const DecideOptions& options, DecisionWorkspace& ws)
      : program_(program),
        lead_(lead),
        roster_(roster),
        state_(state),
        time_(time),
        options_(options),
        ws_(ws),
        periods_(ws.periods_.Locate(calendar, time.unix_seconds)) {}

  absl::StatusOr<Decision> Run();

 private:
  EvalContext Context(const Record* rep) const {
    return EvalContext{&lead_, rep, time_.unix_seconds, &ws_.scratch_};
  }
  void PrepareWorkspace();
  absl::Status LoadCandidates(size_t rule_index);
  // Filters, ranks and picks for one matching rule. True when it decided. The steps, in order:
  absl::StatusOr<bool> TryRule(const Rule& rule, size_t rule_index, RuleTrace* trace);
  void FilterByRep(const Rule& rule, size_t rule_index);
  bool RequireHolds(const Rule& rule, size_t rule_index, uint32_t rep);
  absl::Status FilterByRule(const Rule& rule, const std::string& rule_key);
  bool RuleCapReached(const Rule& rule, uint32_t i, const RuleRepCounters& c);
  void RankTieGroup(const Rule& rule, size_t rule_index);
  absl::Status PrepareStrategy(const Rule& rule, size_t rule_index, const std::string& rule_key);
  void RecordDecision(const Rule& rule, size_t rule_index, const std::string& rule_key,
                      uint32_t pick, const StrategyInputs& picked);
  void ExplainPick(const Rule& rule, size_t rule_index, RuleTrace& trace, uint32_t pick,
                   const StrategyInputs& picked);
  void NoteRemoval(uint32_t i, RemovalReason reason, CapScope scope, uint16_t detail,
                   int64_t count);
  void NoteRequireFailed(const Rule& rule, uint32_t i, const EvalContext& context);
  RuleRef MakeRuleRef(const Rule& rule, size_t rule_index) const;
  ExpressionTrace MakeExpressionTrace(const ExprNode& node, const EvalContext* context) const;
  void TraceRuleShape(const Rule& rule, RuleTrace& trace) const;
  void TraceCandidates(const Rule& rule, size_t rule_index, RuleTrace& trace,
                       const std::vector<uint32_t>& survivors, std::span<const uint32_t> ranked_tie,
                       std::optional<uint32_t> pick);
  std::vector<uint32_t> TieGroups(size_t key_count, size_t count) const;
  StrategyTrace MakeStrategyTrace(const Rule& rule, std::span<const uint32_t> ranked_tie,
                                  std::optional<uint32_t> pick) const;
  void StartExplanation();
  void FinishExplanation();

  const Program& program_;
  const Record& lead_;
  const Roster& roster_;
  const DecisionState& state_;
  const DecisionTime& time_;
  const DecideOptions& options_;
  DecisionWorkspace& ws_;
  const PeriodIds periods_;
  bool any_rule_matched_ = false;
  Decision decision_;
  std::vector<PendingRemoval> removals_;  // per roster index (explain only)
  std::span<StrategyInputs> inputs_;      // per tie-group member (in ws_.strategy_inputs_)
  StrategyContext strategy_context_;
  // balanced by tier: the lead's amount (the lead's alone, so evaluated once) and its band in the
  // deciding rule.
  std::optional<double> tiered_amount_;
  int32_t band_ = -1;
};

void Decider::PrepareWorkspace() {
  const size_t n = roster_.size();
  if (ws_.roster_generation_ != roster_.generation() || ws_.records_.size() != n) {
    ws_.records_.assign(roster_.reps().size(), Record());
    for (size_t i = 0; i < n; ++i) ws_.records_[i] = roster_.record(i);
    ws_.roster_generation_ = roster_.generation();
    ws_.rep_counters_.assign(n, RepCounters{});
    ws_.rep_counters_stamp_.assign(n, 0);
  }
  ++ws_.decision_stamp_;  // every index's counters are now unread
  ws_.excluded_.assign(n, 0);
  for (const std::string& id : options_.excluded_rep_ids) {
    if (const std::optional<size_t> i = roster_.Find(id)) ws_.excluded_[*i] = 1;
  }
  ws_.last_eligible_.clear();
  if (options_.explain) removals_.assign(n, PendingRemoval{});
}

// The candidates of rule `rule_index` (its team's members, or every rep) that are active and not
// excluded, into ws_.all_; then reads the counters of those not read yet in this decision, in one
// batch by roster position, and refreshes the counter fields of their records, which `require`
// and `prefer` may read.
absl::Status Decider::LoadCandidates(size_t rule_index) {
  std::vector<uint32_t>& all = ws_.all_;
  all.clear();
  ws_.to_load_.clear();
  const auto consider = [&](uint32_t i) {
    if (!roster_.active(i) || ws_.excluded_[i]) return;
    all.push_back(i);
    if (ws_.rep_counters_stamp_[i] != ws_.decision_stamp_) ws_.to_load_.push_back(i);
  };
  if (const std::vector<uint32_t>* members = roster_.team_members(rule_index)) {
    for (const uint32_t i : *members) consider(i);
  } else {
    const auto n = static_cast<uint32_t>(roster_.size());
    for (uint32_t i = 0; i < n; ++i) consider(i);
  }
  if (ws_.to_load_.empty()) return absl::OkStatus();
  ws_.loaded_.resize(ws_.to_load_.size());
  RETURN_IF_ERROR(state_.ReadRepCountersAt(roster_.id_list(), ws_.to_load_, periods_, ws_.loaded_));
  for (size_t k = 0; k < ws_.to_load_.size(); ++k) {
    const uint32_t i = ws_.to_load_[k];
    const RepCounters& c = ws_.loaded_[k];
    ws_.rep_counters_stamp_[i] = ws_.decision_stamp_;
    // rep_counters_[i] is what records_[i] holds (both zero after a rebind): most reps' counters
    // did not move since the last decision, and their record is already right.
    if (ws_.rep_counters_[i] == c) continue;
    const bool had_performance = ws_.rep_counters_[i].performance.has_value();
    ws_.rep_counters_[i] = c;
    Record& record = ws_.records_[i];
    record.SetNumber(rep_slot::kOpenLeads, static_cast<double>(c.open));
    record.SetNumber(rep_slot::kAssignedToday, static_cast<double>(c.assigned_day));
    record.SetNumber(rep_slot::kAssignedWeek, static_cast<double>(c.assigned_week));
    record.SetNumber(rep_slot::kAssignedMonth, static_cast<double>(c.assigned_month));
    record.SetNumber(rep_slot::kQualityToday, c.quality_day);
    if (c.performance) {
      record.SetNumber(rep_slot::kConversionRate, c.performance->conversion_rate);
      record.SetNumber(rep_slot::kMedianFirstContactHours,
                       c.performance->median_first_contact_hours);
      record.SetNumber(rep_slot::kSlaCompliance, c.performance->sla_compliance);
    } else if (had_performance) {
      // A state without figures after one with them: the roster's own values again.
      for (const Slot slot : {rep_slot::kConversionRate, rep_slot::kMedianFirstContactHours,
                              rep_slot::kSlaCompliance}) {
        const Value own = roster_.record(i).Get(slot);
        own.is_number() ? record.SetNumber(slot, own.number_value()) : record.SetNull(slot);
      }
    }
  }
  return absl::OkStatus();
}

RuleRef Decider::MakeRuleRef(const Rule& rule, size_t rule_index) const {
  RuleRef ref;
  ref.otherwise = rule_index == program_.rules().size();
  ref.name = ref.otherwise ? "otherwise" : (rule.named ? rule.label : "");
  ref.label = rule.label;
  ref.index = static_cast<int32_t>(rule_index + 1);
  ref.version = options_.rule_version;
  ref.range = rule.span;
  ref.start = roster_.Locate(rule.span.begin);
  return ref;
}

ExpressionTrace Decider::MakeExpressionTrace(const ExprNode& node,
                                             const EvalContext* context) const {
  ExpressionTrace trace;
  trace.range = node.span();
  trace.start = roster_.Locate(node.span().begin);
  trace.text = CutText(program_.Slice(node.span()));
  if (const ExprNode* subject = node.subject()) {
    trace.subject = CutText(program_.Slice(subject->span()));
    // Without a context (require, shown per rep) the value lives in each CandidateTrace.
    if (context != nullptr)
      trace.subject_value = CutText(FormatValue(Evaluate(*subject, *context)));
  }
  return trace;
}

void Decider::TraceRuleShape(const Rule& rule, RuleTrace& trace) const {
  for (const PreferKey& key : rule.prefer) trace.rank_key_labels.push_back(CutText(key.text));
  if (rule.require) {
    for (const ExprNode* conjunct : rule.require->conjuncts) {
      trace.require_conjuncts.push_back(MakeExpressionTrace(*conjunct, nullptr));
    }
  }
  for (const CapLimit& cap : rule.caps) {
    trace.caps.push_back(CapTrace{cap.limit, cap.unit, CapScope::kRule, cap.span});
  }
  trace.team = rule.team;
}

// The removal of roster index `i` from the current rule's candidates, for the explanation.
void Decider::NoteRemoval(uint32_t i, RemovalReason reason, CapScope scope, uint16_t detail,
                          int64_t count) {
  if (!options_.explain) return;
  PendingRemoval& r = removals_[i];
  r.reason = reason;
  r.scope = scope;
  r.detail = detail;
  r.count = count;
}

// Which conjunct of `require` failed for the rep of `context`, and the value its subject had.
void Decider::NoteRequireFailed(const Rule& rule, uint32_t i, const EvalContext& context) {
  if (!options_.explain) return;
  const auto& conjuncts = rule.require->conjuncts;
  uint16_t failed = 0;
  for (size_t k = 0; k < conjuncts.size(); ++k) {
    if (!Evaluate(*conjuncts[k], context).IsTrue()) {
      failed = static_cast<uint16_t>(k);
      break;
    }
  }
  NoteRemoval(i, RemovalReason::kRequireFailed, CapScope::kUnspecified, failed, 0);
  if (failed < conjuncts.size()) {
    if (const ExprNode* subject = conjuncts[failed]->subject()) {
      removals_[i].value = CutText(FormatValue(Evaluate(*subject, context)));
    }
  }
}

// Stage 1 of the filters, from ws_.all_ (status, exclusion and team already applied) into
// ws_.alive_: the rep's own caps, then require. The caps are compared on the roster's compact
// arrays; CapAvailability says why only for the reps they remove.
// The rule's `require` for roster index `rep`: the conjuncts that read only the rep's fixed fields
// were evaluated when the roster was bound; the others are evaluated now, in source order.
bool Decider::RequireHolds(const Rule& rule, size_t rule_index, uint32_t rep) {
  if (!rule.require) return true;
  if (!roster_.passes_fixed_require(rule_index, rep)) return false;
  const std::vector<const ExprNode*>& varying = roster_.varying_require(rule_index);
  if (varying.empty()) return true;
  const EvalContext context = Context(&ws_.records_[rep]);
  for (const ExprNode* conjunct : varying) {
    ws_.scratch_.Reset();
    if (!conjunct->Evaluate(context).IsTrue()) return false;
  }
  return true;
}

void Decider::FilterByRep(const Rule& rule, size_t rule_index) {
  std::vector<uint32_t>& alive = ws_.alive_;
  alive.clear();
  for (const uint32_t i : ws_.all_) {
    const RepCounters& counters = ws_.rep_counters_[i];
    if (counters.assigned_day >= roster_.daily_cap(i) || counters.open >= roster_.max_open(i)) {
      const Availability caps = CapAvailability(roster_.rep(i), counters);
      NoteRemoval(i, caps.reason, CapScope::kRep, caps.cap_detail, caps.count);
      continue;
    }
    if (!RequireHolds(rule, rule_index, i)) {
      NoteRequireFailed(rule, i, Context(&ws_.records_[i]));
      continue;
    }
    alive.push_back(i);
  }
}

// Stage 2 of the filters: the rule's caps, and for weighted(expr) a positive weight. Reads the
// rule's per-rep counters (ws_.rule_rep_counters_, for the strategy too) for the survivors only.
absl::Status Decider::FilterByRule(const Rule& rule, const std::string& rule_key) {
  std::vector<uint32_t>& alive = ws_.alive_;
  // Grown, never shrunk: the read fills every entry it is given, so no decision pays for
  // constructing entries that are overwritten at once.
  if (ws_.rule_rep_counters_.size() < alive.size()) ws_.rule_rep_counters_.resize(alive.size());
  if (!alive.empty()) {
    RETURN_IF_ERROR(
        state_.ReadRuleRepCountersAt(rule_key, roster_.id_list(), alive, periods_,
                                     std::span(ws_.rule_rep_counters_).first(alive.size())));
  }
  const bool weighted = rule.distribute.kind == StrategyKind::kWeighted;
  ws_.weights_.clear();
  size_t kept = 0;
  for (size_t k = 0; k < alive.size(); ++k) {
    const uint32_t i = alive[k];
    const RuleRepCounters& c = ws_.rule_rep_counters_[k];
    if (RuleCapReached(rule, i, c)) continue;
    double weight = 0;
    if (weighted) {
      const std::optional<double> w = StrategyInput(rule.distribute, Context(&ws_.records_[i]));
      if (!w || !(*w > 0)) {
        NoteRemoval(i, RemovalReason::kNoWeight, CapScope::kUnspecified, 0, 0);
        if (options_.explain) removals_[i].value = w ? FormatValue(Value::Number(*w)) : "null";
        continue;
      }
      weight = *w;
    }
    alive[kept] = i;
    ws_.rule_rep_counters_[kept] = c;
    if (weighted) ws_.weights_.push_back(weight);
    ++kept;
  }
  alive.resize(kept);
  return absl::OkStatus();
}

// True (with the removal noted) when roster index `i` has reached one of the rule's caps.
bool Decider::RuleCapReached(const Rule& rule, uint32_t i, const RuleRepCounters& c) {
  for (size_t cap_index = 0; cap_index < rule.caps.size(); ++cap_index) {
    const CapLimit& cap = rule.caps[cap_index];
    const int64_t count = CapCount(c, cap.unit);
    if (count >= cap.limit) {
      NoteRemoval(i, RemovalReason::kCapReached, CapScope::kRule, static_cast<uint16_t>(cap_index),
                  count);
      return true;
    }
  }
  return false;
}

// Ranking, into ws_.tie_: the positions in ws_.alive_ of the survivors with the best prefer keys
// (all of them without keys). Keeps every survivor's keys in ws_.rank_keys_ for the explanation.
void Decider::RankTieGroup(const Rule& rule, size_t rule_index) {
  const std::vector<uint32_t>& alive = ws_.alive_;
  const size_t key_count = rule.prefer.size();
  std::vector<uint32_t>& tie = ws_.tie_;
  tie.clear();
  if (key_count == 0) {
    for (uint32_t k = 0; k < alive.size(); ++k) tie.push_back(k);
    return;
  }
  ws_.rank_keys_.resize(alive.size() * key_count);
  // Keys that read only the rep's fixed fields come from the roster (evaluated at its Bind).
  for (size_t k = 0; k < alive.size(); ++k) {
    const uint32_t rep = alive[k];
    double* row = ws_.rank_keys_.data() + k * key_count;
    const EvalContext context = Context(&ws_.records_[rep]);
    for (size_t j = 0; j < key_count; ++j) {
      row[j] = roster_.rank_key_fixed(rule_index, j) ? roster_.fixed_rank_key(rule_index, rep, j)
                                                     : RankKey(rule.prefer[j], context);
    }
  }
  const double* keys = ws_.rank_keys_.data();
  size_t best = 0;
  for (size_t k = 1; k < alive.size(); ++k) {
    if (KeysBetter(keys + k * key_count, keys + best * key_count, key_count)) best = k;
  }
  for (uint32_t k = 0; k < alive.size(); ++k) {
    if (KeysEqual(keys + k * key_count, keys + best * key_count, key_count)) tie.push_back(k);
  }
}

// The strategy's context (strategy_context_) and one StrategyInputs per tie-group member
// (inputs_, in ws_.tie_ order).
absl::Status Decider::PrepareStrategy(const Rule& rule, size_t rule_index,
                                      const std::string& rule_key) {
  const StrategyKind kind = rule.distribute.kind;
  const bool weighted = kind == StrategyKind::kWeighted;
  const std::vector<uint32_t>& tie = ws_.tie_;
  strategy_context_ = StrategyContext{};
  strategy_context_.kind = kind;
  std::optional<uint64_t> sticky_key;
  if (kind == StrategyKind::kSticky) {
    sticky_key = StickyKey(rule.distribute, Context(nullptr));
    strategy_context_.sticky_has_key = sticky_key.has_value();
  }
  if (weighted) {
    RuleCounters rule_counters;
    RETURN_IF_ERROR(state_.ReadRuleCounters(rule_key, rule_counters));
    strategy_context_.virtual_time = rule_counters.weighted_virtual_time;
    for (const uint32_t k : tie) strategy_context_.total_weight += ws_.weights_[k];
  }
  const std::optional<CapUnit> balance_over = rule.distribute.balance_over;
  band_ = -1;
  if (kind == StrategyKind::kBalanced) {
    RuleCounters rule_counters;
    RETURN_IF_ERROR(state_.ReadRuleCounters(rule_key, rule_counters));
    strategy_context_.balanced_max_amount = rule_counters.balanced_max_amount;
    // The checker keeps a tiered amount to the lead's own values: it is the same for every rep.
    if (!rule.distribute.tiers.empty()) {
      tiered_amount_ = StrategyInput(rule.distribute, Context(nullptr));
      band_ = BandOf(rule.distribute.tiers, tiered_amount_);
    }
    strategy_context_.by_band = band_ >= 0;
  }
  const uint64_t rule_hash = roster_.rule_key_hash(rule_index);
  if (ws_.strategy_inputs_.size() < tie.size()) ws_.strategy_inputs_.resize(tie.size());
  inputs_ = std::span(ws_.strategy_inputs_).first(tie.size());
  for (size_t t = 0; t < tie.size(); ++t) {
    const uint32_t k = tie[t];
    const uint32_t i = ws_.alive_[k];
    const RuleRepCounters& c = ws_.rule_rep_counters_[k];
    StrategyInputs& in = inputs_[t];
    in.tie_hash = MixHash(roster_.id_hash(i), rule_hash);
    in.last_chosen_sequence = c.last_chosen_sequence;
    in.last_chosen_time = c.last_chosen_time;
    in.open = ws_.rep_counters_[i].open;
    in.balanced = BalancedOf(c, balance_over);
    // Counts kept for another `over` (the rule changed it) are not this rule's: zero.
    in.band_count =
        band_ >= 0 && c.bands_over == balance_over ? c.bands[static_cast<size_t>(band_)] : 0;
    in.weight = weighted ? ws_.weights_[k] : 0;
    in.weighted_pass = c.weighted_pass;
    in.rendezvous = sticky_key ? MixHash(*sticky_key, roster_.id_hash(i)) : 0;
    in.balanced_lift = 0;  // the workspace's entries carry the last decision's
    in.band_lift = 0;
  }
  if (kind == StrategyKind::kBalanced) RaiseLaggards(strategy_context_, inputs_);
  return absl::OkStatus();
}

// The decision for roster index `pick` and what committing it changes.
void Decider::RecordDecision(const Rule& rule, size_t rule_index, const std::string& rule_key,
                             uint32_t pick, const StrategyInputs& picked) {
  const StrategyKind kind = rule.distribute.kind;
  decision_.outcome =
      NeedsReview(rule, Context(nullptr)) ? Outcome::kPendingReview : Outcome::kAssigned;
  decision_.rep_id = roster_.rep(pick).id;
  decision_.rep_index = pick;
  decision_.rule_index = rule_index;
  decision_.rule_label = rule.label;
  decision_.rule_key = rule_key;
  const Value quality = lead_.Get(lead_slot::kQuality);
  StateDelta delta =
      AssignmentDelta(decision_.rep_id, rule_key, periods_,
                      quality.is_number() ? std::optional(quality.number_value()) : std::nullopt);
  if (kind == StrategyKind::kBalanced) {
    // The expression usually reads the lead only; evaluated with the picked rep in case it does
    // not.
    const std::optional<double> amount =
        rule.distribute.tiers.empty() ? StrategyInput(rule.distribute, Context(&ws_.records_[pick]))
                                      : tiered_amount_;
    delta.balanced = amount && std::isfinite(*amount) ? std::max(0.0, *amount) : 0;
    delta.balanced_lift = picked.balanced_lift;
    delta.band = band_;
    if (band_ >= 0) delta.band_over = rule.distribute.balance_over;
    delta.band_lift = picked.band_lift;
    if (delta.balanced > strategy_context_.balanced_max_amount) {
      delta.balanced_max_amount = delta.balanced;
    }
  }
  delta.last_chosen_sequence = time_.sequence;
  delta.last_chosen_time = time_.unix_seconds;
  if (kind == StrategyKind::kWeighted) {
    delta.weighted_pass = EffectivePass(strategy_context_, picked) + 1.0 / picked.weight;
    delta.weighted_virtual_time =
        strategy_context_.virtual_time + 1.0 / strategy_context_.total_weight;
  }
  decision_.delta = std::move(delta);
  ws_.last_eligible_.assign(ws_.alive_.begin(), ws_.alive_.end());
}

// The explanation of a rule that decided: every candidate, and the tie group in strategy order
// (the pick first).
void Decider::ExplainPick(const Rule& rule, size_t rule_index, RuleTrace& trace, uint32_t pick,
                          const StrategyInputs& picked) {
  const std::vector<uint32_t>& tie = ws_.tie_;
  trace.result = RuleResult::kDecided;
  trace.review = decision_.outcome == Outcome::kPendingReview;
  std::vector<uint32_t> order(tie.size());
  for (uint32_t t = 0; t < tie.size(); ++t) order[t] = t;
  if (options_.bound) {
    // Only the first members in strategy order are listed: those, as the stable sort below
    // would order them (equal ones by position).
    const size_t listed =
        std::min(tie.size(), std::max(options_.bound->tie_group, options_.bound->runners_up + 1));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(listed),
                      order.end(), [&](uint32_t a, uint32_t b) {
                        if (StrategyBefore(strategy_context_, inputs_[a], inputs_[b])) return true;
                        if (StrategyBefore(strategy_context_, inputs_[b], inputs_[a])) return false;
                        return a < b;
                      });
    order.resize(listed);
  } else {
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return StrategyBefore(strategy_context_, inputs_[a], inputs_[b]);
    });
  }
  std::vector<uint32_t> ranked_tie;
  ranked_tie.reserve(order.size());
  for (const uint32_t t : order) ranked_tie.push_back(ws_.alive_[tie[t]]);
  TraceCandidates(rule, rule_index, trace, ws_.alive_, ranked_tie, pick);
  StrategyTrace& s = *trace.strategy;
  s.reason = StrategyPickReason(strategy_context_, tie.size());
  s.pick_score = StrategyScore(strategy_context_, picked, time_.unix_seconds);
  if (rule.distribute.kind == StrategyKind::kRoundRobin || s.reason == PickReason::kStickyNoKey) {
    if (picked.last_chosen_sequence) {
      s.pick_last_chosen_time = picked.last_chosen_time;
    } else {
      s.pick_score.reset();
    }
  }
}

absl::StatusOr<bool> Decider::TryRule(const Rule& rule, size_t rule_index, RuleTrace* trace) {
  RETURN_IF_ERROR(LoadCandidates(rule_index));
  if (trace != nullptr) {
    TraceRuleShape(rule, *trace);
    for (PendingRemoval& r : removals_) r = PendingRemoval{};
  }
  const std::string& rule_key = roster_.rule_key(rule_index);
  FilterByRep(rule, rule_index);
  RETURN_IF_ERROR(FilterByRule(rule, rule_key));
  if (ws_.alive_.empty()) {
    if (trace != nullptr) {
      trace->result = RuleResult::kNoEligibleRep;
      TraceCandidates(rule, rule_index, *trace, ws_.alive_, {}, std::nullopt);
    }
    return false;
  }
  RankTieGroup(rule, rule_index);
  RETURN_IF_ERROR(PrepareStrategy(rule, rule_index, rule_key));
  const size_t pick_t = StrategyPick(strategy_context_, inputs_);
  const uint32_t pick = ws_.alive_[ws_.tie_[pick_t]];
  RecordDecision(rule, rule_index, rule_key, pick, inputs_[pick_t]);
  if (trace != nullptr) ExplainPick(rule, rule_index, *trace, pick, inputs_[pick_t]);
  return true;
}

void Decider::TraceCandidates(const Rule& rule, size_t rule_index, RuleTrace& trace,
                              const std::vector<uint32_t>& survivors,
                              std::span<const uint32_t> ranked_tie, std::optional<uint32_t> pick) {
  const size_t n = roster_.size();
  const size_t key_count = rule.prefer.size();
  // Position in `survivors` per roster index, for rank keys and tie groups.
  std::vector<int64_t> survivor_pos(n, -1);
  for (size_t k = 0; k < survivors.size(); ++k)
    survivor_pos[survivors[k]] = static_cast<int64_t>(k);

  const std::vector<uint32_t> group = TieGroups(key_count, survivors.size());
  std::vector<int64_t> tie_rank(n, -1);
  for (size_t t = 0; t < ranked_tie.size(); ++t) tie_rank[ranked_tie[t]] = static_cast<int64_t>(t);
  // Roster index -> index in inputs_ (which follows ws_.tie_ order), for strategy scores.
  std::vector<int64_t> tie_input(n, -1);
  if (!ranked_tie.empty()) {
    for (size_t t = 0; t < ws_.tie_.size(); ++t) {
      tie_input[survivors[ws_.tie_[t]]] = static_cast<int64_t>(t);
    }
  }

  // What each candidate became: its removal reason (kNone: it survived), and whether a filter of
  // the rule removed it (then removals_ says how).
  struct Fate {
    RemovalReason reason = RemovalReason::kNone;
    bool filtered = false;
  };
  const auto fate_of = [&](uint32_t i) {
    if (const Availability status = StatusAvailability(roster_.rep(i)); !status.available()) {
      return Fate{status.reason};
    }
    if (ws_.excluded_[i]) return Fate{RemovalReason::kExcluded};
    // Never visited: the team index skipped it.
    if (!roster_.in_team(rule_index, i)) return Fate{RemovalReason::kNotInTeam};
    if (survivor_pos[i] < 0) return Fate{removals_[i].reason, true};
    return Fate{};
  };
  constexpr size_t kReasons = static_cast<size_t>(RemovalReason::kNoWeight) + 1;
  std::array<uint32_t, kReasons> counts{};
  // Bounded: which roster indices the list keeps (the pick, its closest runners-up, the first
  // examples of each removal reason).
  std::vector<uint8_t> keep;
  if (options_.bound) {
    const ExplanationBound& bound = *options_.bound;
    keep.assign(n, 0);
    // The survivors in the order they came after the pick: the tie group as the strategy ranked
    // it, then the lower tie groups (roster order within a group).
    size_t ranked = 0;
    for (const uint32_t i : ranked_tie) {
      if (ranked++ > bound.runners_up) break;
      keep[i] = 1;
    }
    if (ranked <= bound.runners_up && survivors.size() > ranked_tie.size()) {
      std::vector<uint32_t> rest;
      for (size_t k = 0; k < survivors.size(); ++k) {
        if (tie_rank[survivors[k]] < 0) rest.push_back(static_cast<uint32_t>(k));
      }
      const size_t take = std::min(rest.size(), bound.runners_up + 1 - ranked);
      std::partial_sort(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(take), rest.end(),
                        [&](uint32_t a, uint32_t b) {
                          return group[a] != group[b] ? group[a] < group[b]
                                                      : survivors[a] < survivors[b];
                        });
      for (size_t r = 0; r < take; ++r) keep[survivors[rest[r]]] = 1;
    }
    if (pick) keep[*pick] = 1;
    for (uint32_t i = 0; i < n; ++i) {
      const RemovalReason reason = fate_of(i).reason;
      if (reason == RemovalReason::kNone) continue;
      if (counts[static_cast<size_t>(reason)]++ < bound.examples_per_reason) keep[i] = 1;
    }
    counts = {};
  } else {
    trace.candidates.reserve(std::min(n, options_.max_explained_candidates));
  }
  trace.candidate_count = static_cast<uint32_t>(n);
  for (uint32_t i = 0; i < n; ++i) {
    const Fate fate = fate_of(i);
    const RemovalReason reason = fate.reason;
    if (reason != RemovalReason::kNone) ++counts[static_cast<size_t>(reason)];
    if (options_.bound) {
      if (!keep[i]) {
        decision_.explanation.truncated = true;
        continue;
      }
    } else {
      const bool important = tie_rank[i] >= 0 || (pick && *pick == i);
      if (trace.candidates.size() >= options_.max_explained_candidates && !important) {
        decision_.explanation.truncated = true;
        continue;
      }
    }
    CandidateTrace c;
    c.rep = i;
    c.removed = reason;
    if (reason != RemovalReason::kNone) {
      if (fate.filtered) {
        PendingRemoval& r = removals_[i];
        c.cap_scope = r.scope;
        c.detail = r.detail;
        c.count = r.count;
        c.value = std::move(r.value);
      }
    } else {
      const auto k = static_cast<size_t>(survivor_pos[i]);
      c.tie_group = group[k];
      c.rank_offset = static_cast<uint32_t>(trace.rank_keys.size());
      for (size_t j = 0; j < key_count; ++j)
        trace.rank_keys.push_back(ws_.rank_keys_[k * key_count + j]);
      if (tie_input[i] >= 0) {
        const StrategyInputs& in = inputs_[static_cast<size_t>(tie_input[i])];
        const bool waits =
            strategy_context_.kind == StrategyKind::kRoundRobin ||
            (strategy_context_.kind == StrategyKind::kSticky && !strategy_context_.sticky_has_key);
        // Round robin's score is the wait; a rep never chosen has none (it waited longest).
        if (!waits || in.last_chosen_sequence) {
          c.strategy_score = StrategyScore(strategy_context_, in, time_.unix_seconds);
        }
      }
      c.picked = pick && *pick == i;
    }
    trace.candidates.push_back(std::move(c));
  }
  for (size_t r = 1; r < kReasons; ++r) {
    if (counts[r] > 0) {
      trace.removal_counts.push_back(
          RemovalCount{static_cast<RemovalReason>(r), static_cast<uint32_t>(counts[r])});
    }
  }

  if (!ranked_tie.empty()) trace.strategy = MakeStrategyTrace(rule, ranked_tie, pick);
}

StrategyTrace Decider::MakeStrategyTrace(const Rule& rule, std::span<const uint32_t> ranked_tie,
                                         std::optional<uint32_t> pick) const {
  StrategyTrace s;
  s.kind = rule.distribute.kind;
  s.implicit = rule.distribute.implicit;
  s.text = rule.distribute.implicit ? "round_robin" : CutText(rule.distribute.text);
  const size_t shown =
      options_.bound ? std::min(ranked_tie.size(), options_.bound->tie_group) : ranked_tie.size();
  s.tie_group.assign(ranked_tie.begin(), ranked_tie.begin() + static_cast<std::ptrdiff_t>(shown));
  s.tie_group_size = static_cast<uint32_t>(ws_.tie_.size());  // ranked_tie may list fewer
  s.pick = pick;
  s.score_label = StrategyScoreLabel(strategy_context_);
  if (ranked_tie.size() > 1) {
    s.tie_break = strategy_context_.kind == StrategyKind::kRoundRobin
                      ? "never chosen first, then hash(rep id, rule)"
                      : "waited longest (round robin), then hash(rep id, rule)";
  }
  return s;
}

// Tie groups of the `count` survivors (1 = the best prefer keys), by their rows of
// ws_.rank_keys_: distinct rows, best first.
std::vector<uint32_t> Decider::TieGroups(size_t key_count, size_t count) const {
  std::vector<uint32_t> group(count, 1);
  if (key_count == 0 || count == 0) return group;
  const double* keys = ws_.rank_keys_.data();
  std::vector<uint32_t> order(count);
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return KeysBetter(keys + a * key_count, keys + b * key_count, key_count);
  });
  uint32_t g = 1;
  for (size_t r = 0; r < order.size(); ++r) {
    if (r > 0 &&
        !KeysEqual(keys + order[r] * key_count, keys + order[r - 1] * key_count, key_count)) {
      ++g;
    }
    group[order[r]] = g;
  }
  return group;
}

absl::StatusOr<Decision> Decider::Run() {
  if (&roster_.program() != &program_) {
    return absl::FailedPreconditionError("the roster is bound to another program; rebind it");
  }
  PrepareWorkspace();
  decision_.rule_version = options_.rule_version;
  Explanation& ex = decision_.explanation;
  const bool explain = options_.explain;
  if (explain) StartExplanation();

  const EvalContext lead_context = Context(nullptr);
  const auto& rules = program_.rules();
  // Without an explanation, only the rules the lead can match are tried (the rule index leaves out
  // rules keyed on values the lead does not have: they could not match). An explanation lists every
  // rule with its first false conjunct, so then all are evaluated.
  std::vector<uint32_t>& to_try = ws_.rules_to_try_;
  if (explain) {
    to_try.resize(rules.size());
    for (uint32_t r = 0; r < rules.size(); ++r) to_try[r] = r;
  } else {
    program_.rule_index().RulesToTry(lead_, to_try);
  }
  for (const uint32_t r : to_try) {
    const Rule& rule = rules[r];
    RuleTrace* trace = nullptr;
    if (explain) {
      trace = &ex.rules.emplace_back();
      trace->rule = MakeRuleRef(rule, r);
    }
    if (!RuleMatches(rule, lead_context)) {
      if (trace != nullptr) {
        trace->result = RuleResult::kNotMatched;
        for (const ExprNode* conjunct : rule.when->conjuncts) {
          if (!Evaluate(*conjunct, lead_context).IsTrue()) {
            trace->when = MakeExpressionTrace(*conjunct, &lead_context);
            break;
          }
        }
      }
      continue;
    }
    any_rule_matched_ = true;
    ASSIGN_OR_RETURN(const bool decided, TryRule(rule, r, trace));
    if (decided) break;
  }

  if (!PicksRep(decision_.outcome)) {
    if (const Rule* fallback = program_.fallback()) {
      RuleTrace* trace = nullptr;
      if (explain) {
        trace = &ex.rules.emplace_back();
        trace->rule = MakeRuleRef(*fallback, rules.size());
      }
      ASSIGN_OR_RETURN(const bool decided, TryRule(*fallback, rules.size(), trace));
      if (!decided) decision_.unassigned_reason = UnassignedReason::kNoEligibleRep;
    } else if (program_.has_otherwise()) {
      decision_.unassigned_reason = UnassignedReason::kOtherwiseUnassigned;
      if (explain) {
        RuleTrace& trace = ex.rules.emplace_back();
        trace.rule.name = "otherwise";
        trace.rule.label = program_.otherwise_label();
        trace.rule.index = static_cast<int32_t>(rules.size() + 1);
        trace.rule.version = options_.rule_version;
        trace.rule.range = program_.otherwise_span();
        trace.rule.start = roster_.Locate(program_.otherwise_span().begin);
        trace.rule.otherwise = true;
        trace.result = RuleResult::kUnassigned;
      }
    } else {
      decision_.unassigned_reason =
          any_rule_matched_ ? UnassignedReason::kNoEligibleRep : UnassignedReason::kNoRuleMatched;
    }
  }

  if (explain) FinishExplanation();
  return std::move(decision_);
}

// The explanation's inputs: the lead, the rule version, the time, the roster, the exclusions.
void Decider::StartExplanation() {
  Explanation& ex = decision_.explanation;
  ex.lead = options_.lead_id;
  ex.rule_version = options_.rule_version;
  ex.rules_file = program_.source_name();
  ex.decide_time = time_.unix_seconds;
  ex.sequence = time_.sequence;
  // Bounded: only the reps the trace names, filled in at the end (FinishExplanation).
  if (!options_.bound) {
    ex.reps.reserve(roster_.size());
    for (const RepInfo& rep : roster_.reps()) {
      ex.reps.push_back(RepRef{rep.id, rep.name, rep.daily_cap, rep.max_open});
    }
  }
  for (const std::string& id : options_.excluded_rep_ids) ex.excluded_reps.push_back(id);
}

// The explanation's outcome, copied from the decision.
void Decider::FinishExplanation() {
  Explanation& ex = decision_.explanation;
  ex.outcome = decision_.outcome;
  ex.unassigned_reason = decision_.unassigned_reason;
  if (decision_.rep_index) ex.rep = static_cast<uint32_t>(*decision_.rep_index);
  if (options_.bound) {
    // The trace names roster indices: keep the reps it names, renumbered in roster order.
    std::vector<uint32_t> named;
    const auto name = [&](uint32_t i) { named.push_back(i); };
    if (ex.rep) name(*ex.rep);
    for (const RuleTrace& rule : ex.rules) {
      for (const CandidateTrace& c : rule.candidates) name(c.rep);
      if (rule.strategy) {
        for (const uint32_t i : rule.strategy->tie_group) name(i);
        if (rule.strategy->pick) name(*rule.strategy->pick);
      }
    }
    std::sort(named.begin(), named.end());
    named.erase(std::unique(named.begin(), named.end()), named.end());
    const auto renumber = [&](uint32_t& i) {
      i = static_cast<uint32_t>(std::lower_bound(named.begin(), named.end(), i) - named.begin());
    };
    if (ex.rep) renumber(*ex.rep);
    for (RuleTrace& rule : ex.rules) {
      for (CandidateTrace& c : rule.candidates) renumber(c.rep);
      if (rule.strategy) {
        for (uint32_t& i : rule.strategy->tie_group) renumber(i);
        if (rule.strategy->pick) renumber(*rule.strategy->pick);
      }
    }
    ex.reps.reserve(named.size());
    for (const uint32_t i : named) {
      const RepInfo& rep = roster_.rep(i);
      ex.reps.push_back(RepRef{rep.id, rep.name, rep.daily_cap, rep.max_open});
    }
  }
  if (decision_.rule_index) {
    for (const RuleTrace& trace : ex.rules) {
      if (trace.result == RuleResult::kDecided) ex.decided_by = trace.rule;
    }
  }
}

absl::StatusOr<Decision> Decide(const Program& program, const Record& lead, const Roster& roster,
                                const DecisionState& state, const DecisionTime& time,
                                const PeriodCalendar& calendar, const DecideOptions& options,
                                DecisionWorkspace& workspace) {
  Decider decider(program, lead, roster, state, time, calendar, options, workspace);
  return decider.Run();
}

}  // namespace leadrouter::dsl
