// LeadQueries::ListTasks: tasks soonest due first. With a rep, one range of the rep's due-time
// index (tasks_by_rep) from the page's position on; with a lead, that lead's tasks; with neither,
// every task (a scan of the tasks column family: for an overview, not a hot path).
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "server/assign/lead_queries.h"
#include "storage/read_view.h"
#include "storage/task_store.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

std::optional<storage::TaskPosition> ParsePosition(const std::string& text) {
  const std::vector<std::string> parts = absl::StrSplit(text, ':');
  storage::TaskPosition position;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &position.due_us) ||
      !absl::SimpleAtoi(parts[1], &position.sequence)) {
    return std::nullopt;
  }
  return position;
}

struct Found {
  storage::TaskPosition position;
  v1::Task task;
};

}  // namespace

v1::TaskState TaskStateAt(const v1::Task& task, int64_t now_us) {
  if (task.state() == v1::TASK_STATE_OPEN &&
      TimeUtil::TimestampToMicroseconds(task.due_time()) < now_us) {
    return v1::TASK_STATE_OVERDUE;
  }
  return task.state();
}

absl::StatusOr<v1::ListTasksResponse> LeadQueries::ListTasks(
    const v1::ListTasksRequest& request) const {
  const bool any_rep = request.rep().empty() || request.rep() == "reps/-";
  if (!any_rep) RETURN_IF_ERROR(ParseName(request.rep(), "reps", "rep").status());
  if (!request.lead().empty()) {
    RETURN_IF_ERROR(ParseName(request.lead(), "leads", "lead").status());
  }
  std::vector<v1::TaskState> states;
  for (int i = 0; i < request.states_size(); ++i) {
    if (request.states(i) == v1::TASK_STATE_UNSPECIFIED ||
        !v1::TaskState_IsValid(request.states(i))) {
      return InvalidField(absl::StrCat("states[", i, "]"),
                          "must be OPEN, DONE, OVERDUE or CANCELLED");
    }
    states.push_back(request.states(i));
  }
  if (states.empty()) states = {v1::TASK_STATE_OPEN, v1::TASK_STATE_OVERDUE};
  if (!v1::Channel_IsValid(request.channel())) return InvalidField("channel", "unknown channel");
  int64_t start_us = std::numeric_limits<int64_t>::min();
  int64_t end_us = std::numeric_limits<int64_t>::max();
  if (request.due().has_start_time()) {
    RETURN_IF_ERROR(CheckTimestamp(request.due().start_time(), "due.start_time"));
    start_us = TimeUtil::TimestampToMicroseconds(request.due().start_time());
  }
  if (request.due().has_end_time()) {
    RETURN_IF_ERROR(CheckTimestamp(request.due().end_time(), "due.end_time"));
    end_us = TimeUtil::TimestampToMicroseconds(request.due().end_time());
  }
  if (end_us < start_us) return InvalidField("due.end_time", "is before start_time");
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 50, 1000));
  const uint64_t fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(
      const std::optional<storage::TaskPosition> after,
      DecodePagePosition<storage::TaskPosition>(request.page_token(), fingerprint, ParsePosition));

  const int64_t now_us = absl::ToUnixMicros(clock_.Now());
  const size_t wanted = static_cast<size_t>(page_size) + 1;  // one more says a next page exists
  std::vector<Found> found;
  const auto consider = [&](uint64_t sequence, const v1::Task& task) {
    const int64_t due_us = TimeUtil::TimestampToMicroseconds(task.due_time());
    v1::Task shown = task;
    shown.set_state(TaskStateAt(task, now_us));
    const bool matches =
        (any_rep || task.rep() == request.rep()) &&
        (request.lead().empty() || task.lead() == request.lead()) &&
        std::find(states.begin(), states.end(), shown.state()) != states.end() &&
        (request.channel() == v1::CHANNEL_UNSPECIFIED || task.channel() == request.channel()) &&
        due_us >= start_us && due_us < end_us &&
        (!after || std::tie(due_us, sequence) > std::tie(after->due_us, after->sequence));
    if (matches) found.push_back(Found{{due_us, sequence}, std::move(shown)});
  };

  storage::DatabaseView view(db_);
  if (!any_rep) {
    // Already in (due, sequence) order: stop once the page is full.
    RETURN_IF_ERROR(
        storage::ListRepTasks(view, request.rep(), start_us, end_us, after,
                              [&](uint64_t sequence, const v1::Task& task) -> absl::StatusOr<bool> {
                                consider(sequence, task);
                                return found.size() < wanted;
                              }));
  } else if (!request.lead().empty()) {
    RETURN_IF_ERROR(storage::ListLeadTasks(
        view, request.lead(), [&](uint64_t sequence, const v1::Task& task) -> absl::StatusOr<bool> {
          consider(sequence, task);
          return true;
        }));
  } else {
    RETURN_IF_ERROR(storage::ListAllTasks(
        view, [&](uint64_t sequence, const v1::Task& task) -> absl::StatusOr<bool> {
          consider(sequence, task);
          return true;
        }));
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.position.due_us, a.position.sequence) <
           std::tie(b.position.due_us, b.position.sequence);
  });
  v1::ListTasksResponse response;
  const size_t page = std::min(found.size(), static_cast<size_t>(page_size));
  for (size_t i = 0; i < page; ++i) *response.add_tasks() = std::move(found[i].task);
  if (found.size() > page) {
    const storage::TaskPosition& last = found[page - 1].position;
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(last.due_us, ":", last.sequence), fingerprint));
  }
  return response;
}

}  // namespace leadrouter::server
