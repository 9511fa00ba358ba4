// The time the server's decisions are made at: when a lead was received, when a deadline falls
// due, when an away period ends. One injectable source, so that tests of day caps, SLAs and
// schedules move time forward in milliseconds instead of waiting for it.
//
// Only business time comes from here. How long a piece of work took (latency logs) and gRPC
// deadlines are real elapsed time and keep reading absl::Now().
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace leadrouter::server {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual absl::Time Now() const = 0;

  // absl::Now(). Lives for the whole program.
  [[nodiscard]] static const Clock& System();
};

// A clock that only moves when told to. Thread-safe.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(absl::Time start) : now_(start) {}

  [[nodiscard]] absl::Time Now() const override;
  void Set(absl::Time now);
  // Moves time forward by `by` (or back, when negative: tests of clock steps need that too).
  void Advance(absl::Duration by);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace leadrouter::server
