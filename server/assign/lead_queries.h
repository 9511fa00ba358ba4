// The read side of AssignmentService: GetLead, ListAssignments, Explain. Every call reads one
// consistent snapshot of committed state (storage::DatabaseView) and never waits for the writer.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include "absl/status/statusor.h"
#include "leadrouter/v1/assignment.pb.h"
#include "storage/database.h"

namespace leadrouter::server {

class LeadQueries {
 public:
  explicit LeadQueries(storage::Database& db) : db_(db) {}

  [[nodiscard]] absl::StatusOr<leadrouter::v1::GetLeadResponse> GetLead(
      const leadrouter::v1::GetLeadRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListAssignmentsResponse> ListAssignments(
      const leadrouter::v1::ListAssignmentsRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ExplainResponse> Explain(
      const leadrouter::v1::ExplainRequest& request) const;

 private:
  storage::Database& db_;
};

}  // namespace leadrouter::server
