// Per-caller rate limits (token buckets): how many leads each principal may send to Assign and
// AssignBatch per second, so that one misbehaving client cannot take the decision writer from all
// the others.
//
// A caller starts with `burst` tokens and gains `rate` per second, up to `burst`; a call takes one
// token per lead. A call that finds too few is refused at once (RESOURCE_EXHAUSTED naming the
// limit and when to retry), never queued. A batch larger than the burst could never pass and is
// refused as such. One mutex, O(1) per call; the buckets of callers idle long enough to be full
// again are dropped, so memory follows the callers active recently. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace leadrouter::server {

struct RateLimit {
  // Leads per second per caller; 0 turns the limit off. Default: 0 (off)
  double per_second = 0;
  // Leads a caller may send at once after being idle. Default: 2 x per_second, at least 1
  double burst = 0;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit);

  bool enabled() const { return rate_ > 0; }

  // Takes `leads` tokens from `caller`'s bucket, or RESOURCE_EXHAUSTED:
  //   "principal crm-prod: Assign rate limit of 200 leads/s (burst 400) exceeded; retry in 15 ms"
  // with ErrorInfo reason RATE_LIMITED.
  [[nodiscard]] absl::Status Acquire(absl::string_view caller, int64_t leads,
                                     Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point refilled;
  };
  void DropFullBuckets(Clock::time_point now);  // mu_ held

  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
  uint64_t calls_ = 0;                               // guarded by mu_
};

}  // namespace leadrouter::server
