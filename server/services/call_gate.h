// The shutdown gate: which RPCs are admitted, and how many are in flight, so that a graceful
// shutdown refuses new calls (UNAVAILABLE, SHUTTING_DOWN) and waits for the admitted ones. Every
// handler passes through it (Serve, server/services/rpc_shim.h); the server drains it
// (server/server.cc). It also carries the per-call limits (CallPolicy) to every handler.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/api/errors.h"
#include "server/services/call_policy.h"

namespace leadrouter::server {

// Admission of calls, and the count of calls in flight that a graceful shutdown waits for.
// Thread-safe.
class CallGate {
 public:
  // Tests only: called with the method name ("AssignmentService.Assign") after a call was
  // admitted, before the core runs, so a test can hold a call in flight.
  using Hook = std::function<void(absl::string_view method)>;
  explicit CallGate(Hook hook = nullptr, CallPolicy policy = {})
      : hook_(std::move(hook)), policy_(std::move(policy)) {}

  // The limits every admitted call is held to (Serve, server/services/rpc_shim.h).
  const CallPolicy& policy() const { return policy_; }

  // Admits a call (Leave() must follow) or, once draining, refuses it with UNAVAILABLE.
  absl::Status Enter(absl::string_view method) const {
    {
      std::lock_guard lock(mu_);
      if (draining_) return ShuttingDown();
      ++in_flight_;
    }
    if (hook_) hook_(method);
    return absl::OkStatus();
  }
  void Leave() const {
    std::lock_guard lock(mu_);
    if (--in_flight_ == 0) idle_.notify_all();
  }

  // From now on every new call gets UNAVAILABLE (SHUTTING_DOWN); calls already admitted finish.
  void StartDraining() {
    std::lock_guard lock(mu_);
    draining_ = true;
  }
  // Waits until no admitted call is in flight, or `deadline`. True when idle.
  bool WaitIdle(std::chrono::system_clock::time_point deadline) const {
    std::unique_lock lock(mu_);
    return idle_.wait_until(lock, deadline, [this] { return in_flight_ == 0; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable idle_;
  bool draining_ = false;      // guarded by mu_
  mutable int in_flight_ = 0;  // guarded by mu_
  Hook hook_;
  const CallPolicy policy_;
};

}  // namespace leadrouter::server
