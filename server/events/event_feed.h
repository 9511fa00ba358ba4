// The event side of the API (EventService, proto/leadrouter/v1/events.proto) over the event log
// (storage/event_log.h): streams that deliver every event after a cursor and then each new one as
// it commits, a lead's events page by page, and the retention trim.
//
// A stream waits for the next commit on the writer's CommitNotifier (storage/commit_notifier.h),
// never by sleeping; the wait is bounded so that a client that went away is noticed within
// `cancel_check_interval`. Streams end at the call's deadline, when the client leaves, and at
// Stop() (server shutdown): at once, with UNAVAILABLE, so that the client resumes elsewhere with
// its last cursor.
//
// Thread-safe: any number of streams and listings at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "leadrouter/v1/events.pb.h"
#include "server/api/call_context.h"
#include "storage/storage.h"

namespace leadrouter::server {

struct EventFeedOptions {
  // Most WatchEvents streams at once; one more is RESOURCE_EXHAUSTED (--max-event-watchers).
  // Default: 64
  int max_watchers = 64;
  // Most events read from the log at a time by one stream: bounds the memory of a stream that
  // starts far behind. Default: 256
  size_t batch = 256;
  // How long a waiting stream sleeps at most before it checks whether its client is gone (a new
  // commit or Stop() wakes it at once). Default: 200 ms
  std::chrono::milliseconds cancel_check_interval = std::chrono::milliseconds(200);
};

class EventFeed {
 public:
  // `storage` must outlive the feed.
  EventFeed(storage::Storage& storage, EventFeedOptions options = {});
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // WatchEvents: writes every event after request.after that passes the filters, oldest first,
  // then each new one as it commits, until `write` returns false or `cancelled()` is true (the
  // client left: OK), the call's deadline passes (DEADLINE_EXCEEDED), or Stop() (UNAVAILABLE).
  // A cursor older than the oldest retained event is OUT_OF_RANGE naming both.
  [[nodiscard]] absl::Status Watch(const leadrouter::v1::WatchEventsRequest& request,
                                   const CallContext& call, absl::FunctionRef<bool()> cancelled,
                                   absl::FunctionRef<bool(const leadrouter::v1::Event&)> write);

  // ListLeadEvents: one page of a lead's events, oldest first.
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ListLeadEventsResponse> ListLeadEvents(
      const leadrouter::v1::ListLeadEventsRequest& request) const;

  // Retention: deletes the events older than `older_than`, `batch` per mutation, until none is
  // left. Returns how many were deleted.
  [[nodiscard]] absl::StatusOr<int64_t> TrimOlderThan(absl::Time older_than, size_t batch);

  // Ends every stream now with UNAVAILABLE and refuses new ones. Idempotent.
  void Stop();

 private:
  // Admits one more stream, or RESOURCE_EXHAUSTED / UNAVAILABLE.
  [[nodiscard]] absl::Status EnterWatcher();
  void LeaveWatcher();
  bool stopped() const;

  storage::Storage& storage_;
  const EventFeedOptions options_;
  mutable std::mutex mu_;
  int watchers_ = 0;      // guarded by mu_
  bool stopped_ = false;  // guarded by mu_
};

}  // namespace leadrouter::server
