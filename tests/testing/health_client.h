// Calls grpc.health.v1.Health/Check on a server: the readiness probe the tests share.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"

namespace leadrouter::testing {

inline grpc::Status CheckHealth(const std::string& address,
                                grpc::health::v1::HealthCheckResponse* response,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  return stub->Check(&context, grpc::health::v1::HealthCheckRequest(), response);
}

}  // namespace leadrouter::testing
