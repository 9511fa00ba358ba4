// Tasks: column family `tasks`, keyed (lead name, sequence) -> leadrouter.v1.Task, and
// `tasks_by_rep`, keyed (rep name, due time, sequence) -> lead name, a rep's tasks by due time.
// Sequences come from the `task` sequence of the meta column family. An OPEN task also has its row
// in the due index (storage/due_index.h), so the sweeper finds it when it comes due.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/followups.pb.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

// The next task sequence, part of the mutation (rolled back with it).
[[nodiscard]] absl::StatusOr<uint64_t> NextTaskSequence(WriteTxn& txn);

// "{lead}/tasks/{sequence, 16 hex digits}".
std::string TaskName(absl::string_view lead, uint64_t sequence);
// The lead and sequence of a task's name; INVALID_ARGUMENT for anything else (the caller names
// the field).
[[nodiscard]] absl::StatusOr<std::pair<std::string, uint64_t>> ParseTaskName(
    absl::string_view name);

// Stores `task` (its `lead`, `rep` and `due_time` set; the same on every write of one task) as task
// `sequence`, with its row of the due index while it is OPEN.
[[nodiscard]] absl::Status PutTask(WriteTxn& txn, uint64_t sequence,
                                   const leadrouter::v1::Task& task);

// One task; nullopt when absent.
[[nodiscard]] absl::StatusOr<std::optional<leadrouter::v1::Task>> ReadTask(const ReadView& view,
                                                                           absl::string_view lead,
                                                                           uint64_t sequence);

using TaskVisitor = absl::FunctionRef<absl::StatusOr<bool>(uint64_t, const leadrouter::v1::Task&)>;

// The lead's tasks in creation order; stops when `visit` returns false.
[[nodiscard]] absl::Status ListLeadTasks(const ReadView& view, absl::string_view lead,
                                         TaskVisitor visit);
// The rep's tasks due in [from_us, to_us), soonest first (then by sequence), starting after
// (`after_due_us`, `after_sequence`) when `after` is given.
struct TaskPosition {
  int64_t due_us = 0;
  uint64_t sequence = 0;
};
[[nodiscard]] absl::Status ListRepTasks(const ReadView& view, absl::string_view rep,
                                        int64_t from_us, int64_t to_us,
                                        std::optional<TaskPosition> after, TaskVisitor visit);
// Every task, by lead name then sequence.
[[nodiscard]] absl::Status ListAllTasks(const ReadView& view, TaskVisitor visit);

}  // namespace leadrouter::storage
