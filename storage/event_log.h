// The event log: every change of a lead's owner or pin, in commit order, for the streams and
// timelines of EventService (proto/leadrouter/v1/events.proto).
//
// An event is staged inside the mutation of the change it reports (AppendEvent), so it commits
// atomically with it: the log holds an event exactly when the change is stored, and a rolled-back
// mutation leaves none. Events are numbered by their own sequence (meta `sequence/event`), which
// a rolled-back mutation gives back, so the retained log is a gap-free run of sequences.
// Retention trims the oldest events only (TrimEvents), so what is retained is always a suffix of
// the log: a reader's cursor either still has every event after it, or is refused
// (OUT_OF_RANGE), never silently skips some.
//
// Cursors are opaque to clients: EventCursor(sequence) means "after the event `sequence`".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "leadrouter/v1/events.pb.h"
#include "leadrouter/v1/followups.pb.h"
#include "storage/read_view.h"
#include "storage/storage.h"
#include "storage/write_txn.h"

namespace leadrouter::storage {

// The cursor of event `sequence` (EventCursor(0): before the first event), and back.
// ParseEventCursor: INVALID_ARGUMENT for a string no EventCursor made; "" is 0.
std::string EventCursor(uint64_t sequence);
[[nodiscard]] absl::StatusOr<uint64_t> ParseEventCursor(absl::string_view cursor);

// Stages `event` in the current mutation with the next event sequence, and returns it. The event's
// cursor is not stored (it is its key); `principal` is the mutation's when the event has none.
[[nodiscard]] absl::StatusOr<uint64_t> AppendEvent(WriteTxn& txn, leadrouter::v1::Event event);

// What a change of a lead says besides the lead itself.
struct EventContext {
  int64_t now_us = 0;  // commit time, microseconds since the Unix epoch
  std::string actor;
  std::string reason;
  int64_t rule_version = 0;  // the active rule version, 0 if none
  // The history entry of an owner change, and its kind; empty / unset for a pin change alone.
  std::string assignment;
  leadrouter::v1::AssignmentKind assignment_kind = leadrouter::v1::ASSIGNMENT_KIND_UNSPECIFIED;
};

// Stages the events of `lead` going from `before` to `after`, in this order: REVIEW_REJECTED when
// a proposal (PENDING_REVIEW) ended other than by its approval (an entry of kind REVIEW);
// REVIEW_PENDING when the lead became a new proposal, or else ASSIGNED, REASSIGNED or UNASSIGNED
// when the owner changed, a proposed rep counting as no owner (so an approval is ASSIGNED);
// PINNED or UNPINNED when the pin did; LEAD_CLOSED when the change is a close (its history entry's
// kind is CLOSE). Nothing when none of these happened. With AppendFollowUpEvent and
// AppendReviewExpiredEvent, the one place that decides which events a change of a lead makes:
// CommitAssignment (storage/assignment_store.h) and SetPin call it.
[[nodiscard]] absl::Status AppendLeadEvents(WriteTxn& txn, const leadrouter::v1::Lead& before,
                                            const leadrouter::v1::Lead& after,
                                            const EventContext& context);

// Stages REVIEW_EXPIRED for `lead`, PENDING_REVIEW, whose proposal waited past the review timeout.
[[nodiscard]] absl::Status AppendReviewExpiredEvent(WriteTxn& txn, const leadrouter::v1::Lead& lead,
                                                    const EventContext& context);

// Stages an SLA step's event (SLA_WARNING, SLA_BREACHED, SLA_ESCALATED) for `lead` as it was
// when the step came due: its owner is the rep who missed the step. When the step moves the lead,
// the move's own event (REASSIGNED) follows.
[[nodiscard]] absl::Status AppendSlaStepEvent(WriteTxn& txn, leadrouter::v1::EventKind kind,
                                              const leadrouter::v1::Lead& lead,
                                              const leadrouter::v1::SlaStep& step,
                                              const EventContext& context);

// Stages a task's event (TASK_CREATED, TASK_OVERDUE, TASK_DONE) for `task` as stored.
[[nodiscard]] absl::Status AppendTaskEvent(WriteTxn& txn, leadrouter::v1::EventKind kind,
                                           const leadrouter::v1::Task& task,
                                           const EventContext& context);

// Stages FOLLOW_UP_RECORDED for `followup` (complete: name, rep, channel, outcome, lead state and
// create time set). PutFollowUp (storage/followup_store.h) calls it, so no follow-up is stored
// without its event.
[[nodiscard]] absl::Status AppendFollowUpEvent(WriteTxn& txn,
                                               const leadrouter::v1::FollowUp& followup,
                                               int64_t rule_version);

// The last event sequence handed out; 0 before the first.
[[nodiscard]] absl::StatusOr<uint64_t> LastEventSequence(const ReadView& view);

// The oldest position a reader can resume from: the sequence just before the oldest retained
// event, or LastEventSequence when every event was trimmed.
[[nodiscard]] absl::StatusOr<uint64_t> OldestRetainedPosition(const ReadView& view);

// OK when every event after `after` is still retained and `after` is not past the last event;
// otherwise OUT_OF_RANGE naming the cursor and the oldest (or last) one.
[[nodiscard]] absl::Status CheckEventPosition(const ReadView& view, uint64_t after);

// Some consecutive events of the log (or of one lead's part of it), oldest first.
struct EventPage {
  // With their cursors set.
  std::vector<leadrouter::v1::Event> events;
  // The sequence of the last event read; the `after` given when there were none. Pass it as the
  // next `after`.
  uint64_t last = 0;
};

// At most `max_events` events with sequence > `after`.
[[nodiscard]] absl::StatusOr<EventPage> ReadEventsAfter(const ReadView& view, uint64_t after,
                                                        size_t max_events);
// At most `max_events` events of `lead` (`leads/{lead}`) with sequence > `after`.
[[nodiscard]] absl::StatusOr<EventPage> ReadLeadEventsAfter(const ReadView& view,
                                                            absl::string_view lead, uint64_t after,
                                                            size_t max_events);

// Deletes, through the writer, the oldest events whose time is before `older_than_us`, at most
// `max_per_batch` in one mutation, stopping at the first younger event (so what is retained stays
// a suffix of the log). Returns how many were deleted; fewer than `max_per_batch` means none is
// left to trim.
[[nodiscard]] absl::StatusOr<int64_t> TrimEvents(Storage& storage, int64_t older_than_us,
                                                 size_t max_per_batch);

}  // namespace leadrouter::storage
