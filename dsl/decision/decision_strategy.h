// The `distribute` strategies: which rep of the tie group (the eligible reps with the best `prefer`
// keys) gets the lead. Pure functions over per-rep inputs that Decide gathers; no state of their
// own.
//
// Every strategy orders reps by its own measure, then by round-robin order, then by a stable hash,
// so a tie never favours the rep listed first, added first or named first:
// - round_robin: the rep this rule chose longest ago (lowest last-chosen sequence number); a rep
// the
//   rule never chose has waited longest; among never-chosen reps, the lowest hash(rep id, rule
//   key). Adding or removing a rep changes nobody else's turn; a returning rep is chosen once, then
//   queues behind everyone who has been chosen since.
// - least_loaded: fewest open leads (all rules).
// - balanced(expr): the lowest level, the sum of `expr` over the leads this rule gave the rep in
//   the balance period (`over day|week|month`; without `over`, the rule's whole life: the balance
//   never restarts). With `by tier [t1, t2, ...]` a lead whose amount is at least some threshold
//   belongs to the band of the highest such threshold, and goes to the rep with the fewest leads
//   of that band first, the lowest level second; a lead below every threshold is balanced by level
//   alone, which is what evens the sums out. So the count of the best leads stays even as well as
//   the sum. A rep far behind (new, back from time off, held back by a cap) is lifted to the back
//   of the pack, not left below it: its level to at least (highest level in the tie group) - 2 x
//   (largest amount the rule has balanced), its band count to at least (highest count) - 1; the
//   lift is kept when the rep is picked. Steady reps never lag that far (the level spread stays
//   under 2 amounts), so the lift changes nothing among them, and a newcomer is owed at most about
//   two leads instead of being flooded.
// - weighted(expr): smooth weighted round robin by a positive per-rep weight, in a virtual-time
//   form that changes one rep per decision: the rule keeps a virtual time V (advanced by 1/W per
//   decision, W the tie group's total weight) and each rep a pass S (advanced by 1/w when picked);
//   the pick maximises w * (V + 1/W - S), exactly nginx's smooth weighted round robin (weights
//   5,1,1 give a a b a c a a) while the tie group is stable. A rep never picked has S = 0, and
//   every rep's S is raised to at least V - 1/w, so a rep that joins late or returns from being
//   away catches up by at most one lead instead of being flooded.
// - sticky(expr): rendezvous hashing: the rep with the highest hash(key, rep id), so one key (an
//   account) stays with one rep, and removing a rep moves only its keys. A null key falls back to
//   round robin.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "dsl/decision/explanation.h"
#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

// What the strategies know about one member of the tie group.
struct StrategyInputs {
  uint64_t tie_hash = 0;  // MixHash(hash(rep id), hash(rule key))
  std::optional<uint64_t> last_chosen_sequence;
  int64_t last_chosen_time = 0;
  int64_t open = 0;
  // balanced: the level and, with a band, the count of that band's leads; RaiseLaggards lifts them.
  double balanced = 0;
  int64_t band_count = 0;
  double balanced_lift = 0;
  int64_t band_lift = 0;
  double weight = 0;  // weighted: > 0
  std::optional<double> weighted_pass;
  uint64_t rendezvous = 0;  // sticky with a key: MixHash(key, hash(rep id))
};

struct StrategyContext {
  StrategyKind kind = StrategyKind::kRoundRobin;
  bool sticky_has_key = false;
  // weighted: the rule's virtual time and the tie group's total weight.
  double virtual_time = 0;
  double total_weight = 0;
  // balanced: whether the lead has a band (its count decides first), and the largest amount the
  // rule has balanced (how far a rep may lag before it is lifted).
  bool by_band = false;
  double balanced_max_amount = 0;
};

// The weighted pass a rep effectively has (S clamped as described above).
double EffectivePass(const StrategyContext& context, const StrategyInputs& rep);

// balanced: lifts the members that lag the tie group by more than the strategy allows (above),
// recording each lift in the member's balanced_lift / band_lift.
void RaiseLaggards(const StrategyContext& context, std::span<StrategyInputs> members);

// True when `a` goes before `b`.
bool StrategyBefore(const StrategyContext& context, const StrategyInputs& a,
                    const StrategyInputs& b);

// Index into `members` of the pick; members must not be empty.
size_t StrategyPick(const StrategyContext& context, std::span<const StrategyInputs> members);

// The measure shown in explanations, its label, and why the pick won.
double StrategyScore(const StrategyContext& context, const StrategyInputs& rep, int64_t now);
const char* StrategyScoreLabel(const StrategyContext& context);
PickReason StrategyPickReason(const StrategyContext& context, size_t tie_group_size);

}  // namespace leadrouter::dsl
