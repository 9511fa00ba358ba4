// The options every command that talks to leadrouterd shares, and the channel and deadline they
// give.
#pragma once

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace leadrouter::client {

struct ServerArgs {
  // host:port of leadrouterd; --server, or the LEADCTL_SERVER environment variable.
  // Default: 127.0.0.1:50051
  std::string server = "127.0.0.1:50051";
  // Seconds each RPC may take before it fails with DEADLINE_EXCEEDED (and leadctl exits 2).
  // Default: 10
  double timeout_seconds = 10;
  // "table" (for people) or "json" (the response messages in the proto3 JSON mapping).
  // Default: table
  std::string format = "table";

  bool json() const { return format == "json"; }
};

// Adds --server, --timeout and (unless `with_format` is false) --format to `command`.
void AddServerOptions(CLI::App& command, ServerArgs& args, bool with_format = true);

// An insecure channel to args.server (leadrouterd serves plaintext gRPC on a trusted network).
std::shared_ptr<grpc::Channel> Connect(const ServerArgs& args);

// Sets the deadline `args.timeout_seconds` from now.
void SetDeadline(grpc::ClientContext& context, const ServerArgs& args);

// One unary call of a generated stub's `method` with the deadline of `args`:
//   v1::ExplainResponse response;
//   const grpc::Status status = client::Call(args.server, *stub,
//       &v1::AssignmentService::Stub::Explain, request, response);
template <typename Stub, typename Request, typename Response>
grpc::Status Call(const ServerArgs& args, Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response& response) {
  grpc::ClientContext context;
  SetDeadline(context, args);
  return (stub.*method)(&context, request, &response);
}

}  // namespace leadrouter::client
