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
  // The bearer token sent with every call: the LEADROUTER_TOKEN environment variable, or the
  // first line of --token-file. Default: none (a server with auth on answers UNAUTHENTICATED)
  std::string token_file = "";
  // TLS: the CA certificates to trust (--tls-ca turns TLS on), and a client certificate and key
  // for mutual TLS. Default: none (plaintext)
  std::string tls_ca = "";
  std::string tls_cert = "";
  std::string tls_key = "";

  bool json() const { return format == "json"; }
};

// Adds --server, --timeout, --token-file, --tls-ca, --tls-cert, --tls-key and (unless
// `with_format` is false) --format to `command`.
void AddServerOptions(CLI::App& command, ServerArgs& args, bool with_format = true);

// A channel to args.server: TLS when args.tls_ca is set, plaintext otherwise.
std::shared_ptr<grpc::Channel> Connect(const ServerArgs& args);

// What every call's context carries: the deadline `args.timeout_seconds` from now, and the bearer
// token (LEADROUTER_TOKEN or --token-file) when there is one. Call is its one user, so no command
// can forget the token; the TLS credentials are the channel's (Connect).
void PrepareContext(grpc::ClientContext& context, const ServerArgs& args);

// One unary call of a generated stub's `method` with the deadline and token of `args`:
//   v1::ExplainResponse response;
//   const grpc::Status status = client::Call(args.server, *stub,
//       &v1::AssignmentService::Stub::Explain, request, response);
template <typename Stub, typename Request, typename Response>
grpc::Status Call(const ServerArgs& args, Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response& response) {
  grpc::ClientContext context;
  PrepareContext(context, args);
  return (stub.*method)(&context, request, &response);
}

}  // namespace leadrouter::client
