// What a core call knows about the RPC that carries it, without depending on gRPC: its deadline
// and who is calling.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/api/role.h"

namespace leadrouter::server {

struct CallContext {
  // The client's deadline. Work that has not started by then is not started: a change queued
  // behind the writer is dropped with DEADLINE_EXCEEDED instead of being made after the client
  // gave up. Default: none.
  absl::Time deadline = absl::InfiniteFuture();
  // Why the deadline is what it is, for DEADLINE_EXCEEDED: the client's, or the server's cap.
  // Default: "the call's deadline passed"
  std::string deadline_reason = "the call's deadline passed";

  // The principal its bearer token authenticated (server/auth/token_table.h); empty when
  // authentication is off. Default: empty
  std::string principal;
  // The role of that principal (server/auth/roles.h). With authentication off every caller is
  // an admin. Default: kAdmin
  Role role = Role::kAdmin;
  // Whom per-caller limits count the call against: the principal, or the peer address when
  // authentication is off. Default: empty
  std::string caller;

  // DEADLINE_EXCEEDED once the deadline has passed.
  [[nodiscard]] absl::Status CheckDeadline() const {
    if (absl::Now() >= deadline) return absl::DeadlineExceededError(deadline_reason);
    return absl::OkStatus();
  }
};

}  // namespace leadrouter::server
