// Who owns a lead: Assign, AssignBatch, Reassign and SetPin, the retry of unassigned leads, and
// the moves a rep's removal needs. The core behind AssignmentService's writes; no gRPC here.
//
// Every decision runs inside the storage's single ordered writer (storage/commit_queue.h): the
// counters it reads are the committed ones plus whatever earlier mutations of the same group
// staged, and its assignment, counters, history, explanation, audit record and idempotency record
// are staged in the same mutation. So caps hold under any concurrency and across restarts, and an
// idempotent retry finds either all of a change or none of it.
//
// Each call takes the active rules once, before it queues its decision (RuleRegistry::Active), and
// decides with that snapshot: a Publish during the call does not change the version it decides
// with.
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/periods.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/reps.pb.h"
#include "server/api/call_context.h"
#include "server/assign/unassigned_queue.h"
#include "server/reps/roster_cache.h"
#include "server/rules/rule_registry.h"
#include "storage/storage.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::server {

// AssignBatch accepts at most this many items (RESOURCE_EXHAUSTED above).
inline constexpr int kMaxBatchItems = 500;

struct AssignerOptions {
  // Day / week / month boundaries of caps. Default: UTC.
  dsl::PeriodCalendar calendar;
  // Tests only: runs after a call took its rules snapshot and before it queues its decision, so a
  // test can hold a call in flight. Default: none.
  std::function<void()> before_decide_for_testing;
};

class Assigner {
 public:
  Assigner(storage::Storage& storage, RuleRegistry& rules, RosterCache& roster,
           UnassignedQueue& unassigned, AssignerOptions options);
  Assigner(const Assigner&) = delete;
  Assigner& operator=(const Assigner&) = delete;

  [[nodiscard]] absl::StatusOr<leadrouter::v1::AssignResponse> Assign(
      const leadrouter::v1::AssignRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::AssignBatchResponse> AssignBatch(
      const leadrouter::v1::AssignBatchRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ReassignResponse> Reassign(
      const leadrouter::v1::ReassignRequest& request, const CallContext& call);
  [[nodiscard]] absl::StatusOr<leadrouter::v1::SetPinResponse> SetPin(
      const leadrouter::v1::SetPinRequest& request, const CallContext& call);

  // Re-decides every queued unassigned lead with the active rules (actor "system:retry",
  // `why` as the reason), one commit per lead; leads that stay unassigned write nothing. Returns
  // how many got an owner.
  [[nodiscard]] absl::StatusOr<int> RetryUnassigned(const std::string& why);

  // For RepService.Remove, inside its mutation: moves every open lead of `rep_name` (re-decided
  // without the rep with `reassign`, else released) and reports the counts. `now_us` is the
  // mutation's time. The caller applies `after_commit` once the mutation committed.
  struct MovedLeads {
    int reassigned = 0;
    int unassigned = 0;
    std::vector<std::function<void()>> after_commit;
  };
  [[nodiscard]] absl::StatusOr<MovedLeads> MoveOpenLeadsInTxn(
      storage::WriteTxn& txn, const std::vector<storage::LeadRecord>& leads,
      const std::string& rep_name, bool reassign, const std::string& actor,
      const std::string& reason, int64_t now_us);

  const dsl::PeriodCalendar& calendar() const { return options_.calendar; }

 private:
  struct Effects;
  struct Decided;
  struct BatchItem;

  // One Assign / AssignBatch item inside the writer. Errors before any write are the item's own
  // (INVALID_ARGUMENT, FAILED_PRECONDITION); any other error fails the whole mutation.
  absl::StatusOr<leadrouter::v1::AssignResponse> AssignInTxn(storage::WriteTxn& txn,
                                                             const BatchItem& item,
                                                             const ActiveRules& rules,
                                                             const std::string& actor,
                                                             int64_t now_us, Effects& effects);
  absl::StatusOr<leadrouter::v1::ReassignResponse> ReassignInTxn(
      storage::WriteTxn& txn, const leadrouter::v1::ReassignRequest& request,
      const std::string& fingerprint, const ActiveRules& rules, int64_t now_us, Effects& effects);
  // Decides `lead` with `rules` inside the writer; `excluded` are bare rep ids.
  absl::StatusOr<Decided> DecideInTxn(storage::WriteTxn& txn, const ActiveRules& rules,
                                      const leadrouter::v1::Lead& lead,
                                      const std::vector<std::string>& excluded, uint64_t sequence,
                                      int64_t now_us);

  storage::Storage& storage_;
  RuleRegistry& rules_;
  RosterCache& roster_;
  UnassignedQueue& unassigned_;
  const AssignerOptions options_;
  // Used only on the writer thread, one mutation at a time.
  dsl::DecisionWorkspace workspace_;
};

}  // namespace leadrouter::server
