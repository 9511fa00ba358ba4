// The read side of AssignmentService and FollowUpService: GetLead, ListAssignments, Explain
// (lead_queries.cc), ListLeads (list_leads.cc, from the lead index of storage/lead_index.h) and
// ListFollowUps (list_followups.cc) and ListTasks (list_tasks.cc). Every call reads one consistent
// snapshot of committed state (storage::DatabaseView) and never waits for the writer.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include "absl/status/statusor.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/followups.pb.h"
#include "server/api/clock.h"
#include "storage/database.h"

namespace leadrouter::server {

// A task's state as the API shows it at `now_us`: OPEN past its due time is OVERDUE.
leadrouter::v1::TaskState TaskStateAt(const leadrouter::v1::Task& task, int64_t now_us);

class LeadQueries {
 public:
  // `clock` (whose "now" decides which SLA deadlines have passed) must outlive the queries.
  LeadQueries(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

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
  storage::Database& db_;
  const Clock& clock_;
};

}  // namespace leadrouter::server
