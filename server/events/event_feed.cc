#include "server/events/event_feed.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "server/api/errors.h"
#include "server/api/page_token.h"
#include "server/api/validation.h"
#include "storage/event_log.h"
#include "storage/read_view.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

// The kinds a request asks for; empty: every kind. INVALID_ARGUMENT naming `kinds[i]` for a kind
// that is not one.
absl::StatusOr<std::vector<v1::EventKind>> ParseKinds(
    const google::protobuf::RepeatedField<int>& kinds) {
  std::vector<v1::EventKind> parsed;
  for (int i = 0; i < kinds.size(); ++i) {
    if (!v1::EventKind_IsValid(kinds[i]) || kinds[i] == v1::EVENT_KIND_UNSPECIFIED) {
      return InvalidField(absl::StrCat("kinds[", i, "]"), absl::StrCat("unknown kind ", kinds[i]));
    }
    parsed.push_back(static_cast<v1::EventKind>(kinds[i]));
  }
  return parsed;
}

bool Wanted(const std::vector<v1::EventKind>& kinds, const v1::Event& event) {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), event.kind()) != kinds.end();
}

}  // namespace

EventFeed::EventFeed(storage::Storage& storage, EventFeedOptions options)
    : storage_(storage), options_(std::move(options)) {}

absl::Status EventFeed::EnterWatcher() {
  std::lock_guard lock(mu_);
  if (stopped_) return ShuttingDown();
  if (watchers_ >= options_.max_watchers) {
    return absl::ResourceExhaustedError(
        absl::StrCat("already ", watchers_,
                     " WatchEvents streams, the most --max-event-watchers allows; "
                     "retry later or close another stream"));
  }
  ++watchers_;
  return absl::OkStatus();
}

void EventFeed::LeaveWatcher() {
  std::lock_guard lock(mu_);
  --watchers_;
}

bool EventFeed::stopped() const {
  std::lock_guard lock(mu_);
  return stopped_;
}

void EventFeed::Stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  // Waiting streams look again, see stopped_ and end.
  storage_.commits().notifier().Notify();
}

absl::Status EventFeed::Watch(const v1::WatchEventsRequest& request, const CallContext& call,
                              absl::FunctionRef<bool()> cancelled,
                              absl::FunctionRef<bool(const v1::Event&)> write) {
  absl::StatusOr<uint64_t> after = storage::ParseEventCursor(request.after());
  if (!after.ok()) return InvalidField("after", after.status().message());
  ASSIGN_OR_RETURN(const std::vector<v1::EventKind> kinds, ParseKinds(request.kinds()));
  const std::string& lead = request.lead();
  if (!lead.empty()) RETURN_IF_ERROR(ParseName(lead, "leads", "lead").status());

  RETURN_IF_ERROR(EnterWatcher());
  struct Leave {
    EventFeed& feed;
    ~Leave() { feed.LeaveWatcher(); }
  } leave{*this};
  const size_t batch = std::max<size_t>(1, options_.batch);
  const storage::CommitNotifier& notifier = storage_.commits().notifier();
  uint64_t position = *after;
  if (request.after().empty()) {
    // From the oldest retained event: a first subscriber gets all the log still holds.
    storage::DatabaseView view(storage_.database());
    ASSIGN_OR_RETURN(position, storage::OldestRetainedPosition(view));
  }
  while (true) {
    if (stopped()) return ShuttingDown();
    if (cancelled()) return absl::OkStatus();
    RETURN_IF_ERROR(call.CheckDeadline());
    // Taken before reading, so that a commit after the reads still ends the wait below at once.
    const uint64_t seen = notifier.generation();
    storage::EventPage page;
    uint64_t last = 0;
    {
      storage::DatabaseView view(storage_.database());
      // Every time, not only at the start: a stream that fell behind the retention is told so.
      RETURN_IF_ERROR(storage::CheckEventPosition(view, position));
      ASSIGN_OR_RETURN(last, storage::LastEventSequence(view));
      ASSIGN_OR_RETURN(page, lead.empty()
                                 ? storage::ReadEventsAfter(view, position, batch)
                                 : storage::ReadLeadEventsAfter(view, lead, position, batch));
    }
    for (const v1::Event& event : page.events) {
      if (!Wanted(kinds, event)) continue;
      if (!write(event)) return absl::OkStatus();  // the client is gone
    }
    if (page.events.size() == batch) {
      position = page.last;  // more to read at once
      continue;
    }
    // Everything up to `last` has been looked at (a lead's stream skips the other leads' events).
    position = std::max(page.last, last);
    notifier.WaitAfter(
        seen,
        std::min(call.deadline, absl::Now() + absl::FromChrono(options_.cancel_check_interval)));
  }
}

absl::StatusOr<v1::ListLeadEventsResponse> EventFeed::ListLeadEvents(
    const v1::ListLeadEventsRequest& request) const {
  RETURN_IF_ERROR(ParseName(request.lead(), "leads", "lead").status());
  ASSIGN_OR_RETURN(const std::vector<v1::EventKind> kinds, ParseKinds(request.kinds()));
  ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 50, 1000));
  const uint64_t fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(const std::string token, DecodePageToken(request.page_token(), fingerprint));
  uint64_t position = 0;
  if (!token.empty() && !absl::SimpleAtoi(token, &position)) {
    return InvalidField("page_token", "not a token this server issued");
  }

  v1::ListLeadEventsResponse response;
  storage::DatabaseView view(storage_.database());
  const size_t batch = std::max<size_t>(1, options_.batch);
  while (true) {
    ASSIGN_OR_RETURN(const storage::EventPage page,
                     storage::ReadLeadEventsAfter(view, request.lead(), position, batch));
    for (const v1::Event& event : page.events) {
      if (!Wanted(kinds, event)) continue;
      if (response.events_size() == page_size) {
        // One more exists: the next page starts after the last one given.
        ASSIGN_OR_RETURN(const uint64_t given,
                         storage::ParseEventCursor(response.events(page_size - 1).cursor()));
        response.set_next_page_token(EncodePageToken(absl::StrCat(given), fingerprint));
        return response;
      }
      *response.add_events() = event;
    }
    if (page.events.size() < batch) return response;
    position = page.last;
  }
}

absl::StatusOr<int64_t> EventFeed::TrimOlderThan(absl::Time older_than, size_t batch) {
  const size_t step = std::max<size_t>(1, batch);
  int64_t total = 0;
  while (true) {
    ASSIGN_OR_RETURN(const int64_t trimmed,
                     storage::TrimEvents(storage_, absl::ToUnixMicros(older_than), step));
    total += trimmed;
    if (static_cast<size_t>(trimmed) < step) return total;
  }
}

}  // namespace leadrouter::server
