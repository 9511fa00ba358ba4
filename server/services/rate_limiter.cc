#include "server/services/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "server/api/errors.h"

namespace leadrouter::server {
namespace {

// How often (in calls) the buckets of idle callers are looked for.
constexpr uint64_t kSweepEvery = 4096;

double Seconds(RateLimiter::Clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

RateLimiter::RateLimiter(RateLimit limit)
    : rate_(std::max(limit.per_second, 0.0)),
      burst_(limit.burst > 0 ? limit.burst : std::max(2 * rate_, 1.0)) {}

absl::Status RateLimiter::Acquire(absl::string_view caller, int64_t leads, Clock::time_point now) {
  if (!enabled()) return absl::OkStatus();
  const auto describe = [&] {
    return absl::StrCat(caller, ": Assign rate limit of ", rate_, " leads/s (burst ", burst_, ")");
  };
  if (static_cast<double>(leads) > burst_) {
    return WithReason(absl::ResourceExhaustedError(
                          absl::StrCat(describe(), ": a batch of ", leads,
                                       " leads can never pass; send at most ", burst_, " at once")),
                      "RATE_LIMITED");
  }
  std::lock_guard lock(mu_);
  if (++calls_ % kSweepEvery == 0) DropFullBuckets(now);
  const auto entry = buckets_.try_emplace(std::string(caller), Bucket{burst_, now});
  Bucket& bucket = entry.first->second;
  bucket.tokens = std::min(burst_, bucket.tokens + rate_ * Seconds(now - bucket.refilled));
  bucket.refilled = now;
  if (bucket.tokens >= static_cast<double>(leads)) {
    bucket.tokens -= static_cast<double>(leads);
    return absl::OkStatus();
  }
  const double wait_ms = std::ceil((static_cast<double>(leads) - bucket.tokens) / rate_ * 1000);
  return WithReason(absl::ResourceExhaustedError(absl::StrCat(
                        describe(), " exceeded; retry in ", static_cast<int64_t>(wait_ms), " ms")),
                    "RATE_LIMITED");
}

void RateLimiter::DropFullBuckets(Clock::time_point now) {
  // A full bucket holds nothing a new one would not: forget it.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double tokens = it->second.tokens + rate_ * Seconds(now - it->second.refilled);
    it = tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace leadrouter::server
