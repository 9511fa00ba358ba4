// Per-caller token buckets for Assign: a burst, then the rate; callers apart; precise refusals.
#include "server/services/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>

#include "status_matchers.h"

namespace leadrouter::server {
namespace {

using ::leadrouter::testing::StatusIs;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

TEST(RateLimiterTest, OffByDefault) {
  RateLimiter limiter({});
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 10000; ++i) ASSERT_OK(limiter.Acquire("principal a", 500));
}

TEST(RateLimiterTest, AllowsTheBurstThenTheRate) {
  RateLimiter limiter({.per_second = 10, .burst = 20});
  const RateLimiter::Clock::time_point start{};
  for (int i = 0; i < 20; ++i) ASSERT_OK(limiter.Acquire("principal a", 1, start));
  EXPECT_THAT(limiter.Acquire("principal a", 1, start),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "principal a: Assign rate limit of 10 leads/s (burst 20) exceeded; retry "
                       "in 100 ms"));
  // Another caller has its own bucket.
  EXPECT_OK(limiter.Acquire("principal b", 20, start));
  // 100 ms later one token is back, and only one.
  EXPECT_OK(limiter.Acquire("principal a", 1, start + milliseconds(100)));
  EXPECT_FALSE(limiter.Acquire("principal a", 1, start + milliseconds(100)).ok());
  // After two idle seconds the bucket is full again, not fuller.
  EXPECT_OK(limiter.Acquire("principal a", 20, start + milliseconds(2200)));
  EXPECT_FALSE(limiter.Acquire("principal a", 1, start + milliseconds(2200)).ok());
}

TEST(RateLimiterTest, RefusesABatchThatCouldNeverPass) {
  RateLimiter limiter({.per_second = 10, .burst = 20});
  EXPECT_THAT(limiter.Acquire("principal a", 21),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("a batch of 21 leads can never pass; send at most 20 at once")));
  // Nothing was taken by the refused batch.
  EXPECT_OK(limiter.Acquire("principal a", 20));
}

TEST(RateLimiterTest, BurstDefaultsToTwoSeconds) {
  RateLimiter limiter({.per_second = 5});
  const RateLimiter::Clock::time_point start{};
  EXPECT_OK(limiter.Acquire("p", 10, start));
  EXPECT_FALSE(limiter.Acquire("p", 1, start).ok());
}

TEST(RateLimiterTest, ForgetsIdleCallersWithoutForgettingBusyOnes) {
  RateLimiter limiter({.per_second = 1000, .burst = 1000});
  RateLimiter::Clock::time_point now{};
  ASSERT_OK(limiter.Acquire("busy", 1000, now));
  // Many distinct callers (the sweep runs every 4096 calls) within the same instant: the busy
  // caller's empty bucket must survive the sweeps.
  for (int i = 0; i < 10000; ++i) ASSERT_OK(limiter.Acquire("caller " + std::to_string(i), 1, now));
  EXPECT_FALSE(limiter.Acquire("busy", 1, now).ok());
}

}  // namespace
}  // namespace leadrouter::server
