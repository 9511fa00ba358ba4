// leadctl health: asks a server's grpc.health.v1 service whether it is SERVING.
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <string>

#include "clients/common/server_args.h"
#include "clients/leadctl/commands.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct HealthArgs {
  client::ServerArgs server{.timeout_seconds = 5};
  std::string service;
};

int RunHealth(const HealthArgs& args) {
  auto stub = grpc::health::v1::Health::NewStub(client::Connect(args.server));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(args.service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &grpc::health::v1::Health::Stub::Check, request, response);
  if (!status.ok()) {
    std::cerr << "leadctl: health check of " << args.server.server
              << " failed: " << status.error_message() << " (code " << status.error_code() << ")\n";
    return 2;
  }
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << '\n';
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace

void AddHealthCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<HealthArgs>();
  CLI::App* command = app.add_subcommand(
      "health",
      "Ask a server whether it is serving (exit 0 SERVING, 1 not serving, 2 unreachable)");
  client::AddServerOptions(*command, args->server, /*with_format=*/false);
  command->add_option("--service", args->service,
                      "a service name; empty asks for the whole server");
  command->callback([args, &exit_code] { exit_code = RunHealth(*args); });
}

}  // namespace leadrouter::leadctl
