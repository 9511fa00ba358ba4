// The counters a decision reads (DecisionState) and the change that committing it implies
// (StateDelta). dsl/decision/decide.h reads the first and returns the second; the in-memory
// implementation (dsl/decision/in_memory_decision_state.h) serves dry runs and tests, and the
// storage layer implements the same contract over RocksDB, applying a StateDelta inside the
// WriteBatch that records the assignment.
//
// Keys. Reps are identified by their id (RepInfo::id). Rules by a rule key (RuleKey() in
// dsl/decision/roster.h): the name of a named rule, "otherwise" for the fallback, and for an
// anonymous rule "anon:" + a hash of its source text, so counters survive edits elsewhere in the
// file (name a rule to keep its counters across edits of the rule itself).
//
// Periods. Calendar counters (assigned per day / week / month, balanced sums) are kept together
// with the id of the period they count (PeriodIds, computed in the configured time zone by
// dsl/decision/periods.h). A read for a period other than the stored one sees 0: counters reset by
// themselves when a new day, week or month begins, with no job to run at midnight.
//
// Thread safety and atomicity: a decision is read-check-write. To keep caps exact under concurrent
// decisions, the caller must make "read the counters, Decide, apply the delta" atomic for the reps
// and rules involved (the server serialises decisions; storage applies the delta in one batch).
// Readers of an implementation may be called concurrently with each other, never with Apply.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dsl/base/vocabulary.h"
#include "dsl/decision/rep_performance.h"

namespace leadrouter::dsl {

// The calendar periods one instant falls in, in the configured time zone (dsl/decision/periods.h).
struct PeriodIds {
  // Local civil date as days since 1970-01-01.
  int64_t day = 0;
  // The `day` of the Monday that starts the ISO week (weeks run Monday to Sunday).
  int64_t week = 0;
  // year * 12 + (month - 1).
  int64_t month = 0;

  friend bool operator==(const PeriodIds&, const PeriodIds&) = default;
};

// One rep's counters across every rule.
struct RepCounters {
  // Leads received in the current day / week / month (what `assigned_today` etc. read and what the
  // rep's own `daily_cap` limits).
  int64_t assigned_day = 0;
  int64_t assigned_week = 0;
  int64_t assigned_month = 0;
  // Leads the rep owns that are still open (`open_leads`, the rep's `max_open`, least_loaded).
  int64_t open = 0;
  // Sum of the quality of leads received today; a lead without quality counts 0 (`quality_today`).
  double quality_day = 0;
  // The rep's performance figures when the state knows them (WithPerformance,
  // dsl/decision/performance_state.h); unset: the roster's own values stand.
  std::optional<RepPerformance> performance = std::nullopt;

  friend bool operator==(const RepCounters&, const RepCounters&) = default;
};

// Leads per band of `by tier`, best band first.
using BandCounts = std::array<int32_t, kMaxBalanceTiers>;

// The id of the period `over` names among `periods`; 0 for the rule's whole life (`over` unset).
int64_t BalancePeriodId(const PeriodIds& periods, std::optional<CapUnit> over);

// One rep's counters within one rule.
struct RuleRepCounters {
  // Leads this rule gave the rep in the current day / week / month (`cap N/day|week|month`).
  int64_t assigned_day = 0;
  int64_t assigned_week = 0;
  int64_t assigned_month = 0;
  // Open leads the rep received from this rule (`cap N open`).
  int64_t open = 0;
  // balanced(expr): the rep's balance level in this rule, per period and over the rule's whole
  // life (`total`, never reset): the sum of `expr` over the leads the rule gave the rep, plus the
  // lifts that kept a newcomer or returning rep from being flooded
  // (dsl/decision/decision_strategy.h).
  double balanced_day = 0;
  double balanced_week = 0;
  double balanced_month = 0;
  double balanced_total = 0;
  // `balanced(expr) by tier [...]`: leads per band (band b: the lead's amount reaches the b-th
  // threshold and not the one before), with lifts, counted over one balance period: `bands_over`
  // (the rule's `over`; unset: its whole life). Zeros when that period is over.
  BandCounts bands{};
  std::optional<CapUnit> bands_over;
  // The decision sequence number and time of the last lead this rule gave the rep (round robin);
  // nullopt when the rule never chose the rep. Not reset by periods.
  std::optional<uint64_t> last_chosen_sequence;
  int64_t last_chosen_time = 0;  // seconds since the Unix epoch; meaningful with the sequence
  // weighted(expr): the rep's virtual pass (see dsl/decision/decision_strategy.h); nullopt when
  // never set.
  std::optional<double> weighted_pass;
};

// One rule's own counters.
struct RuleCounters {
  // weighted(expr): the rule's virtual time, advanced by 1 / (sum of weights) per decision.
  double weighted_virtual_time = 0;
  // balanced(expr): the largest amount the rule has balanced (how far a rep's level may lag).
  double balanced_max_amount = 0;
};

// Rep ids that stay the same over many decisions, named by a process-unique generation (a bound
// roster: Roster::id_list(), dsl/decision/roster.h). Two lists with the same generation hold the
// same ids in the same order, so an implementation may resolve the ids to its own storage once per
// generation and then read by position: no key encoding, hashing or parsing per rep per decision.
struct RepIdList {
  uint64_t generation = 0;
  std::span<const std::string> ids;
};

// Read-only view of the counters. Implementations return counts for the periods asked (0 when the
// stored period differs) and zero-valued counters for reps and rules never seen.
//
// A non-OK status means the counters could not be read (I/O, corruption); the decision then fails
// with that status and nothing must be applied.
class DecisionState {
 public:
  virtual ~DecisionState() = default;

  // Fills out[i] for rep_ids[i]; out.size() == rep_ids.size().
  [[nodiscard]] virtual absl::Status ReadRepCounters(std::span<const std::string_view> rep_ids,
                                                     const PeriodIds& periods,
                                                     std::span<RepCounters> out) const = 0;

  // Fills out[i] for (rule_key, rep_ids[i]); out.size() == rep_ids.size().
  [[nodiscard]] virtual absl::Status ReadRuleRepCounters(std::string_view rule_key,
                                                         std::span<const std::string_view> rep_ids,
                                                         const PeriodIds& periods,
                                                         std::span<RuleRepCounters> out) const = 0;

  [[nodiscard]] virtual absl::Status ReadRuleCounters(std::string_view rule_key,
                                                      RuleCounters& out) const = 0;

  // The same reads by position in a RepIdList, the form the decision uses: out[k] is what
  // ReadRepCounters gives for list.ids[positions[k]]; out.size() == positions.size(). The default
  // gathers the ids and calls the reads above; an implementation that keeps counters in memory
  // overrides them to read by position.
  [[nodiscard]] virtual absl::Status ReadRepCountersAt(const RepIdList& list,
                                                       std::span<const uint32_t> positions,
                                                       const PeriodIds& periods,
                                                       std::span<RepCounters> out) const;
  [[nodiscard]] virtual absl::Status ReadRuleRepCountersAt(std::string_view rule_key,
                                                           const RepIdList& list,
                                                           std::span<const uint32_t> positions,
                                                           const PeriodIds& periods,
                                                           std::span<RuleRepCounters> out) const;
};

// What committing one decision changes. Increments are signed so that the same type credits a
// reassigned lead back (CreditBack) or records a closed lead (Closed).
//
// Applying a delta, precisely:
// - Rep counters of `rep_id` and rule-rep counters of (`rule_key`, `rep_id`):
//   for each calendar unit u in {day, week, month} with stored period s_u and delta period
//   p_u = periods.u:  s_u == p_u: add;  s_u < p_u (or none stored): set the period to p_u and the
//   value to max(0, increment) (a new period starts from zero);  s_u > p_u: leave it (a credit for
//   a period that is over changes nothing). This applies to `assigned` (the assigned_* counters)
//   and `balanced + balanced_lift` (balanced_*), and for quality to the rep's quality_day.
//   balanced_total, which has no period, adds `balanced + balanced_lift`.
// - `band` >= 0: band counts are kept for one balance period, `band_over` in `periods`: stored
//   counts of another `over` or of an earlier period start from zero; a delta for an earlier
//   period than the stored one changes nothing; then `assigned + band_lift` is added to the band.
// - `open` is added to RepCounters::open and RuleRepCounters::open, never below 0.
// - Every counter that an increment would make negative stays at 0.
// - Set fields, when present, replace the stored value: last_chosen_sequence and
//   last_chosen_time (rule-rep), weighted_pass (rule-rep), weighted_virtual_time and
//   balanced_max_amount (rule).
struct StateDelta {
  std::string rep_id;
  std::string rule_key;
  PeriodIds periods;
  // +1 for an assignment, -1 for a credit back.
  int64_t assigned = 0;
  int64_t open = 0;
  // The lead's quality (0 when missing) and the rule's balanced(expr) value (0 when the rule does
  // not balance).
  double quality = 0;
  double balanced = 0;
  // balanced: how far the pick's level and its band count were raised before the lead was added
  // (a rep far behind joins at the back of the pack, not below it); CreditBack leaves them.
  double balanced_lift = 0;
  int64_t band_lift = 0;
  // `by tier`: the lead's band (index into the rule's thresholds); -1: no band (below every
  // threshold, or no tiers).
  int32_t band = -1;
  std::optional<CapUnit> band_over;  // the rule's `over` (unset: its whole life)

  std::optional<uint64_t> last_chosen_sequence;
  int64_t last_chosen_time = 0;
  std::optional<double> weighted_pass;
  std::optional<double> weighted_virtual_time;
  std::optional<double> balanced_max_amount;
};

// The counts of one assignment of a lead to `rep_id` by the rule `rule_key` in `periods`: one more
// lead assigned and open, and the lead's quality (0 when missing, negative or not finite). No
// balanced amount and no set fields: Decide adds what its strategy needs.
StateDelta AssignmentDelta(std::string_view rep_id, std::string_view rule_key,
                           const PeriodIds& periods, std::optional<double> lead_quality);

// The rule key manual assignments are counted under: they count towards the rep's own caps
// (daily_cap, max_open) like any assignment, and towards no rule's caps.
inline constexpr std::string_view kManualRuleKey = "manual";

// A manager's assignment of a lead to `rep_id` (the server's manual reassign): the counts of
// AssignmentDelta under kManualRuleKey, as the decision would record them.
StateDelta ManualAssignmentDelta(std::string_view rep_id, const PeriodIds& periods,
                                 std::optional<double> lead_quality);

// The delta that undoes the counts of `assignment` (a reassign credits the cap back and releases
// the open lead): negated increments in the assignment's periods and band, no lifts and no set
// fields (round-robin turns, weighted passes and lifts are history, not counts).
StateDelta CreditBack(const StateDelta& assignment);

// The delta for a lead that was closed (won, lost, archived): only `open` goes down by one.
StateDelta Closed(const StateDelta& assignment);

}  // namespace leadrouter::dsl
