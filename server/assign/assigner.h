// Who owns a lead and where it is in its life: Assign, AssignBatch, Reassign, SetPin, Review,
// CloseLead and RecordFollowUp, the SLA chains and follow-up tasks an owner gets and their sweeper,
// the retry of unassigned leads, and the moves a rep's removal needs.
// The core behind AssignmentService's writes; no gRPC here.
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
//
// One header, a file per operation (as RocksDB splits db_impl_*.cc): assigner.cc (construction,
// the decision and the steps every operation shares), assigner_assign.cc, assigner_batch.cc,
// assigner_reassign.cc, assigner_pin.cc, assigner_retry.cc (RetryUnassigned), assigner_moves.cc
// (MoveOpenLeadsInTxn), assigner_close.cc (CloseLead), assigner_followup.cc (RecordFollowUp),
// assigner_review.cc (Review, ExpireReviews), assigner_plan.cc (what a change of owner starts:
// SLA chain and tasks), assigner_sla.cc (SweepDue); what they share
// privately is in internal/assigner_internal.h.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dsl/base/escalation_target.h"
#include "dsl/decision/assignment_plan.h"
#include "dsl/decision/decide.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/working_time.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/followups.pb.h"
#include "leadrouter/v1/reps.pb.h"
#include "server/api/call_context.h"
#include "server/api/clock.h"
#include "server/assign/lead_lifecycle.h"
#include "server/assign/review_timeout.h"
#include "server/assign/unassigned_queue.h"
#include "server/roster/rep_performance_tracker.h"
#include "server/roster/roster_cache.h"
#include "server/rules/rule_registry.h"
#include "server/scoring/score_registry.h"
#include "storage/assignment_store.h"
#include "storage/due_index.h"
#include "storage/storage.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::server {

// AssignBatch accepts at most this many items (RESOURCE_EXHAUSTED above).
inline constexpr int kMaxBatchItems = 500;

// Every day 00:00-24:00 in UTC: a schedule under which working time is wall-clock time.
dsl::WorkSchedule AroundTheClock();

struct AssignerOptions {
  // Day / week / month boundaries of caps. Default: UTC.
  dsl::PeriodCalendar calendar;
  // Where "now" comes from (server/api/clock.h); must outlive the Assigner. Default: the system
  // clock
  const Clock* clock = &Clock::System();
  // The reps' performance figures the decision reads as rep fields, fed after every commit that
  // changes them (server/roster/rep_performance_tracker.h); must outlive the Assigner. Null: the
  // roster's own values (neutral figures). Default: null
  RepPerformanceTracker* performance = nullptr;
  // Tests only: runs after a call took its rules snapshot and before it queues its decision, so a
  // test can hold a call in flight. Default: none.
  std::function<void()> before_decide_for_testing;
  // Follow-up channels on top of the built-in ones (dsl/base/vocabulary.h), checked with
  // dsl::CheckExtraChannels by whoever configures them. Default: none
  std::vector<std::string> extra_channels;
  // How long a proposal may wait for review before ExpireReviews acts on it; zero or less: never.
  // Default: 24 hours
  absl::Duration review_timeout = absl::Hours(24);
  // Default: kEscalate
  ReviewTimeoutAction review_timeout_action = ReviewTimeoutAction::kEscalate;
  // The schedule of a rep without its own (Rep.schedule), for working-time SLA steps and tasks.
  // Default: around the clock in UTC (AroundTheClock()), so a working hour is an hour
  dsl::WorkSchedule default_schedule = AroundTheClock();
  // The SLA of an assignment whose rule has no `sla`, and of a manual one. Default:
  // `24h then notify` (dsl::DefaultSlaPolicy())
  dsl::SlaPolicy default_sla = dsl::DefaultSlaPolicy();
  // What stops the SLA clock. Default: the owner's first follow-up, whatever its outcome
  SlaStopsOn sla_stops_on = SlaStopsOn::kAttempt;
  // Whom a bare `escalate` hands the lead to; kDefault: nobody is configured, so such a step only
  // reports (SLA_ESCALATED, the lead stays). Default: kDefault
  dsl::EscalationTarget escalation_target;
  // How far ahead a working-time due time may be searched (dsl/decision/working_time.h).
  dsl::WorkTimeLimits work_time_limits;
  // Scores a lead the client sent without `score`, on the calling thread before its decision
  // goes to the writer, while a model is active (server/scoring/score_registry.h); must outlive
  // the Assigner. Default: none (no scoring)
  const ScoreRegistry* scores = nullptr;
};

// The Assigner's private parts, shared by its files (server/assign/internal/assigner_internal.h).
namespace assign_internal {
struct BatchItem;
struct Closing;
struct Decided;
struct Effects;
}  // namespace assign_internal

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
  // Closes a lead (WON, LOST, DISQUALIFIED) through CommitAssignment, crediting back the owner's
  // open-lead count.
  [[nodiscard]] absl::StatusOr<leadrouter::v1::CloseLeadResponse> CloseLead(
      const leadrouter::v1::CloseLeadRequest& request, const CallContext& call);
  // Records a contact and moves the lead's state (server/assign/lead_lifecycle.h); a closing
  // outcome closes the lead as CloseLead does. A rep other than the owner needs a manager or
  // admin caller (CallContext::role).
  [[nodiscard]] absl::StatusOr<leadrouter::v1::RecordFollowUpResponse> RecordFollowUp(
      const leadrouter::v1::RecordFollowUpRequest& request, const CallContext& call);
  // A manager's verdict on a proposal (a lead PENDING_REVIEW): approved, the proposed rep owns it
  // and its SLA starts; rejected, it goes to the rep the request names (checked as a manual
  // Reassign) or becomes unassigned, and the rules never propose it to the rejected rep again.
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ReviewResponse> Review(
      const leadrouter::v1::ReviewRequest& request, const CallContext& call);

  // Applies review_timeout_action to every proposal older than review_timeout, one commit per
  // lead (at most 1000 per run). Returns how many it acted on.
  [[nodiscard]] absl::StatusOr<int> ExpireReviews();

  // The SLA sweeper (assigner_sla.cc): applies every SLA step and reports every task that is due
  // at the clock's now, oldest first, at most `max_items` of them (the rest wait for the next
  // run), each in its own commit that also deletes its row of the due index, so a step is applied
  // exactly once across crashes and restarts. Returns how many it handled.
  [[nodiscard]] absl::StatusOr<int> SweepDue(size_t max_items = 10000);

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
  const Clock& clock() const { return *options_.clock; }
  const dsl::WorkSchedule& default_schedule() const { return options_.default_schedule; }

 private:
  using BatchItem = assign_internal::BatchItem;
  using Decided = assign_internal::Decided;
  using Effects = assign_internal::Effects;

  // assigner.cc: what every operation shares.
  // The rules snapshot a call decides with (then the test hook runs).
  std::shared_ptr<const ActiveRules> RulesForCall() const;
  // Sets `item.score` from the active model unless the client sent a score (then the client's
  // wins) or no model is active. Reads the stored lead when the item updates only some fields.
  // Runs on the caller's thread, never inside the writer: scoring takes tens of microseconds.
  [[nodiscard]] absl::Status ScoreItem(BatchItem& item) const;
  // The stored lead's score by the active model, before a Reassign by the rules goes to the
  // writer; nullopt when no model is active, the lead is absent, or its score is the client's
  // (its current entry was not scored by a model).
  [[nodiscard]] absl::StatusOr<std::optional<LeadScore>> RescoreStoredLead(
      const std::string& lead_name) const;
  // Decides `lead` with `rules` inside the writer; `excluded` are bare rep ids.
  absl::StatusOr<Decided> DecideInTxn(storage::WriteTxn& txn, const ActiveRules& rules,
                                      const leadrouter::v1::Lead& lead,
                                      const std::vector<std::string>& excluded, uint64_t sequence,
                                      int64_t now_us);
  // What the unassigned queue learns once `committed` (entry `sequence`) is durable: the lead
  // joins it when it has no owner, and leaves it otherwise. The performance tracker learns the
  // entry's outcome facts at the same moment.
  std::function<void()> UpdateQueueAfter(const storage::CommittedAssignment& committed,
                                         uint64_t sequence);

  // assigner_assign.cc: one Assign / AssignBatch item inside the writer. Errors before any write
  // are the item's own (INVALID_ARGUMENT, FAILED_PRECONDITION); any other error fails the whole
  // mutation.
  absl::StatusOr<leadrouter::v1::AssignResponse> AssignInTxn(storage::WriteTxn& txn,
                                                             const BatchItem& item,
                                                             const ActiveRules& rules,
                                                             const std::string& actor,
                                                             int64_t now_us, Effects& effects);
  // A lead without an owner (new, unassigned, or in review) decided and committed.
  absl::StatusOr<leadrouter::v1::AssignResponse> DecideNewOwnerInTxn(
      storage::WriteTxn& txn, const BatchItem& item, leadrouter::v1::Lead lead,
      const ActiveRules& rules, const std::string& actor, int64_t now_us, Effects& effects);

  // assigner_reassign.cc
  // `rescored`: the lead's score by the active model (RescoreStoredLead), for by_rule.
  absl::StatusOr<leadrouter::v1::ReassignResponse> ReassignInTxn(
      storage::WriteTxn& txn, const leadrouter::v1::ReassignRequest& request,
      const std::string& fingerprint, const ActiveRules& rules, int64_t now_us, Effects& effects,
      const std::optional<LeadScore>& rescored = std::nullopt);
  // The rules pick the new owner (ReassignRequest.by_rule) and fill `change`. Returns whether the
  // lead moves: false when no rep qualifies and release_if_none does not apply. `rescored`, when
  // set, is the score the rules read, recorded on the lead and the entry.
  absl::StatusOr<bool> ReassignByRuleInTxn(storage::WriteTxn& txn,
                                           const leadrouter::v1::ReassignRequest& request,
                                           const ActiveRules& rules, const std::string& entry_name,
                                           int64_t now_us, storage::AssignmentChange& change,
                                           const std::optional<LeadScore>& rescored = std::nullopt);
  // A manager names the rep (ReassignRequest.rep): checked for availability (refused unless
  // forced), and `change` filled.
  absl::Status ReassignToRepInTxn(storage::WriteTxn& txn,
                                  const leadrouter::v1::ReassignRequest& request,
                                  const ActiveRules& rules, int64_t now_us,
                                  storage::AssignmentChange& change);

  // assigner_review.cc
  absl::StatusOr<leadrouter::v1::ReviewResponse> ReviewInTxn(
      storage::WriteTxn& txn, const leadrouter::v1::ReviewRequest& request,
      const std::string& fingerprint, const ActiveRules& rules, int64_t now_us, Effects& effects);
  // Fills `change` (its lead the proposal, its entry new) to approve the proposal.
  absl::Status ApproveInTxn(storage::WriteTxn& txn, const std::string& actor,
                            const std::string& reason, int64_t now_us,
                            storage::AssignmentChange& change);
  // Fills `change` to drop the proposal: the lead unassigned, its counts credited back.
  static void RejectToNoOne(const std::string& actor, const std::string& reason, int64_t now_us,
                            storage::AssignmentChange& change);

  // assigner_plan.cc: what a change of owner starts and ends.
  // Commits `change` (storage::CommitAssignment) with what it means for the lead's SLA and tasks:
  // a lead that gets an owner (assigned, reassigned, approved, escalated) starts the chain of
  // `change.entry.sla` (the server's default when it has none) and the tasks of
  // `change.entry.followup_plan`, due in the new owner's working time; a lead that loses its owner
  // drops its chain, one that closes stops it, and both cancel their open tasks. A lead that keeps
  // its owner keeps its chain and tasks. The tasks created go to `tasks` when it is given.
  absl::StatusOr<storage::CommittedAssignment> CommitChangeInTxn(
      storage::WriteTxn& txn, storage::AssignmentChange change,
      std::vector<leadrouter::v1::Task>* tasks = nullptr);
  // The schedule `rep` works on: its own, or the server's default.
  absl::StatusOr<dsl::WorkSchedule> ScheduleOf(const storage::ReadView& view,
                                               const std::string& rep) const;
  // Cancels the lead's OPEN tasks as of `now_us` (their owner lost the lead, or it closed).
  static absl::Status CancelOpenTasks(storage::WriteTxn& txn, const std::string& lead,
                                      int64_t now_us);
  // Completes the task `followup` (named, with its rep and channel resolved) is for: the one it
  // names (INVALID_ARGUMENT, NOT_FOUND or FAILED_PRECONDITION TASK_NOT_OPEN when that cannot be),
  // or else the owner's open task on its channel that is due first. Returns the task as stored,
  // nullopt when the follow-up completes none; the caller stages its TASK_DONE event.
  static absl::StatusOr<std::optional<leadrouter::v1::Task>> CompleteTaskInTxn(
      storage::WriteTxn& txn, const leadrouter::v1::Lead& lead,
      const leadrouter::v1::FollowUp& followup, int64_t now_us);

  // assigner_sla.cc: one due row of the sweeper, in its own mutation. Returns whether it acted.
  absl::StatusOr<bool> ApplyDueInTxn(storage::WriteTxn& txn, const storage::DueItem& item,
                                     const ActiveRules& rules, int64_t now_us, Effects& effects);
  absl::StatusOr<bool> ApplySlaStepInTxn(storage::WriteTxn& txn, const storage::DueItem& item,
                                         const ActiveRules& rules, int64_t now_us,
                                         Effects& effects);
  // Hands `lead` to the escalation target (a rep, or the least-loaded available rep of a team);
  // returns what happened, for the step's result. `change` is filled when the lead moves.
  absl::StatusOr<std::string> EscalateInTxn(storage::WriteTxn& txn,
                                            const dsl::EscalationTarget& target,
                                            const ActiveRules& rules, int64_t now_us,
                                            storage::AssignmentChange& change, bool& moved);

  // assigner_close.cc
  // Commits the close of `lead` (assign_internal::CloseChange) as its next history entry, the
  // unassigned queue updated once durable: what CloseLead and a closing follow-up both do.
  absl::StatusOr<storage::CommittedAssignment> CommitCloseInTxn(
      storage::WriteTxn& txn, const leadrouter::v1::Lead& lead,
      const assign_internal::Closing& closing, int64_t rule_version, int64_t now_us,
      Effects& effects);
  absl::StatusOr<leadrouter::v1::CloseLeadResponse> CloseLeadInTxn(
      storage::WriteTxn& txn, const leadrouter::v1::CloseLeadRequest& request,
      const std::string& fingerprint, int64_t rule_version, int64_t now_us, Effects& effects);
  // assigner_followup.cc
  absl::StatusOr<leadrouter::v1::RecordFollowUpResponse> RecordFollowUpInTxn(
      storage::WriteTxn& txn, const leadrouter::v1::RecordFollowUpRequest& request,
      const std::string& fingerprint, const CallContext& call, int64_t rule_version, int64_t now_us,
      Effects& effects);

  storage::Storage& storage_;
  RuleRegistry& rules_;
  RosterCache& roster_;
  UnassignedQueue& unassigned_;
  const AssignerOptions options_;
  // Used only on the writer thread, one mutation at a time.
  dsl::DecisionWorkspace workspace_;
};

}  // namespace leadrouter::server
