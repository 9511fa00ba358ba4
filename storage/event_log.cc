#include "storage/event_log.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"
#include "storage/keys.h"
#include "storage/layout.h"
#include "storage/records.h"
#include "storage/value_codec.h"

namespace leadrouter::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kCursorDigits = 16;

absl::StatusOr<leadrouter::v1::Event> DecodeEvent(absl::string_view value, uint64_t sequence) {
  leadrouter::v1::Event event;
  RETURN_IF_ERROR(DecodeProto(value, event, absl::StrCat("event ", sequence)));
  event.set_cursor(EventCursor(sequence));
  return event;
}

// As the server's IsPinned (server/assign/lead_fields.h): a pin without an actor is no pin.
bool Pinned(const leadrouter::v1::Lead& lead) {
  return lead.has_pin() && !lead.pin().actor().empty();
}

}  // namespace

std::string EventCursor(uint64_t sequence) { return keys::FormatId(sequence); }

absl::StatusOr<uint64_t> ParseEventCursor(absl::string_view cursor) {
  if (cursor.empty()) return 0;
  uint64_t sequence = 0;
  const bool hex_digits =
      cursor.size() == kCursorDigits && std::all_of(cursor.begin(), cursor.end(), [](char c) {
        return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
      });
  if (!hex_digits || !absl::SimpleHexAtoi(cursor, &sequence)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", cursor, "' is not an event cursor (pass an Event.cursor as it was received)"));
  }
  return sequence;
}

absl::StatusOr<uint64_t> AppendEvent(WriteTxn& txn, leadrouter::v1::Event event) {
  ASSIGN_OR_RETURN(const uint64_t sequence,
                   txn.NextSequence(std::string(meta_key::kEventSequence)));
  event.clear_cursor();
  if (event.principal().empty()) event.set_principal(std::string(txn.principal()));
  std::string by_lead = keys::EventByLead(event.lead(), sequence);
  RETURN_IF_ERROR(
      WriteMessageLater(txn, ColumnFamily::kEvents, keys::Event(sequence), std::move(event)));
  RETURN_IF_ERROR(txn.PutUnindexed(ColumnFamily::kEventsByLead, std::move(by_lead), ""));
  return sequence;
}

namespace {

bool InReview(const leadrouter::v1::Lead& lead) {
  return lead.state() == leadrouter::v1::LEAD_STATE_PENDING_REVIEW;
}

// The owner as events report it: a rep a lead is only proposed to (PENDING_REVIEW) does not own
// it until the proposal is approved.
const std::string& EventOwner(const leadrouter::v1::Lead& lead) {
  static const std::string kNone;
  return InReview(lead) ? kNone : lead.owner();
}

leadrouter::v1::Event BaseEvent(const leadrouter::v1::Lead& lead, const EventContext& context) {
  leadrouter::v1::Event event;
  *event.mutable_time() = TimeUtil::MicrosecondsToTimestamp(context.now_us);
  event.set_lead(lead.name());
  event.set_rule_version(context.rule_version);
  event.set_actor(context.actor);
  event.set_reason(context.reason);
  return event;
}

}  // namespace

absl::Status AppendLeadEvents(WriteTxn& txn, const leadrouter::v1::Lead& before,
                              const leadrouter::v1::Lead& after, const EventContext& context) {
  namespace v1 = leadrouter::v1;
  const v1::Event base = BaseEvent(after, context);
  const bool new_proposal =
      InReview(after) && (!InReview(before) || before.owner() != after.owner());
  const bool proposal_dropped = InReview(before) && (!InReview(after) || new_proposal) &&
                                context.assignment_kind != v1::ASSIGNMENT_KIND_REVIEW;
  if (proposal_dropped) {
    v1::Event event = base;
    event.set_kind(v1::EVENT_KIND_REVIEW_REJECTED);
    event.set_rep(before.owner());
    event.set_assignment(context.assignment);
    event.set_assignment_kind(context.assignment_kind);
    RETURN_IF_ERROR(AppendEvent(txn, std::move(event)).status());
  }
  if (new_proposal) {
    v1::Event event = base;
    event.set_kind(v1::EVENT_KIND_REVIEW_PENDING);
    event.set_rep(after.owner());
    event.set_previous_rep(EventOwner(before));
    event.set_assignment(context.assignment);
    event.set_assignment_kind(context.assignment_kind);
    RETURN_IF_ERROR(AppendEvent(txn, std::move(event)).status());
  } else if (EventOwner(before) != EventOwner(after)) {
    v1::Event event = base;
    event.set_kind(EventOwner(before).empty()  ? v1::EVENT_KIND_ASSIGNED
                   : EventOwner(after).empty() ? v1::EVENT_KIND_UNASSIGNED
                                               : v1::EVENT_KIND_REASSIGNED);
    event.set_rep(EventOwner(after));
    event.set_previous_rep(EventOwner(before));
    event.set_assignment(context.assignment);
    event.set_assignment_kind(context.assignment_kind);
    RETURN_IF_ERROR(AppendEvent(txn, std::move(event)).status());
  }
  if (Pinned(before) != Pinned(after)) {
    v1::Event event = base;
    event.set_kind(Pinned(after) ? v1::EVENT_KIND_PINNED : v1::EVENT_KIND_UNPINNED);
    event.set_rep(after.owner());
    RETURN_IF_ERROR(AppendEvent(txn, std::move(event)).status());
  }
  if (context.assignment_kind == v1::ASSIGNMENT_KIND_CLOSE) {
    v1::Event event = base;
    event.set_kind(v1::EVENT_KIND_LEAD_CLOSED);
    event.set_rep(after.owner());
    event.set_assignment(context.assignment);
    event.set_assignment_kind(context.assignment_kind);
    event.set_lead_state(after.state());
    event.set_close_resolution(after.close_resolution());
    RETURN_IF_ERROR(AppendEvent(txn, std::move(event)).status());
  }
  return absl::OkStatus();
}

absl::Status AppendReviewExpiredEvent(WriteTxn& txn, const leadrouter::v1::Lead& lead,
                                      const EventContext& context) {
  leadrouter::v1::Event event = BaseEvent(lead, context);
  event.set_kind(leadrouter::v1::EVENT_KIND_REVIEW_EXPIRED);
  event.set_rep(lead.owner());
  event.set_assignment(lead.current_assignment());
  return AppendEvent(txn, std::move(event)).status();
}

absl::Status AppendSlaStepEvent(WriteTxn& txn, leadrouter::v1::EventKind kind,
                                const leadrouter::v1::Lead& lead,
                                const leadrouter::v1::SlaStep& step, const EventContext& context) {
  leadrouter::v1::Event event = BaseEvent(lead, context);
  event.set_kind(kind);
  event.set_rep(lead.owner());
  event.set_assignment(lead.current_assignment());
  event.set_sla_step(step.index());
  *event.mutable_due_time() = step.due_time();
  return AppendEvent(txn, std::move(event)).status();
}

absl::Status AppendTaskEvent(WriteTxn& txn, leadrouter::v1::EventKind kind,
                             const leadrouter::v1::Task& task, const EventContext& context) {
  leadrouter::v1::Event event;
  event.set_kind(kind);
  *event.mutable_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(context.now_us);
  event.set_lead(task.lead());
  event.set_rep(task.rep());
  event.set_rule_version(context.rule_version);
  event.set_actor(context.actor);
  event.set_reason(context.reason);
  event.set_assignment(task.assignment());
  event.set_task(task.name());
  event.set_channel_name(task.channel_name());
  event.set_followup(task.followup());
  *event.mutable_due_time() = task.due_time();
  return AppendEvent(txn, std::move(event)).status();
}

absl::Status AppendFollowUpEvent(WriteTxn& txn, const leadrouter::v1::FollowUp& followup,
                                 int64_t rule_version) {
  leadrouter::v1::Event event;
  event.set_kind(leadrouter::v1::EVENT_KIND_FOLLOW_UP_RECORDED);
  *event.mutable_time() = followup.create_time();
  event.set_lead(followup.lead());
  event.set_rep(followup.rep());
  event.set_rule_version(rule_version);
  event.set_actor(followup.actor());
  event.set_lead_state(followup.lead_state());
  event.set_followup(followup.name());
  event.set_channel_name(followup.channel_name());
  event.set_outcome(followup.outcome());
  return AppendEvent(txn, std::move(event)).status();
}

absl::StatusOr<uint64_t> LastEventSequence(const ReadView& view) {
  const std::string key(meta_key::kEventSequence);
  ASSIGN_OR_RETURN(const std::optional<std::string> stored, view.Get(ColumnFamily::kMeta, key));
  if (!stored.has_value()) return 0;
  return DecodeInteger(*stored, key);
}

absl::StatusOr<uint64_t> OldestRetainedPosition(const ReadView& view) {
  std::optional<uint64_t> oldest;
  RETURN_IF_ERROR(view.Scan(ColumnFamily::kEvents, "", "", ScanOrder::kAscending,
                            [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                              KeyReader reader(key);
                              ASSIGN_OR_RETURN(oldest, reader.U64());
                              return false;
                            }));
  if (oldest.has_value()) return *oldest - 1;
  return LastEventSequence(view);
}

absl::Status CheckEventPosition(const ReadView& view, uint64_t after) {
  ASSIGN_OR_RETURN(const uint64_t oldest, OldestRetainedPosition(view));
  if (after < oldest) {
    return absl::OutOfRangeError(absl::StrCat(
        "cursor ", EventCursor(after), " is older than the oldest retained event: events after it ",
        "were trimmed by the retention; the oldest cursor to resume from is ", EventCursor(oldest),
        " (or none, for every retained event)"));
  }
  ASSIGN_OR_RETURN(const uint64_t last, LastEventSequence(view));
  if (after > last) {
    return absl::OutOfRangeError(absl::StrCat("cursor ", EventCursor(after),
                                              " is past the last event of this database, ",
                                              EventCursor(last), "; was it from another server?"));
  }
  return absl::OkStatus();
}

absl::StatusOr<EventPage> ReadEventsAfter(const ReadView& view, uint64_t after, size_t max_events) {
  EventPage page;
  page.last = after;
  if (max_events == 0) return page;
  RETURN_IF_ERROR(
      view.Scan(ColumnFamily::kEvents, keys::Event(after + 1), "", ScanOrder::kAscending,
                [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                  KeyReader reader(key);
                  ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
                  ASSIGN_OR_RETURN(leadrouter::v1::Event event, DecodeEvent(value, sequence));
                  page.events.push_back(std::move(event));
                  page.last = sequence;
                  return page.events.size() < max_events;
                }));
  return page;
}

absl::StatusOr<EventPage> ReadLeadEventsAfter(const ReadView& view, absl::string_view lead,
                                              uint64_t after, size_t max_events) {
  EventPage page;
  page.last = after;
  if (max_events == 0) return page;
  const std::string prefix = keys::EventsOfLead(lead);
  RETURN_IF_ERROR(view.Scan(
      ColumnFamily::kEventsByLead, keys::EventByLead(lead, after + 1), PrefixEnd(prefix),
      ScanOrder::kAscending, [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
        KeyReader reader(key.substr(prefix.size()));
        ASSIGN_OR_RETURN(const uint64_t sequence, reader.U64());
        ASSIGN_OR_RETURN(const std::optional<std::string> value,
                         view.Get(ColumnFamily::kEvents, keys::Event(sequence)));
        // Trimming deletes an event and its index entry in one mutation, so a snapshot sees
        // both or neither.
        if (!value.has_value()) {
          return absl::DataLossError(
              absl::StrCat("events_by_lead names event ", sequence, " of ", lead, ", not stored"));
        }
        ASSIGN_OR_RETURN(leadrouter::v1::Event event, DecodeEvent(*value, sequence));
        page.events.push_back(std::move(event));
        page.last = sequence;
        return page.events.size() < max_events;
      }));
  return page;
}

absl::StatusOr<int64_t> TrimEvents(Storage& storage, int64_t older_than_us, size_t max_per_batch) {
  const size_t limit = std::max<size_t>(1, max_per_batch);
  int64_t trimmed = 0;
  // In the writer, so that the oldest events are read and deleted with nothing in between.
  RETURN_IF_ERROR(storage.commits().Commit([&](WriteTxn& txn) -> absl::Status {
    trimmed = 0;
    ASSIGN_OR_RETURN(const EventPage page, ReadEventsAfter(txn, 0, limit));
    for (const leadrouter::v1::Event& event : page.events) {
      if (TimeUtil::TimestampToMicroseconds(event.time()) >= older_than_us) break;
      ASSIGN_OR_RETURN(const uint64_t sequence, ParseEventCursor(event.cursor()));
      RETURN_IF_ERROR(txn.Delete(ColumnFamily::kEvents, keys::Event(sequence)));
      RETURN_IF_ERROR(
          txn.Delete(ColumnFamily::kEventsByLead, keys::EventByLead(event.lead(), sequence)));
      ++trimmed;
    }
    return absl::OkStatus();
  }));
  return trimmed;
}

}  // namespace leadrouter::storage
