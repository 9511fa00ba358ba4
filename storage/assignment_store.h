// Assignment history and the atomic assignment commit.
//
// CommitAssignment stages, inside the caller's mutation (one WriteBatch): the lead with its new
// owner and state, the history entry with its explanation, the three history indexes (by rep and
// time, by time, by sequence), every counter the decision's delta moves, the credit back of the
// previous owner's counts on a reassign or close, the audit record, and the events of the change
// when the owner or the pin changed (storage/event_log.h: ASSIGNED, REASSIGNED, UNASSIGNED, PINNED,
// UNPINNED). The caller adds the idempotency record in the same mutation. So a crash leaves all of
// it or none of it.
//
//   queue.Commit([&](WriteTxn& txn) -> absl::Status {
//     ASSIGN_OR_RETURN(uint64_t sequence, NextAssignmentSequence(txn));
//     StoredDecisionState state(txn);             // sees earlier changes of this group
//     ASSIGN_OR_RETURN(dsl::Decision d, dsl::Decide(..., state, {now, sequence}, ...));
//     ASSIGN_OR_RETURN(auto committed, CommitAssignment(txn, {sequence, lead, entry, ...}));
//     return WriteIdempotency(txn, "assign", key, record_with_response);
//   });
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dsl/decision/decision_state.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/explanation.pb.h"
#include "storage/audit_log.h"
#include "storage/read_view.h"
#include "storage/write_txn.h"
#include "storage_records.pb.h"

namespace leadrouter::storage {

// The next assignment sequence: the history entry's id and the decision's DecisionTime::sequence.
// Part of the mutation: rolled back with it.
[[nodiscard]] absl::StatusOr<uint64_t> NextAssignmentSequence(WriteTxn& txn);

// The name of `lead`'s history entry `sequence`: "{lead}/assignments/{sequence, 16 hex digits}".
std::string AssignmentName(absl::string_view lead, uint64_t sequence);

// A history entry to come: its sequence (from NextAssignmentSequence) and its name.
struct NextEntry {
  uint64_t sequence = 0;
  std::string name;
};
[[nodiscard]] absl::StatusOr<NextEntry> NextAssignment(WriteTxn& txn, absl::string_view lead);

// The last assignment sequence handed out (0 before the first): decisions simulated on top of the
// stored state (a dry run from the current load) number theirs after it.
[[nodiscard]] absl::StatusOr<uint64_t> LastAssignmentSequence(const ReadView& view);

// What happens to the counts of the lead's current entry.
enum class PreviousCounts {
  // Nothing (first assignment; a re-decision that kept the owner).
  kKeep,
  // A reassign or release: the previous owner's cap counts and open lead are credited back.
  kCreditBack,
  // The lead was closed: only the previous owner's open count goes down.
  kClose,
};

// Builds the explanation an entry stores. It runs when the commit group is encoded, maybe on the
// thread of the mutation's caller (WriteTxn::Encoder): it owns what it reads.
using ExplanationBuilder = absl::AnyInvocable<leadrouter::v1::Explanation() &&>;
// The builder of an explanation already built.
ExplanationBuilder Built(leadrouter::v1::Explanation explanation);

struct AssignmentChange {
  // From NextAssignmentSequence in the same mutation.
  uint64_t sequence = 0;
  // The lead as it must be stored (input fields, owner, state, pin, SLA deadline).
  // current_assignment and update_time are set by the commit.
  leadrouter::v1::Lead lead;
  // The history entry. name, lead and previous_rep are set by the commit; decide_time defaults to
  // change.now_us.
  leadrouter::v1::Assignment entry;
  // The explanation (bounded: the decisive reps and the counts of the rest), stored apart from
  // the entry (lists of entries do not carry it); empty: none is stored.
  ExplanationBuilder explanation;
  // The decision's delta: present when the lead gets (or is proposed to) an owner.
  std::optional<dsl::StateDelta> delta;
  PreviousCounts previous = PreviousCounts::kKeep;
  // Who and why, for the audit record (its `assignment` is set by the commit).
  ChangeInfo change;
};

struct CommittedAssignment {
  leadrouter::v1::Assignment entry;  // as stored, with its name
  LeadRecord lead;                   // as stored
};

[[nodiscard]] absl::StatusOr<CommittedAssignment> CommitAssignment(WriteTxn& txn,
                                                                   AssignmentChange change);

// One history entry; nullopt when absent.
[[nodiscard]] absl::StatusOr<std::optional<HistoryRecord>> ReadHistoryEntry(const ReadView& view,
                                                                            absl::string_view lead,
                                                                            uint64_t sequence);

// The lead's history, oldest first.
[[nodiscard]] absl::Status ListLeadHistory(const ReadView& view, absl::string_view lead,
                                           absl::FunctionRef<bool(const HistoryRecord&)> visit);

// Entries whose rep is `rep`, decided in [from_us, to_us), in time order.
[[nodiscard]] absl::Status ListRepHistory(const ReadView& view, absl::string_view rep,
                                          int64_t from_us, int64_t to_us, ScanOrder order,
                                          absl::FunctionRef<bool(const HistoryRecord&)> visit);

// Entries decided in [from_us, to_us), in time order (the bounds at the int64 limits: open).
[[nodiscard]] absl::Status ListTimeHistory(const ReadView& view, int64_t from_us, int64_t to_us,
                                           ScanOrder order,
                                           absl::FunctionRef<bool(const HistoryRecord&)> visit);

// Every history entry of every lead, in key order (lead, then sequence).
[[nodiscard]] absl::Status ListAllHistory(const ReadView& view,
                                          absl::FunctionRef<bool(const HistoryRecord&)> visit);

// The history entries with a sequence above `after`, in sequence (commit) order, through the
// sequence index (`assignments_by_sequence`, written with each entry). A database from before the
// index has no index rows for its older entries: only entries committed since are listed.
// DATA_LOSS when the index names an entry that is missing.
[[nodiscard]] absl::Status ListHistoryAfter(const ReadView& view, uint64_t after,
                                            absl::FunctionRef<bool(const HistoryRecord&)> visit);

// The explanation stored with an entry, as it was given to CommitAssignment; nullopt when none
// was stored.
[[nodiscard]] absl::StatusOr<std::optional<leadrouter::v1::Explanation>> ReadExplanation(
    const ReadView& view, uint64_t sequence);

// Every source range of `explanation` (rules, `when`, removals, the deciding rule, a manual
// target's removal), those that are set.
void ForEachRange(leadrouter::v1::Explanation& explanation,
                  absl::FunctionRef<void(leadrouter::v1::SourceRange&)> visit);

// The stored form's one compaction: every range of an explanation of a rule version names that
// version's file (RuleVersion.file_name), so the file is left out of each range when they all
// name one file; ReadExplanation puts it back.
void StripRangeFiles(leadrouter::v1::Explanation& explanation);

}  // namespace leadrouter::storage
