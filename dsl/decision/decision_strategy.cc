#include "dsl/decision/decision_strategy.h"

#include <algorithm>
#include <cmath>

namespace leadrouter::dsl {
namespace {

// Round-robin order: never chosen first (by tie hash), then the oldest last choice.
bool RoundRobinBefore(const StrategyInputs& a, const StrategyInputs& b) {
  if (a.last_chosen_sequence.has_value() != b.last_chosen_sequence.has_value()) {
    return !a.last_chosen_sequence.has_value();
  }
  if (a.last_chosen_sequence && *a.last_chosen_sequence != *b.last_chosen_sequence) {
    return *a.last_chosen_sequence < *b.last_chosen_sequence;
  }
  return a.tie_hash < b.tie_hash;
}

double WeightedLag(const StrategyContext& context, const StrategyInputs& rep) {
  return rep.weight *
         (context.virtual_time + 1.0 / context.total_weight - EffectivePass(context, rep));
}

// Floating sums of 1/W and 1/w are not exact: lags this close are a tie.
bool NearlyEqual(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

}  // namespace

double EffectivePass(const StrategyContext& context, const StrategyInputs& rep) {
  // Never picked: the rule's origin, 0. The floor bounds the credit of a rep that joined late or
  // was away to one pick, so it is not flooded.
  return std::max(rep.weighted_pass.value_or(0.0), context.virtual_time - 1.0 / rep.weight);
}

void RaiseLaggards(const StrategyContext& context, std::span<StrategyInputs> members) {
  double top_level = 0;
  int64_t top_count = 0;
  for (const StrategyInputs& m : members) {
    top_level = std::max(top_level, m.balanced);
    top_count = std::max(top_count, m.band_count);
  }
  const double level_floor = top_level - 2 * context.balanced_max_amount;
  const int64_t count_floor = top_count - 1;
  for (StrategyInputs& m : members) {
    // No amount balanced yet (a rule that never decided): nothing to lag behind.
    if (context.balanced_max_amount > 0 && m.balanced < level_floor) {
      m.balanced_lift = level_floor - m.balanced;
      m.balanced = level_floor;
    }
    if (context.by_band && m.band_count < count_floor) {
      m.band_lift = count_floor - m.band_count;
      m.band_count = count_floor;
    }
  }
}

bool StrategyBefore(const StrategyContext& context, const StrategyInputs& a,
                    const StrategyInputs& b) {
  switch (context.kind) {
    case StrategyKind::kRoundRobin:
      break;
    case StrategyKind::kLeastLoaded:
      if (a.open != b.open) return a.open < b.open;
      break;
    case StrategyKind::kBalanced:
      if (context.by_band && a.band_count != b.band_count) return a.band_count < b.band_count;
      if (!NearlyEqual(a.balanced, b.balanced)) return a.balanced < b.balanced;
      break;
    case StrategyKind::kWeighted: {
      const double lag_a = WeightedLag(context, a);
      const double lag_b = WeightedLag(context, b);
      if (!NearlyEqual(lag_a, lag_b)) return lag_a > lag_b;
      break;
    }
    case StrategyKind::kSticky:
      if (context.sticky_has_key && a.rendezvous != b.rendezvous) {
        return a.rendezvous > b.rendezvous;
      }
      break;
  }
  return RoundRobinBefore(a, b);
}

size_t StrategyPick(const StrategyContext& context, std::span<const StrategyInputs> members) {
  size_t best = 0;
  for (size_t i = 1; i < members.size(); ++i) {
    if (StrategyBefore(context, members[i], members[best])) best = i;
  }
  return best;
}

double StrategyScore(const StrategyContext& context, const StrategyInputs& rep, int64_t now) {
  switch (context.kind) {
    case StrategyKind::kLeastLoaded:
      return static_cast<double>(rep.open);
    case StrategyKind::kBalanced:
      return rep.balanced;
    case StrategyKind::kWeighted:
      return rep.weight;
    case StrategyKind::kSticky:
      if (context.sticky_has_key) {
        return static_cast<double>(rep.rendezvous >> 11) / 9007199254740992.0;  // [0, 1)
      }
      [[fallthrough]];
    case StrategyKind::kRoundRobin:
      break;
  }
  return rep.last_chosen_sequence ? static_cast<double>(now - rep.last_chosen_time) : 0;
}

const char* StrategyScoreLabel(const StrategyContext& context) {
  switch (context.kind) {
    case StrategyKind::kLeastLoaded:
      return "open leads";
    case StrategyKind::kBalanced:
      return "amount received in the balance period";
    case StrategyKind::kWeighted:
      return "weight";
    case StrategyKind::kSticky:
      if (context.sticky_has_key) return "rendezvous score";
      [[fallthrough]];
    case StrategyKind::kRoundRobin:
      break;
  }
  return "seconds waited (unset: never chosen by this rule)";
}

PickReason StrategyPickReason(const StrategyContext& context, size_t tie_group_size) {
  if (tie_group_size == 1) return PickReason::kOnlyCandidate;
  switch (context.kind) {
    case StrategyKind::kLeastLoaded:
      return PickReason::kLeastLoaded;
    case StrategyKind::kBalanced:
      return PickReason::kBalanced;
    case StrategyKind::kWeighted:
      return PickReason::kWeighted;
    case StrategyKind::kSticky:
      return context.sticky_has_key ? PickReason::kSticky : PickReason::kStickyNoKey;
    case StrategyKind::kRoundRobin:
      break;
  }
  return PickReason::kWaitedLongest;
}

}  // namespace leadrouter::dsl
