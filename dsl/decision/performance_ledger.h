// The outcome facts behind rep performance (rep_performance.h), kept as outcomes arrive: one
// SpanOutcome per time a lead stayed with one owner, the lead's current span updated by its first
// contact and its close. The window is applied when the tallies are read, from the reader's "now",
// so facts leave the window without a job to drop them.
//
// Pure, like the rest of dsl/decision: no clock, no storage; the server feeds it after each commit
// (server/roster/rep_performance_tracker.h) and from the stored history at start. Not thread-safe:
// the tracker serialises it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dsl/decision/rep_performance.h"

namespace leadrouter::dsl {

class PerformanceLedger {
 public:
  // `rep` became the owner of `lead` at `start_us` (assigned, reassigned, proposal approved),
  // with the SLA's first deadline if the assignment has one. The lead's previous span ends.
  void Assigned(std::string_view lead, std::string_view rep, int64_t start_us,
                std::optional<int64_t> sla_deadline_us);
  // The lead left its owner otherwise than by a counted close (released, proposed to another
  // rep): its span keeps what it had.
  void Ended(std::string_view lead);
  // The lead closed in its owner's hands, converted or lost; the span ends.
  void Closed(std::string_view lead, bool converted);
  // `rep` recorded the first contact of `lead` at `contact_us`: counts for the lead's current
  // span when `rep` owns it and the span has no contact yet.
  void FirstContact(std::string_view lead, std::string_view rep, int64_t contact_us,
                    bool within_sla);
  // Drops the spans that started before `oldest_us` (they can no longer be in any window read).
  void Forget(int64_t oldest_us);

  // Each rep's tally at `now_us` over the spans that started in [now_us - window_us, now_us].
  std::unordered_map<std::string, OutcomeTally> TalliesAt(int64_t now_us, int64_t window_us) const;
  // The first instant after `now_us` at which TalliesAt would change with no new fact (a span
  // leaves the window, an SLA deadline passes); INT64_MAX when none.
  int64_t NextChangeAfter(int64_t now_us, int64_t window_us) const;
  // Changes with every call that changes a fact.
  uint64_t version() const { return version_; }
  size_t span_count() const { return spans_.size(); }

 private:
  struct Span {
    std::string rep;
    SpanOutcome outcome;
  };
  Span* OpenSpan(std::string_view lead);

  std::map<uint64_t, Span> spans_;                  // by arrival
  std::unordered_map<std::string, uint64_t> open_;  // lead -> its current span
  uint64_t next_id_ = 0;
  uint64_t version_ = 0;
};

}  // namespace leadrouter::dsl
