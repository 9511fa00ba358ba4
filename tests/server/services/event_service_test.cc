// EventService through real gRPC against an in-process server: a subscriber that reads while
// assigns and reassigns run, disconnects mid-way and resumes with its last cursor sees every
// event exactly once and in order; streams end at shutdown, at their deadline and past the
// watcher limit; a lead's events page; retention trims on the server's clock and a trimmed cursor
// is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "server/api/clock.h"
#include "status_matchers.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kAllRule[] = "rule \"all\"\n  when true\n  distribute round_robin\n";
constexpr char kThreeReps[] = "id\nana\nben\ncid\n";

v1::WatchEventsRequest After(const std::string& cursor) {
  v1::WatchEventsRequest request;
  request.set_after(cursor);
  return request;
}

class EventServiceTest : public ::testing::Test {
 protected:
  explicit EventServiceTest(HarnessOptions options = {.rules = kAllRule, .reps_csv = kThreeReps})
      : server_(std::move(options)) {}
  void SetUp() override { ASSERT_OK(server_.status()); }

  void Assign(const std::string& id) {
    v1::AssignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(MakeLead(id, "web", 50)), &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.assignment().outcome(), v1::OUTCOME_ASSIGNED);
  }
  void ReassignByRule(const std::string& id) {
    v1::ReassignRequest request;
    request.set_lead("leads/" + id);
    request.mutable_by_rule();
    request.set_actor("manager");
    request.set_reason("rebalance");
    v1::ReassignResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().Reassign(c, request, &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  void Pin(const std::string& id, bool pinned) {
    v1::SetPinRequest request;
    request.set_lead("leads/" + id);
    request.set_pinned(pinned);
    request.set_actor("manager");
    request.set_reason("key account");
    v1::SetPinResponse response;
    const grpc::Status status = server_.Call([&](grpc::ClientContext* c) {
      return server_.assignments().SetPin(c, request, &response);
    });
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Reads up to `count` events of one stream within `timeout`; the status is the stream's end
  // (or CANCELLED when this cut it off after `count`).
  struct Read {
    std::vector<v1::Event> events;
    grpc::Status status;
  };
  Read Watch(const v1::WatchEventsRequest& request, size_t count,
             std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
        server_.events().WatchEvents(&context, request);
    Read read;
    v1::Event event;
    while (read.events.size() < count && reader->Read(&event)) read.events.push_back(event);
    if (read.events.size() == count) context.TryCancel();  // leave mid-stream, as a client would
    read.status = reader->Finish();
    return read;
  }

  grpc::Status ListLeadEvents(const v1::ListLeadEventsRequest& request,
                              v1::ListLeadEventsResponse* response) {
    return server_.Call([&](grpc::ClientContext* c) {
      return server_.events().ListLeadEvents(c, request, response);
    });
  }

  ServerHarness server_;
};

TEST_F(EventServiceTest, AResumedSubscriberSeesEveryEventOnceInOrderWhileChangesRun) {
  constexpr int kWriters = 2;
  constexpr int kLeadsPerWriter = 30;
  constexpr size_t kTotal = 2 * kWriters * kLeadsPerWriter;  // ASSIGNED, then REASSIGNED
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, w] {
      for (int i = 0; i < kLeadsPerWriter; ++i) {
        const std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
        Assign(id);
        ReassignByRule(id);
      }
    });
  }
  // First connection: leaves after a third, while the writers are still going.
  const Read first = Watch(After(""), kTotal / 3);
  ASSERT_EQ(first.events.size(), kTotal / 3) << first.status.error_message();
  // Resumes with the last cursor it got.
  const Read second = Watch(After(first.events.back().cursor()), kTotal - kTotal / 3);
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(second.events.size(), kTotal - kTotal / 3) << second.status.error_message();

  std::vector<v1::Event> seen = first.events;
  seen.insert(seen.end(), second.events.begin(), second.events.end());
  // Exactly once, in commit order: what a fresh subscriber reads now, after everything committed.
  const Read everything = Watch(After(""), kTotal + 1, std::chrono::milliseconds(1500));
  ASSERT_EQ(everything.events.size(), kTotal);
  EXPECT_EQ(everything.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  std::set<std::string> cursors;
  std::map<std::string, std::vector<v1::Event>> by_lead;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].cursor(), everything.events[i].cursor()) << i;
    EXPECT_EQ(seen[i].SerializeAsString(), everything.events[i].SerializeAsString()) << i;
    EXPECT_TRUE(cursors.insert(seen[i].cursor()).second) << "twice: " << seen[i].cursor();
    by_lead[seen[i].lead()].push_back(seen[i]);
  }
  ASSERT_EQ(by_lead.size(), static_cast<size_t>(kWriters * kLeadsPerWriter));
  for (const auto& [lead, events] : by_lead) {
    ASSERT_EQ(events.size(), 2u) << lead;
    EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_ASSIGNED) << lead;
    EXPECT_EQ(events[0].actor(), "test") << lead;
    EXPECT_EQ(events[0].assignment_kind(), v1::ASSIGNMENT_KIND_ASSIGN) << lead;
    EXPECT_EQ(events[1].kind(), v1::EVENT_KIND_REASSIGNED) << lead;
    EXPECT_EQ(events[1].previous_rep(), events[0].rep()) << lead;
    EXPECT_NE(events[1].rep(), events[0].rep()) << lead;
    EXPECT_EQ(events[1].actor(), "manager") << lead;
    EXPECT_EQ(events[1].reason(), "rebalance") << lead;
    EXPECT_EQ(events[1].rule_version(), 1) << lead;
  }
}

TEST_F(EventServiceTest, AWaitingStreamGetsANewEventAtOnceAndFiltersApply) {
  Assign("a");
  std::thread later([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Pin("a", true);
    Assign("b");
  });
  v1::WatchEventsRequest request = After("");
  request.add_kinds(v1::EVENT_KIND_PINNED);
  request.set_lead("leads/a");
  const auto start = std::chrono::steady_clock::now();
  const Read read = Watch(request, 1);
  later.join();
  ASSERT_EQ(read.events.size(), 1u) << read.status.error_message();
  EXPECT_EQ(read.events[0].kind(), v1::EVENT_KIND_PINNED);
  EXPECT_EQ(read.events[0].lead(), "leads/a");
  EXPECT_EQ(read.events[0].actor(), "manager");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(EventServiceTest, StreamsEndAtShutdownAndAtTheirDeadline) {
  const auto start = std::chrono::steady_clock::now();
  const Read timed = Watch(After(""), 1, std::chrono::milliseconds(300));
  EXPECT_TRUE(timed.events.empty());
  EXPECT_EQ(timed.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

  std::thread stopper([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server_.Shutdown();
  });
  const auto before_shutdown = std::chrono::steady_clock::now();
  const Read cut = Watch(After(""), 1, std::chrono::seconds(30));
  stopper.join();
  EXPECT_TRUE(cut.events.empty());
  EXPECT_EQ(cut.status.error_code(), grpc::StatusCode::UNAVAILABLE) << cut.status.error_message();
  // Well within the 2 s grace period: the stream was ended, not waited for.
  EXPECT_LT(std::chrono::steady_clock::now() - before_shutdown, std::chrono::milliseconds(1500));
}

TEST_F(EventServiceTest, ALeadsEventsArePagedOldestFirstWithKinds) {
  Assign("a");
  Assign("b");
  Pin("a", true);
  Pin("a", false);
  ReassignByRule("a");
  v1::ListLeadEventsRequest request;
  request.set_lead("leads/a");
  request.set_page_size(2);
  std::vector<v1::EventKind> kinds;
  for (int pages = 0; pages < 5; ++pages) {
    v1::ListLeadEventsResponse response;
    const grpc::Status status = ListLeadEvents(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::Event& event : response.events()) kinds.push_back(event.kind());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(kinds,
            (std::vector<v1::EventKind>{v1::EVENT_KIND_ASSIGNED, v1::EVENT_KIND_PINNED,
                                        v1::EVENT_KIND_UNPINNED, v1::EVENT_KIND_REASSIGNED}));

  v1::ListLeadEventsRequest pins;
  pins.set_lead("leads/a");
  pins.add_kinds(v1::EVENT_KIND_PINNED);
  pins.add_kinds(v1::EVENT_KIND_UNPINNED);
  v1::ListLeadEventsResponse response;
  ASSERT_TRUE(ListLeadEvents(pins, &response).ok());
  ASSERT_EQ(response.events_size(), 2);
  EXPECT_TRUE(response.next_page_token().empty());
  EXPECT_EQ(response.events(0).rep(), response.events(1).rep());
  EXPECT_EQ(response.events(0).reason(), "key account");
}

class EventWatcherLimitTest : public EventServiceTest {
 protected:
  EventWatcherLimitTest()
      : EventServiceTest(
            {.rules = kAllRule,
             .reps_csv = kThreeReps,
             .configure = [](server::ServerOptions& options) { options.max_event_watchers = 1; }}) {
  }
};

TEST_F(EventWatcherLimitTest, OneStreamTooManyIsResourceExhausted) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  std::unique_ptr<grpc::ClientReader<v1::Event>> open =
      server_.events().WatchEvents(&context, After(""));
  // The first stream holds the one slot once it delivers an event. Probing before that raced it:
  // a probe that came first took the slot, the first stream was refused, and every later probe
  // was let in (seen under the address sanitizer).
  Assign("a");
  v1::Event first;
  ASSERT_TRUE(open->Read(&first));
  grpc::Status refused;
  EXPECT_TRUE(Eventually([&] {
    refused = Watch(After(""), 1, std::chrono::milliseconds(500)).status;
    return refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
  })) << refused.error_message();
  EXPECT_THAT(refused.error_message(), HasSubstr("--max-event-watchers"));
  context.TryCancel();
  open->Finish();
  // The slot is free again once the first stream has ended.
  // (Admitted, it delivers the lead's event.)
  EXPECT_TRUE(
      Eventually([&] { return Watch(After(""), 1, std::chrono::seconds(5)).events.size() == 1; }));
}

// Constructed before the server that reads it (a base class before EventServiceTest).
struct SimulatedTime {
  server::SimulatedClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone())};
};

class EventRetentionTest : protected SimulatedTime, public EventServiceTest {
 protected:
  EventRetentionTest()
      : EventServiceTest({.rules = kAllRule,
                          .reps_csv = kThreeReps,
                          .configure = [this](server::ServerOptions& options) {
                            options.clock = &clock_;
                            options.event_retention = std::chrono::hours(24);
                            options.event_trim_interval = std::chrono::milliseconds(50);
                          }}) {}
};

TEST_F(EventRetentionTest, OldEventsAreTrimmedByTheServersClockAndTheirCursorsRefused) {
  Assign("old");
  const Read old_events = Watch(After(""), 1);
  ASSERT_EQ(old_events.events.size(), 1u);
  clock_.Advance(absl::Hours(47));
  Assign("new");
  // Still within a day of the new event's time and two of the old one's: only the old one goes.
  v1::ListLeadEventsRequest of_old;
  of_old.set_lead("leads/old");
  EXPECT_TRUE(Eventually([&] {
    v1::ListLeadEventsResponse response;
    return ListLeadEvents(of_old, &response).ok() && response.events_size() == 0;
  }));
  v1::ListLeadEventsRequest of_new;
  of_new.set_lead("leads/new");
  v1::ListLeadEventsResponse kept;
  ASSERT_TRUE(ListLeadEvents(of_new, &kept).ok());
  ASSERT_EQ(kept.events_size(), 1);

  // From the start: the oldest retained event, the new one.
  const Read from_start = Watch(After(""), 1);
  ASSERT_EQ(from_start.events.size(), 1u) << from_start.status.error_message();
  EXPECT_EQ(from_start.events[0].lead(), "leads/new");
  // The cursor before the trimmed event: events after it are gone, so it is refused, naming both.
  const std::string before_old = "0000000000000000";
  const Read stale = Watch(After(before_old), 1);
  EXPECT_EQ(stale.status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(stale.status.error_message(), HasSubstr(before_old));
  EXPECT_THAT(stale.status.error_message(), HasSubstr(old_events.events[0].cursor()));
  // The trimmed event's own cursor is still a good place to resume: nothing after it is gone.
  const Read resumed = Watch(After(old_events.events[0].cursor()), 1);
  ASSERT_EQ(resumed.events.size(), 1u) << resumed.status.error_message();
  EXPECT_EQ(resumed.events[0].lead(), "leads/new");
}

TEST_F(EventRetentionTest, ALeadsStreamOutlivesTheTrimOfOtherLeadsEvents) {
  Assign("other");
  // Waits for leads/late, which has no event yet, while leads/other's event is trimmed.
  v1::WatchEventsRequest request = After("");
  request.set_lead("leads/late");
  Read read;
  std::thread watcher([&] { read = Watch(request, 1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the stream is waiting
  clock_.Advance(absl::Hours(47));
  v1::ListLeadEventsRequest of_other;
  of_other.set_lead("leads/other");
  EXPECT_TRUE(Eventually([&] {
    v1::ListLeadEventsResponse response;
    return ListLeadEvents(of_other, &response).ok() && response.events_size() == 0;
  }));
  // The stream had looked past the trimmed event: it is not behind the retention.
  Assign("late");
  watcher.join();
  ASSERT_EQ(read.events.size(), 1u) << read.status.error_message();
  EXPECT_EQ(read.events[0].lead(), "leads/late");
}

}  // namespace
}  // namespace leadrouter::testing
