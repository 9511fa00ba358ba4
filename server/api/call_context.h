// What a core call knows about the RPC that carries it, without depending on gRPC: its deadline.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace leadrouter::server {

struct CallContext {
  // The client's deadline. Work that has not started by then is not started: a change queued
  // behind the writer is dropped with DEADLINE_EXCEEDED instead of being made after the client
  // gave up. Default: none.
  absl::Time deadline = absl::InfiniteFuture();

  // DEADLINE_EXCEEDED once the deadline has passed.
  [[nodiscard]] absl::Status CheckDeadline() const {
    if (absl::Now() >= deadline) return absl::DeadlineExceededError("the call's deadline passed");
    return absl::OkStatus();
  }
};

}  // namespace leadrouter::server
