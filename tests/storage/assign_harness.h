// The assignment path the storage tests, the crash child and the benchmark drive: idempotency
// check, decision by a compiled rule file over the stored counters, atomic commit. It is the shape
// the server's Assign takes (storage/assignment_store.h), with the API conversions cut down to
// what the tests check: lead id and quality in, rep out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/roster.h"
#include "storage/commit_queue.h"

namespace leadrouter::storage::testing {

struct AssignResult {
  std::string rep;         // rep id; empty when unassigned
  std::string assignment;  // the history entry's name
  bool replayed = false;   // answered from the idempotency record
};

class AssignHarness {
 public:
  // Compiles `rules` and binds `rep_ids` (all active). InvalidArgument when the rules do not
  // compile.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AssignHarness>> Create(
      CommitQueue& commits, const std::string& rules, const std::vector<std::string>& rep_ids);

  // Assigns lead `lead_id` (idempotency key = the lead id) at `now_seconds`. Thread-safe.
  [[nodiscard]] absl::StatusOr<AssignResult> Assign(const std::string& lead_id, int64_t now_seconds,
                                                    double quality = 50);

  // Assigns every lead of `lead_ids` at `now_seconds` at once: one thread per lead, released
  // together, so the calls meet in the writer as concurrent RPCs would. The results in `lead_ids`
  // order.
  [[nodiscard]] std::vector<absl::StatusOr<AssignResult>> AssignAtOnce(
      const std::vector<std::string>& lead_ids, int64_t now_seconds);

  const dsl::PeriodCalendar& calendar() const { return calendar_; }

 private:
  AssignHarness(CommitQueue& commits, dsl::Roster roster)
      : commits_(commits), roster_(std::move(roster)) {}

  CommitQueue& commits_;
  dsl::Roster roster_;
  dsl::PeriodCalendar calendar_;      // UTC
  dsl::DecisionWorkspace workspace_;  // used only on the writer thread, one mutation at a time
};

}  // namespace leadrouter::storage::testing
