// What every RPC handler does around its one core call: refuse new calls once shutdown started
// (UNAVAILABLE, SHUTTING_DOWN, through the CallGate of server/services/call_gate.h), hold the call
// to the CallPolicy (metadata size, deadline cap), turn the gRPC deadline and the authenticated
// principal into the core's CallContext, call the core, convert its status with ToGrpcStatus.
// Handlers stay one line: no logic here beyond that.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/api/call_context.h"
#include "server/api/errors.h"
#include "server/api/grpc_status.h"
#include "server/auth/auth_processor.h"
#include "server/services/call_gate.h"
#include "server/services/call_policy.h"

namespace leadrouter::server {

inline CallContext ToCallContext(const grpc::ServerContext& context, const CallPolicy& policy) {
  CallContext call;
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    call.deadline = absl::FromChrono(deadline);
  }
  const absl::Time cap = absl::Now() + policy.max_deadline;
  if (cap < call.deadline) {
    call.deadline = cap;
    call.deadline_reason =
        absl::StrCat("the server's deadline cap of ", absl::FormatDuration(policy.max_deadline),
                     " (--max-deadline-ms) passed");
  }
  if (policy.auth != nullptr) {
    // A call whose token is gone by now (revoked since it was admitted) has the least role.
    call.role = Role::kViewer;
    if (std::optional<auth::Principal> principal =
            policy.auth->PrincipalOf(context.client_metadata())) {
      call.principal = std::move(principal->name);
      call.role = principal->role;
    }
  }
  if (!call.principal.empty()) {
    call.caller = absl::StrCat("principal ", call.principal);
  } else {
    // "ipv4:127.0.0.1:54321": the address without the port, so that reconnecting changes nothing.
    const std::string peer = context.peer();
    call.caller = absl::StrCat("peer ", peer.substr(0, peer.rfind(':')));
  }
  return call;
}

// RESOURCE_EXHAUSTED when the request's metadata is over the policy's soft limit.
inline absl::Status CheckMetadataSize(const grpc::ServerContext& context,
                                      const CallPolicy& policy) {
  size_t bytes = 0;
  for (const auto& [key, value] : context.client_metadata()) bytes += key.size() + value.size();
  if (bytes <= policy.max_metadata_bytes) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat("request metadata is ", bytes,
                                                   " bytes, over --max-metadata-bytes ",
                                                   policy.max_metadata_bytes));
}

// Runs `core(call)` (returning absl::Status) for `method` around the gate, the policy and the
// deadline, and converts its status: the part of Serve and ServeStream that is the same.
template <typename Core>
grpc::Status ServeCall(const CallGate& gate, absl::string_view method,
                       const grpc::ServerContext& context, Core&& core) {
  if (absl::Status admitted = gate.Enter(method); !admitted.ok()) return ToGrpcStatus(admitted);
  struct Leave {
    const CallGate& gate;
    ~Leave() { gate.Leave(); }
  } leave{gate};
  if (absl::Status s = CheckMetadataSize(context, gate.policy()); !s.ok()) return ToGrpcStatus(s);
  const CallContext call = ToCallContext(context, gate.policy());
  if (absl::Status s = call.CheckDeadline(); !s.ok()) return ToGrpcStatus(s);
  const absl::Status status = core(call);
  if (!status.ok()) {
    const absl::StatusCode code = status.code();
    if (code == absl::StatusCode::kInternal || code == absl::StatusCode::kDataLoss ||
        code == absl::StatusCode::kUnknown) {
      spdlog::error("rpc method={} status={}", std::string(method), status.ToString());
    } else {
      spdlog::debug("rpc method={} status={}", std::string(method), status.ToString());
    }
  }
  return ToGrpcStatus(status);
}

// Runs `core(call)` (returning absl::StatusOr<Response>) for `method` and fills `response`.
template <typename Response, typename Core>
grpc::Status Serve(const CallGate& gate, absl::string_view method, grpc::ServerContext* context,
                   Response* response, Core&& core) {
  return ServeCall(gate, method, *context, [&](const CallContext& call) -> absl::Status {
    absl::StatusOr<Response> result = core(call);
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  });
}

// A server-streaming method: `core(call, cancelled, write)` (returning absl::Status) writes each
// message with `write` (false: the client is gone) and polls `cancelled` (the client cancelled
// or went away) while it waits.
template <typename Message, typename Core>
grpc::Status ServeStream(const CallGate& gate, absl::string_view method,
                         grpc::ServerContext* context, grpc::ServerWriter<Message>* writer,
                         Core&& core) {
  return ServeCall(gate, method, *context, [&](const CallContext& call) -> absl::Status {
    return core(
        call, [context] { return context->IsCancelled(); },
        [writer](const Message& message) { return writer->Write(message); });
  });
}

}  // namespace leadrouter::server
