// What comes due, by time: column family `due`, keyed (due time, kind, lead name, id) -> "".
//
// The SLA sweeper (server/assign/assigner_sla.cc) reads this index from its oldest key up to now,
// and deletes each key in the mutation that applies it: the deadlines live in the store, never only
// in memory, so a restart or a crash between a deadline and its step loses no step (the key is
// still there) and applies none twice (the key went with the step's commit).
//
// Two kinds of rows, each kept by the one function that writes its record:
// - an SLA step of a lead, id = the step's index: present exactly while the step is pending
//   (SlaStepPending). PutLead (storage/lead_store.h) moves the rows with every write of the lead,
//   as it moves the lead index, so no caller can forget one;
// - a task, id = its sequence: present exactly while the task is OPEN. PutTask
//   (storage/task_store.h) keeps it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "leadrouter/v1/common.pb.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

enum class DueKind : uint8_t {
  kSlaStep = 1,
  kTask = 2,
};

struct DueItem {
  int64_t due_us = 0;
  DueKind kind = DueKind::kSlaStep;
  std::string lead;  // `leads/{lead}`
  uint64_t id = 0;   // kSlaStep: the step's index; kTask: the task's sequence
  friend bool operator==(const DueItem&, const DueItem&) = default;
};

// Whether `step` of `lead` is still to be applied: it has a due time, it was not applied, and the
// clock did not stop (Lead.sla_stop_time). The server keeps the steps true to the lead: it
// clears them when the lead loses its owner and stops the clock when the lead closes.
bool SlaStepPending(const leadrouter::v1::Lead& lead, const leadrouter::v1::SlaStep& step);

// Moves the lead's SLA rows from the pending steps of `before` (null: a new lead) to those of
// `after`, in the current mutation.
[[nodiscard]] absl::Status UpdateSlaDue(WriteTxn& txn, const leadrouter::v1::Lead* before,
                                        const leadrouter::v1::Lead& after);

[[nodiscard]] absl::Status PutDue(WriteTxn& txn, const DueItem& item);
[[nodiscard]] absl::Status DeleteDue(WriteTxn& txn, const DueItem& item);
// Whether the row is (still) there: what the sweeper checks inside its mutation before acting.
[[nodiscard]] absl::StatusOr<bool> HasDue(const ReadView& view, const DueItem& item);

// The rows due at or before `until_us`, soonest first (then kind, lead, id), at most `limit`.
[[nodiscard]] absl::StatusOr<std::vector<DueItem>> ListDue(const ReadView& view, int64_t until_us,
                                                           size_t limit);

// How many rows are in the index (tests, and the sweeper's benchmark).
[[nodiscard]] absl::StatusOr<uint64_t> CountDue(const ReadView& view);

}  // namespace leadrouter::storage
