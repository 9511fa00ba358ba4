#include "storage/task_store.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/due_index.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "storage/records.h"
#include "storage/span_facts.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

constexpr absl::string_view kTasksPart = "/tasks/";

DueItem DueRowOf(uint64_t sequence, const v1::Task& task) {
  return {TimeUtil::TimestampToMicroseconds(task.due_time()), DueKind::kTask, task.lead(),
          sequence};
}

}  // namespace

absl::StatusOr<uint64_t> NextTaskSequence(WriteTxn& txn) {
  return txn.NextSequence(std::string(meta_key::kTaskSequence));
}

std::string TaskName(absl::string_view lead, uint64_t sequence) {
  return absl::StrCat(lead, kTasksPart, keys::FormatId(sequence));
}

absl::StatusOr<std::pair<std::string, uint64_t>> ParseTaskName(absl::string_view name) {
  const size_t at = name.rfind(kTasksPart);
  const absl::string_view id =
      at == absl::string_view::npos ? absl::string_view() : name.substr(at + kTasksPart.size());
  uint64_t sequence = 0;
  if (at == absl::string_view::npos || !absl::StartsWith(name, "leads/") || at <= 6 ||
      id.size() != 16 || !absl::SimpleHexAtoi(id, &sequence) || sequence == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", name, "' is not a task name (leads/{lead}/tasks/{id})"));
  }
  return std::pair<std::string, uint64_t>(std::string(name.substr(0, at)), sequence);
}

absl::Status PutTask(WriteTxn& txn, uint64_t sequence, const v1::Task& task) {
  if (task.lead().empty() || task.rep().empty() || !task.has_due_time()) {
    return absl::InvalidArgumentError("a task needs its lead, rep and due time");
  }
  RETURN_IF_ERROR(WriteMessage(txn, ColumnFamily::kTasks, keys::Task(task.lead(), sequence), task));
  RETURN_IF_ERROR(txn.Put(
      ColumnFamily::kTasksByRep,
      keys::TaskByRep(task.rep(), TimeUtil::TimestampToMicroseconds(task.due_time()), sequence),
      task.lead()));
  RETURN_IF_ERROR(RecordSpanTask(txn, sequence, task));
  const DueItem row = DueRowOf(sequence, task);
  return task.state() == v1::TASK_STATE_OPEN ? PutDue(txn, row) : DeleteDue(txn, row);
}

absl::StatusOr<std::optional<v1::Task>> ReadTask(const ReadView& view, absl::string_view lead,
                                                 uint64_t sequence) {
  return ReadMessage<v1::Task>(view, ColumnFamily::kTasks, keys::Task(lead, sequence),
                               absl::StrCat("task ", TaskName(lead, sequence)));
}

absl::Status ListLeadTasks(const ReadView& view, absl::string_view lead, TaskVisitor visit) {
  const std::string prefix = keys::TasksOfLead(lead);
  return view.ScanPrefix(
      ColumnFamily::kTasks, prefix, ScanOrder::kAscending,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
        KeyReader reader(key.substr(prefix.size()));
        ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
        v1::Task task;
        RETURN_IF_ERROR(DecodeProto(value, task, absl::StrCat("task of ", lead)));
        return visit(sequence, task);
      });
}

absl::Status ListRepTasks(const ReadView& view, absl::string_view rep, int64_t from_us,
                          int64_t to_us, std::optional<TaskPosition> after, TaskVisitor visit) {
  const std::string prefix = keys::TasksOfRep(rep);
  std::string begin = KeyWriter(prefix).I64(from_us).key();
  if (after) {
    std::string resume = KeyWriter(prefix).I64(after->due_us).U64(after->sequence).key() + '\0';
    if (resume > begin) begin = std::move(resume);
  }
  const std::string end = to_us == std::numeric_limits<int64_t>::max()
                              ? PrefixEnd(prefix)
                              : KeyWriter(prefix).I64(to_us).key();
  return view.Scan(
      ColumnFamily::kTasksByRep, begin, end, ScanOrder::kAscending,
      [&](absl::string_view key, absl::string_view lead) -> absl::StatusOr<bool> {
        KeyReader reader(key.substr(prefix.size()));
        ASSIGN_OR_RETURN(const int64_t due_us, reader.I64());
        (void)due_us;
        ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
        ASSIGN_OR_RETURN(const std::optional<v1::Task> task, ReadTask(view, lead, sequence));
        if (!task) {
          return absl::DataLossError(
              absl::StrCat("tasks_by_rep names ", TaskName(lead, sequence), ", which is missing"));
        }
        return visit(sequence, *task);
      });
}

absl::Status ListAllTasks(const ReadView& view, TaskVisitor visit) {
  return view.Scan(ColumnFamily::kTasks, "", "", ScanOrder::kAscending,
                   [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                     KeyReader reader(key);
                     ASSIGN_OR_RETURN(const std::string lead, reader.String());
                     ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
                     v1::Task task;
                     RETURN_IF_ERROR(DecodeProto(value, task, absl::StrCat("task of ", lead)));
                     return visit(sequence, task);
                   });
}

}  // namespace leadrouter::storage
