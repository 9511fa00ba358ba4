#include "clients/common/server_args.h"

#include <chrono>

namespace leadrouter::client {

void AddServerOptions(CLI::App& command, ServerArgs& args, bool with_format) {
  command.add_option("--server", args.server, "host:port of leadrouterd")
      ->envname("LEADCTL_SERVER")
      ->capture_default_str();
  command.add_option("--timeout", args.timeout_seconds, "seconds each call may take")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  if (with_format) {
    command.add_option("--format", args.format, "table (for people) or json")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "json"}));
  }
}

std::shared_ptr<grpc::Channel> Connect(const ServerArgs& args) {
  return grpc::CreateChannel(args.server, grpc::InsecureChannelCredentials());
}

void SetDeadline(grpc::ClientContext& context, const ServerArgs& args) {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::duration<double>(args.timeout_seconds)));
}

}  // namespace leadrouter::client
