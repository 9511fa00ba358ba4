// The read side of AssignmentService and FollowUpService: GetLead, ListAssignments, Explain
// (lead_queries.cc), ListLeads (list_leads.cc, from the lead index of storage/lead_index.h) and
// ListFollowUps (list_followups.cc) and ListTasks (list_tasks.cc). Every call reads one consistent
// snapshot of committed state (storage::DatabaseView) and never waits for the writer.
//
// Explain with a rep recomputes that rep's trace (explain_rep.cc): the decision is run again, with
// the lead as decided (the stored explanation's lead_snapshot and exclusions), the rule version's
// program, the roster as it was (storage::RepsAsOf) and the counters as they were
// (storage::CountersAsOf, a replay of the history before the entry), at the decision's time and
// sequence. Decide is deterministic, so the rep's trace is the one the decision computed.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "dsl/decision/periods.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/followups.pb.h"
#include "server/api/clock.h"
#include "server/scoring/score_registry.h"
#include "storage/database.h"
#include "storage/read_view.h"
#include "storage_records.pb.h"

namespace leadrouter::server {

// A task's state as the API shows it at `now_us`: OPEN past its due time is OVERDUE.
leadrouter::v1::TaskState TaskStateAt(const leadrouter::v1::Task& task, int64_t now_us);

class LeadQueries {
 public:
  // `clock` (whose "now" decides which SLA deadlines have passed) must outlive the queries;
  // `calendar` is the one decisions use (periods of caps and counters).
  // `scores`, when given, explains the scores a model computed (Explain); it must outlive the
  // queries.
  LeadQueries(storage::Database& db, const Clock& clock,
              dsl::PeriodCalendar calendar = dsl::PeriodCalendar(),
              const ScoreRegistry* scores = nullptr)
      : db_(db), clock_(clock), calendar_(std::move(calendar)), scores_(scores) {}

  [[nodiscard]] absl::StatusOr<leadrouter::v1::GetLeadResponse> GetLead(
      const leadrouter::v1::GetLeadRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListAssignmentsResponse> ListAssignments(
      const leadrouter::v1::ListAssignmentsRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ExplainResponse> Explain(
      const leadrouter::v1::ExplainRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListLeadsResponse> ListLeads(
      const leadrouter::v1::ListLeadsRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListFollowUpsResponse> ListFollowUps(
      const leadrouter::v1::ListFollowUpsRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListTasksResponse> ListTasks(
      const leadrouter::v1::ListTasksRequest& request) const;

 private:
  // The explanation of history entry `entry` (its stored one, `stored`) for `rep` alone,
  // recomputed.
  [[nodiscard]] absl::StatusOr<leadrouter::v1::Explanation> ExplainRep(
      const storage::ReadView& view, const storage::HistoryRecord& entry,
      const leadrouter::v1::Explanation& stored, const std::string& rep) const;

  storage::Database& db_;
  const Clock& clock_;
  const dsl::PeriodCalendar calendar_;
  const ScoreRegistry* const scores_;
};

}  // namespace leadrouter::server
