// The leadrouter.v1 services that have no implementation yet.
//
// Each of their RPCs answers UNIMPLEMENTED naming itself (NotImplementedYet, rpc_shim.h), instead
// of the connection-level "unknown service" a client would get without them, or the empty message
// of gRPC's generated base classes. Each service moves out of this list when its implementation
// lands.
#pragma once

#include <grpcpp/impl/codegen/service_type.h>

#include <memory>
#include <vector>

namespace leadrouter::server {

std::vector<std::unique_ptr<grpc::Service>> MakeUnimplementedServices();

}  // namespace leadrouter::server
