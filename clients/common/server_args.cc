#include "clients/common/server_args.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"

namespace leadrouter::client {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// LEADROUTER_TOKEN, else the first line of --token-file; empty when neither is given.
std::string BearerToken(const ServerArgs& args) {
  if (const char* token = std::getenv("LEADROUTER_TOKEN"); token != nullptr && *token != '\0') {
    return std::string(absl::StripAsciiWhitespace(token));
  }
  if (args.token_file.empty()) return "";
  const std::string text = ReadFile(args.token_file);
  return std::string(absl::StripAsciiWhitespace(text.substr(0, text.find('\n'))));
}

}  // namespace

void AddServerOptions(CLI::App& command, ServerArgs& args, bool with_format) {
  command.add_option("--server", args.server, "host:port of leadrouterd")
      ->envname("LEADCTL_SERVER")
      ->capture_default_str();
  command.add_option("--timeout", args.timeout_seconds, "seconds each call may take")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--token-file", args.token_file,
                  "file whose first line is the bearer token (or set LEADROUTER_TOKEN)")
      ->check(CLI::ExistingFile);
  command.add_option("--tls-ca", args.tls_ca, "PEM CA certificates to trust: connect with TLS")
      ->check(CLI::ExistingFile);
  command.add_option("--tls-cert", args.tls_cert, "PEM client certificate (mutual TLS)")
      ->check(CLI::ExistingFile);
  command.add_option("--tls-key", args.tls_key, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  if (with_format) {
    command.add_option("--format", args.format, "table (for people) or json")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "json"}));
  }
}

std::shared_ptr<grpc::Channel> Connect(const ServerArgs& args) {
  if (args.tls_ca.empty()) {
    return grpc::CreateChannel(args.server, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(args.tls_ca);
  if (!args.tls_cert.empty()) ssl.pem_cert_chain = ReadFile(args.tls_cert);
  if (!args.tls_key.empty()) ssl.pem_private_key = ReadFile(args.tls_key);
  return grpc::CreateChannel(args.server, grpc::SslCredentials(ssl));
}

void PrepareContext(grpc::ClientContext& context, const ServerArgs& args) {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::duration<double>(args.timeout_seconds)));
  if (const std::string token = BearerToken(args); !token.empty()) {
    context.AddMetadata("authorization", "Bearer " + token);
  }
}

}  // namespace leadrouter::client
