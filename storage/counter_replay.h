// The counters a past decision read, rebuilt from history: every entry before it replayed in
// sequence order, the recovery check's replay (storage/counter_recovery.h) stopped at the
// decision. Counters change only through history entries (the check at open verifies it), so the
// rebuilt counters are exactly those the decision saw.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<CountersAsOf> past, CountersAsOf::Replay(view, sequence));
//   dsl::Decide(program, lead, roster, past->state(), {time, sequence}, ...);
//
// Cost: one scan of the whole history and memory proportional to the counters it implies; for
// on-demand questions about one decision (AssignmentService.Explain with `rep`), not for the
// decision path.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dsl/decision/decision_state.h"
#include "storage/counter_store.h"
#include "storage/read_view.h"

namespace leadrouter::storage {

class CountersAsOf {
 public:
  // The counters just before assignment `sequence` was decided. `view` must outlive the result.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<CountersAsOf>> Replay(const ReadView& view,
                                                                            uint64_t sequence);

  // Reads the rebuilt counters (every other column family through the view given to Replay).
  const dsl::DecisionState& state() const { return *state_; }

  // The history entries replayed.
  int64_t entries() const { return entries_; }

 private:
  // The view the decision state reads: `counters` from the replay, the rest from the database.
  class ReplayedView final : public ReadView {
   public:
    ReplayedView(const ReadView& base, const std::map<std::string, CounterValue>& counters)
        : base_(base), counters_(counters) {}
    absl::StatusOr<std::optional<std::string>> Get(ColumnFamily cf,
                                                   absl::string_view key) const override;
    absl::Status Scan(ColumnFamily cf, absl::string_view begin, absl::string_view end,
                      ScanOrder order, ScanVisitor visit) const override;

   private:
    const ReadView& base_;
    const std::map<std::string, CounterValue>& counters_;
  };

  explicit CountersAsOf(const ReadView& base) : view_(base, counters_) {}

  std::map<std::string, CounterValue> counters_;
  ReplayedView view_;
  std::unique_ptr<StoredDecisionState> state_;
  int64_t entries_ = 0;
};

}  // namespace leadrouter::storage
