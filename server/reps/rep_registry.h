// The rep roster behind RepService: upsert, get (with the rep's current load), list, set status,
// remove. Every change goes through the single writer and updates the RosterCache inside its
// mutation, so the next decision sees it. A rep that becomes ACTIVE (new, or back from AWAY / OFF,
// also when an AWAY with an end time ends) asks the unassigned queue for a retry.
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "leadrouter/v1/reps.pb.h"
#include "server/api/call_context.h"
#include "server/assign/assigner.h"
#include "server/assign/unassigned_queue.h"
#include "server/roster/roster_cache.h"
#include "storage/audit_log.h"
#include "storage/storage.h"
#include "storage/write_txn.h"

namespace leadrouter::server {

class RepRegistry {
 public:
  RepRegistry(storage::Storage& storage, RosterCache& roster, UnassignedQueue& unassigned,
              Assigner& assigner);
  RepRegistry(const RepRegistry&) = delete;
  RepRegistry& operator=(const RepRegistry&) = delete;

  // Upserts every rep of a roster file (dsl/data/dataset.h: CSV or JSON Lines) as actor
  // "leadrouterd", skipping reps whose stored input fields are already equal. The file's status
  // applies to new reps only: a stored rep keeps the status SetStatus gave it. Errors name the file
  // and line.
  [[nodiscard]] absl::Status LoadRosterFile(const std::string& path);

  [[nodiscard]] absl::StatusOr<leadrouter::v1::UpsertRepResponse> Upsert(
      const leadrouter::v1::UpsertRepRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::GetRepResponse> Get(
      const leadrouter::v1::GetRepRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListRepsResponse> List(
      const leadrouter::v1::ListRepsRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::SetRepStatusResponse> SetStatus(
      const leadrouter::v1::SetRepStatusRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::RemoveRepResponse> Remove(
      const leadrouter::v1::RemoveRepRequest& request, const CallContext& call);

  // Makes every AWAY rep whose `away_until` is at or before `now` ACTIVE again, as actor
  // "system:away-expiry", one commit per rep. A rep whose status or end time changed since it was
  // listed is left as it is. Returns how many reps came back. The server runs this every second.
  [[nodiscard]] absl::StatusOr<int> EndExpiredAway(absl::Time now);

 private:
  // A commit that failed after its mutation updated the cache leaves the cache ahead of the
  // database: reload it. Refusals (validation, preconditions) changed nothing.
  void ReloadAfterFailedCommit(const absl::Status& status);
  // Inside a mutation: stores `rep` (with its audit record), puts it in the roster cache so the
  // next decision sees it, and returns it as the API shows it (with its etag).
  [[nodiscard]] absl::StatusOr<leadrouter::v1::Rep> WriteRep(storage::WriteTxn& txn,
                                                             const leadrouter::v1::Rep& rep,
                                                             const storage::ChangeInfo& change);
  // `rep` with its output-only load filled from the committed counters.
  [[nodiscard]] absl::Status FillLoad(leadrouter::v1::Rep& rep) const;

  storage::Storage& storage_;
  RosterCache& roster_;
  UnassignedQueue& unassigned_;
  Assigner& assigner_;
};

}  // namespace leadrouter::server
