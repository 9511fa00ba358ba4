// The leadrouter.v1 services that have no implementation yet.
//
// Registering gRPC's generated base classes makes each of their RPCs answer UNIMPLEMENTED with the
// method name, instead of the connection-level "unknown service" a client would otherwise get. Each
// service moves out of this list when its implementation lands.
#pragma once

#include <grpcpp/impl/codegen/service_type.h>

#include <memory>
#include <vector>

namespace leadrouter::server {

std::vector<std::unique_ptr<grpc::Service>> MakeUnimplementedServices();

}  // namespace leadrouter::server
