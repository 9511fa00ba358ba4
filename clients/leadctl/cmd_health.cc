// leadctl health: asks a server's grpc.health.v1 service whether it is SERVING.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <iostream>
#include <string>

#include "clients/leadctl/commands.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct HealthArgs {
  std::string server = "127.0.0.1:50051";
  std::string service;
  double timeout_seconds = 5;
};

int RunHealth(const HealthArgs& args) {
  auto channel = grpc::CreateChannel(args.server, grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::duration<double>(args.timeout_seconds)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(args.service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    std::cerr << "leadctl: health check of " << args.server << " failed: " << status.error_message()
              << " (code " << status.error_code() << ")\n";
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
  command->add_option("--server", args->server, "host:port of leadrouterd")->capture_default_str();
  command->add_option("--service", args->service,
                      "a service name; empty asks for the whole server");
  command->add_option("--timeout", args->timeout_seconds, "seconds to wait for the answer")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->callback([args, &exit_code] { exit_code = RunHealth(*args); });
}

}  // namespace leadrouter::leadctl
