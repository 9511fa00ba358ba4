// What a backtest replays, read from stored history (docs/backtest.md): the leads whose first
// automatic decision (an ASSIGNMENT_KIND_ASSIGN entry, the lead's first) falls in a time range, in
// sequence order, each with the lead as it was decided (the stored explanation's lead snapshot)
// and the reps it excluded; the counter changes of every other entry between them, as recorded;
// the roster as each replayed decision saw it (rep versions, storage/rep_store.h), a new one only
// where a rep change was committed between two replayed decisions; and the counters as they were
// just before the first replayed decision (every earlier entry's deltas, as counter_replay.h
// replays them).
//
// Reads only, through the caller's view: with a DatabaseView every read sees one snapshot, and
// nothing is ever written.
//
// Cost: one scan of the whole history, one explanation read per replayed lead, one roster rebuild
// (RepsAsOf) per roster change inside the range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/decision/decision_state.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/common.pb.h"
#include "storage/read_view.h"

namespace leadrouter::storage {

// A replayed lead's first automatic decision as stored.
struct PastDecision {
  leadrouter::v1::Assignment entry;
  uint64_t sequence = 0;
  leadrouter::v1::Lead lead;  // as decided
  std::vector<std::string> excluded_rep_ids;
};

// The counter changes of the entries between two replayed decisions, in sequence order.
struct PastDeltas {
  std::vector<dsl::StateDelta> deltas;
};

// The roster from this point of the replay on, in name order.
struct PastRoster {
  std::vector<leadrouter::v1::Rep> reps;
};

using PastStep = std::variant<PastDecision, PastDeltas, PastRoster>;

struct StoredBacktest {
  // Starts with the roster of the first replayed decision; empty when no lead matched.
  std::vector<PastStep> steps;
  // More first decisions fell in the range than max_leads.
  bool truncated = false;
};

// The first automatic decisions decided in [from_us, to_us) (at most `max_leads`, the oldest),
// the steps between them, and in `start` the counters just before the first of them.
// FAILED_PRECONDITION when a decision's roster or lead can no longer be rebuilt.
[[nodiscard]] absl::StatusOr<StoredBacktest> LoadBacktest(const ReadView& view, int64_t from_us,
                                                          int64_t to_us, size_t max_leads,
                                                          dsl::InMemoryDecisionState& start);

}  // namespace leadrouter::storage
