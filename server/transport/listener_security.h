// How the listener is secured, decided once at start from the options, and reloaded on SIGHUP:
//
//   listener      TLS (--tls-cert/--tls-key)   tokens (--auth-tokens)   credentials
//   loopback      no                           no                       plaintext, auth OFF
//   loopback      no                           yes                      LocalServerCredentials +
//                                                                       the auth processor
//   any           yes [+ --tls-client-ca]      yes                      TLS [mutual] + processor
//   loopback      yes                          no                       TLS, auth OFF
//   non-loopback  no, --insecure               no                       plaintext, auth OFF
//
// Refused at start: a non-loopback listener without TLS (unless --insecure), a non-loopback TLS
// listener without tokens (auth may be off only on loopback, or with --insecure), and --insecure
// with tokens (gRPC cannot check tokens on a plaintext connection from another machine, and a
// bearer token sent in clear over a network is everyone's).
//
// Loopback: 127.0.0.0/8, ::1 and `localhost`. Anything else, including 0.0.0.0 and unix: sockets,
// counts as reachable from elsewhere.
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/auth_processor.h"
#include "server/transport/tls_stage.h"

namespace leadrouter::server::transport {

struct SecurityOptions {
  // Token hash file (server/auth/token_table.h): turns authentication on. Default: none (off)
  std::string auth_tokens_file;
  // TLS: certificate chain and key (both or neither), and the CAs of mutual TLS.
  // Default: none (plaintext)
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // Serve plaintext on a non-loopback listener (for a network that secures traffic otherwise).
  // Default: false
  bool insecure = false;
};

// True for a listen address whose host is loopback-only (`127.0.0.1:50051`, `[::1]:0`,
// `localhost:50051`).
bool IsLoopbackListener(absl::string_view listen_address);

class ListenerSecurity {
 public:
  // INVALID_ARGUMENT naming the option for a refused combination, a bad token file or bad
  // certificates.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ListenerSecurity>> Create(
      absl::string_view listen_address, const SecurityOptions& options);

  // The credentials to listen with (shared: gRPC keeps them for the listener's life).
  const std::shared_ptr<grpc::ServerCredentials>& credentials() const { return credentials_; }

  bool auth_enabled() const { return processor_ != nullptr; }
  // Who a call is (AuthProcessor::PrincipalOf); null when auth is off.
  std::shared_ptr<const auth::AuthProcessor> auth() const { return processor_; }
  bool tls_enabled() const { return tls_ != nullptr; }

  // Re-reads the token file and the certificates (SIGHUP). Each part that fails to load is kept
  // as it was, and the error says which and why; the other part is still reloaded.
  [[nodiscard]] absl::Status Reload();

  // For the start log line: "transport=tls mutual_tls=true auth=on tokens=3".
  std::string Describe() const;

 private:
  ListenerSecurity() = default;

  SecurityOptions options_;
  size_t token_count_ = 0;
  std::shared_ptr<auth::AuthProcessor> processor_;  // null: auth off
  std::unique_ptr<TlsStage> tls_;                   // null: no TLS
  std::shared_ptr<grpc::ServerCredentials> credentials_;
};

}  // namespace leadrouter::server::transport
