#include "server/api/clock.h"

#include <gtest/gtest.h>

#include "leadrouter/v1/assignment.grpc.pb.h"
#include "tests/server/server_harness.h"
#include "tests/server/test_fixtures.h"

namespace leadrouter::server {
namespace {

namespace v1 = ::leadrouter::v1;

TEST(SimulatedClockTest, MovesOnlyWhenTold) {
  SimulatedClock clock(absl::FromUnixSeconds(1'800'000'000));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'800'000'000));
  clock.Advance(absl::Hours(24) + absl::Seconds(1));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'800'000'000 + 86'401));
  clock.Set(absl::FromUnixSeconds(5));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(5));
}

TEST(SimulatedClockTest, SystemClockIsRealTime) {
  const absl::Time before = absl::Now();
  const absl::Time now = Clock::System().Now();
  EXPECT_GE(now, before);
  EXPECT_LE(now, absl::Now());
}

// The server takes "now" from its clock: the receive time it stores and the day a cap counts in.
TEST(ServerClockTest, ReceiveTimesAndDayCapsFollowTheInjectedClock) {
  // 2027-01-15 10:00:00 UTC.
  SimulatedClock clock(absl::FromUnixSeconds(1'800'007'200));
  const absl::Time start = clock.Now();
  leadrouter::testing::ServerHarness server({
      .rules = "rule \"all\" when true distribute round_robin cap 1/day\n",
      .reps_csv = "id\nana\n",
      .configure = [&](ServerOptions& options) { options.clock = &clock; },
  });
  ASSERT_TRUE(server.status().ok()) << server.status();
  const auto assign = [&](const std::string& id) {
    v1::AssignResponse response;
    const grpc::Status status = server.Call([&](grpc::ClientContext* c) {
      return server.assignments().Assign(
          c, leadrouter::testing::AssignOf(leadrouter::testing::MakeLead(id, "ads", 50)),
          &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };

  const v1::AssignResponse first = assign("first");
  EXPECT_EQ(first.assignment().outcome(), v1::OUTCOME_ASSIGNED);
  EXPECT_EQ(first.lead().receive_time().seconds(), absl::ToUnixSeconds(start));
  EXPECT_EQ(assign("second").assignment().outcome(), v1::OUTCOME_UNASSIGNED)
      << "ana's cap of 1 a day is used";

  clock.Advance(absl::Hours(24));
  const v1::AssignResponse next_day = assign("next-day");
  EXPECT_EQ(next_day.assignment().outcome(), v1::OUTCOME_ASSIGNED)
      << "a simulated day later the cap has room again";
  EXPECT_EQ(next_day.lead().receive_time().seconds(), absl::ToUnixSeconds(start) + 86'400);
}

}  // namespace
}  // namespace leadrouter::server
