// What every RPC handler does around its one core call: refuse new calls once shutdown started
// (UNAVAILABLE, SHUTTING_DOWN, through the CallGate of server/services/call_gate.h), turn the gRPC
// deadline into the core's CallContext, call the core, convert its status with ToGrpcStatus.
// Handlers stay one line: no logic here beyond that.
#pragma once

#include <grpcpp/server_context.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/api/call_context.h"
#include "server/api/grpc_status.h"
#include "server/services/call_gate.h"

namespace leadrouter::server {

inline CallContext ToCallContext(const grpc::ServerContext& context) {
  CallContext call;
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    call.deadline = absl::FromChrono(deadline);
  }
  return call;
}

// Runs `core(call)` (returning absl::StatusOr<Response>) for `method` and fills `response`.
template <typename Response, typename Core>
grpc::Status Serve(const CallGate& gate, absl::string_view method, grpc::ServerContext* context,
                   Response* response, Core&& core) {
  if (absl::Status admitted = gate.Enter(method); !admitted.ok()) return ToGrpcStatus(admitted);
  struct Leave {
    const CallGate& gate;
    ~Leave() { gate.Leave(); }
  } leave{gate};
  const CallContext call = ToCallContext(*context);
  if (absl::Status s = call.CheckDeadline(); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<Response> result = core(call);
  if (!result.ok()) {
    const absl::StatusCode code = result.status().code();
    if (code == absl::StatusCode::kInternal || code == absl::StatusCode::kDataLoss ||
        code == absl::StatusCode::kUnknown) {
      spdlog::error("rpc method={} status={}", std::string(method), result.status().ToString());
    } else {
      spdlog::debug("rpc method={} status={}", std::string(method), result.status().ToString());
    }
    return ToGrpcStatus(result.status());
  }
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace leadrouter::server
