// The per-call limits every handler applies before its core runs (Serve, server/services/
// rpc_shim.h), beside the transport's own (message size, streams, keepalive: server/server.cc):
//   - a cap on deadlines: a call without a deadline, or with a longer one, gets the cap, so no
//     call holds a thread for ever;
//   - a soft limit on request metadata, so that an oversized header block is refused with a
//     message naming the limit (gRPC's own hard limit, set higher, answers without numbers, and
//     sometimes only by closing the connection);
//   - the per-caller rate limit of Assign and AssignBatch (server/services/rate_limiter.h).
#pragma once

#include <cstddef>
#include <memory>

#include "absl/time/time.h"
#include "server/auth/auth_processor.h"
#include "server/services/rate_limiter.h"

namespace leadrouter::server {

struct CallPolicy {
  // Longest deadline a call gets (--max-deadline-ms). Default: 120 s (DryRun of 10,000 leads,
  // the slowest call, takes a few seconds)
  absl::Duration max_deadline = absl::Seconds(120);
  // Largest request metadata, keys and values summed (--max-metadata-bytes). Default: 8 KiB
  size_t max_metadata_bytes = 8192;
  // Leads per second per caller for Assign and AssignBatch; null or disabled: no limit.
  std::shared_ptr<RateLimiter> assign_rate;
  // Tells each call's principal from its metadata; null when auth is off.
  std::shared_ptr<const auth::AuthProcessor> auth;
};

}  // namespace leadrouter::server
