// What every RPC handler does around its one core call: refuse new calls once shutdown started
// (UNAVAILABLE, SHUTTING_DOWN), turn the gRPC deadline into the core's CallContext, call the core,
// convert its status with ToGrpcStatus. Handlers stay one line: no logic here beyond that.
#pragma once

#include <grpcpp/server_context.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/call_context.h"
#include "server/errors.h"
#include "server/grpc_status.h"

namespace leadrouter::server {

// Admission of calls, and the count of calls in flight that a graceful shutdown waits for.
// Thread-safe.
class CallGate {
 public:
  // Tests only: called with the method name ("AssignmentService.Assign") after a call was
  // admitted, before the core runs, so a test can hold a call in flight.
  using Hook = std::function<void(absl::string_view method)>;
  explicit CallGate(Hook hook = nullptr) : hook_(std::move(hook)) {}

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
};

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
