// The reps' performance figures (`conversion_rate`, `median_first_contact_hours`,
// `sla_compliance`: dsl/decision/rep_performance.h) as the live decision reads them, kept in
// memory from the outcomes as they are committed: filled from the stored history of the window
// at start (rep_performance_history.h), then fed by the Assigner after each commit
// that gives a lead an owner, takes it away or closes it, and after each first contact. No batch:
// the next decision sees an outcome as soon as its commit returned.
//
// The window is applied at read time from the decision's own clock (Figures(roster, now)), so
// leads leave it with no job to drop them; figures by roster position are computed again only
// when a fact, the roster or the window changed them, never per decision.
//
// Cost: the Assigner asks for figures only when the active rules read a performance field
// (dsl::Program::reads_rep_performance). Then a change (an outcome, a rebound roster, a span
// leaving the window or an SLA deadline passing) makes the next Figures call recompute from every
// span in the window, O(spans + reps), sorting the contact times of each rep and team for the
// medians; decisions in between share the figures. Incremental upkeep per fact would make that
// O(reps); not done yet.
//
// Thread safety: every method may be called from any thread; one mutex guards the facts and the
// figures. Record* are called on the committing handlers' threads after their commit, Figures on
// the writer thread inside a decision.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "dsl/decision/performance_ledger.h"
#include "dsl/decision/rep_performance.h"
#include "dsl/decision/roster.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/followups.pb.h"

namespace leadrouter::server {

struct RepPerformanceOptions {
  // Leads whose owner got them longer ago than this no longer count (`--performance-window`).
  absl::Duration window = absl::Hours(24 * 90);
  // k: leads' worth of evidence the team's (and the organisation's) figure counts for
  // (`--performance-prior`).
  double prior = dsl::kDefaultPerformancePrior;
};

// What one committed history entry changes in the facts, small enough to carry past the commit.
struct EntryFacts {
  enum class Kind : uint8_t { kNone, kNewOwner, kEnded, kConverted, kLost };
  Kind kind = Kind::kNone;
  std::string lead;  // the lead's name
  std::string rep;   // kNewOwner: the owner's id
  int64_t start_us = 0;
  std::optional<int64_t> sla_deadline_us;
};

// The facts of `entry` (as committed) for `lead` (as stored after it), by the span rules of the
// reports' rows (storage/span_facts.h: MadeOwner, EndsOwnership): an entry that made a rep the
// owner starts a span; a close ends it, converted or lost in the owner's hands when the lead's
// state says so; a release, another owner or a proposal to another rep ends it.
EntryFacts FactsOf(const leadrouter::v1::Assignment& entry, const leadrouter::v1::Lead& lead);

class RepPerformanceTracker {
 public:
  explicit RepPerformanceTracker(RepPerformanceOptions options) : options_(options) {}

  const RepPerformanceOptions& options() const { return options_; }

  void Record(const EntryFacts& facts);
  // A stored follow-up; only a first contact changes the facts.
  void RecordFollowUp(const leadrouter::v1::FollowUp& followup);
  // Runs `fill` on the facts under the lock (the rebuild at start).
  void Fill(absl::FunctionRef<void(dsl::PerformanceLedger&)> fill);

  // The figures of `roster`'s reps by position at `now_us`. Shared while nothing changed them.
  std::shared_ptr<const std::vector<dsl::RepPerformance>> Figures(const dsl::Roster& roster,
                                                                  int64_t now_us);

 private:
  int64_t window_us() const { return absl::ToInt64Microseconds(options_.window); }

  const RepPerformanceOptions options_;
  std::mutex mu_;
  dsl::PerformanceLedger ledger_;
  // The last figures: for which roster generation and ledger version, from when, until when.
  std::shared_ptr<const std::vector<dsl::RepPerformance>> figures_;
  uint64_t figures_generation_ = 0;
  uint64_t figures_version_ = 0;
  int64_t figures_from_us_ = 0;
  int64_t figures_until_us_ = 0;
  int64_t latest_us_ = 0;  // the latest "now" read: spans older than its window are forgotten
};

}  // namespace leadrouter::server
