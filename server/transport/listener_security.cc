#include "server/transport/listener_security.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "dsl/base/status_macros.h"

namespace leadrouter::server::transport {
namespace {

// How often gRPC's file watcher looks at the staged certificates: a reload is served within it.
constexpr unsigned int kCertificateRefreshSeconds = 1;

// The host part of "host:port", "[v6]:port".
absl::string_view HostOf(absl::string_view address) {
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    return close == absl::string_view::npos ? address : address.substr(1, close - 1);
  }
  const size_t colon = address.rfind(':');
  return colon == absl::string_view::npos ? address : address.substr(0, colon);
}

bool IsLoopbackIpv4(absl::string_view host) {
  const std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4) return false;
  for (const absl::string_view part : parts) {
    int value = 0;
    if (part.empty() || part.size() > 3 || !absl::SimpleAtoi(part, &value) || value > 255) {
      return false;
    }
  }
  return parts[0] == "127";
}

std::shared_ptr<grpc::ServerCredentials> TlsCredentials(const TlsStage& stage) {
  const auto provider =
      stage.mutual()
          ? std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                stage.identity_path(), stage.identity_path(), stage.client_ca_path(),
                kCertificateRefreshSeconds)
          : std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                stage.identity_path(), stage.identity_path(), kCertificateRefreshSeconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (stage.mutual()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace

bool IsLoopbackListener(absl::string_view listen_address) {
  const absl::string_view host = HostOf(listen_address);
  return host == "localhost" || host == "::1" || IsLoopbackIpv4(host);
}

absl::StatusOr<std::unique_ptr<ListenerSecurity>> ListenerSecurity::Create(
    absl::string_view listen_address, const SecurityOptions& options) {
  const bool loopback = IsLoopbackListener(listen_address);
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  const bool tokens = !options.auth_tokens_file.empty();
  if (tls && (options.tls_cert.empty() || options.tls_key.empty())) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together: give both");
  }
  if (!options.tls_client_ca.empty() && !tls) {
    return absl::InvalidArgumentError(
        "--tls-client-ca (mutual TLS) needs TLS: give --tls-cert and --tls-key too");
  }
  if (options.insecure && tls) {
    return absl::InvalidArgumentError("--insecure serves plaintext: it contradicts --tls-cert");
  }
  if (!loopback && !tls && !options.insecure) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen ", listen_address,
        " is reachable from other machines: serve it with TLS (--tls-cert, --tls-key, and "
        "--auth-tokens), or pass --insecure to serve plaintext on a network secured otherwise"));
  }
  if (options.insecure && tokens) {
    return absl::InvalidArgumentError(
        "--insecure cannot be combined with --auth-tokens: bearer tokens sent in clear over a "
        "network are readable by anyone on it (and gRPC checks tokens only on TLS or loopback "
        "connections); use TLS");
  }
  if (!loopback && tls && !tokens) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen ", listen_address,
        " is reachable from other machines: give --auth-tokens (authentication may be off only "
        "on a loopback listener)"));
  }

  std::unique_ptr<ListenerSecurity> security(new ListenerSecurity());
  security->options_ = options;
  if (tokens) {
    ASSIGN_OR_RETURN(std::shared_ptr<const auth::TokenTable> table,
                     auth::TokenTable::Load(options.auth_tokens_file));
    security->token_count_ = table->size();
    security->processor_ = std::make_shared<auth::AuthProcessor>(std::move(table));
  }
  if (tls) {
    ASSIGN_OR_RETURN(security->tls_, TlsStage::Create(TlsFiles{options.tls_cert, options.tls_key,
                                                               options.tls_client_ca}));
    security->credentials_ = TlsCredentials(*security->tls_);
  } else if (tokens) {
    // gRPC runs an auth processor only on secure credentials; local credentials are those of a
    // plaintext connection from this machine (plain insecure clients connect as before).
    security->credentials_ = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else {
    security->credentials_ = grpc::InsecureServerCredentials();
  }
  if (security->processor_ != nullptr) {
    security->credentials_->SetAuthMetadataProcessor(security->processor_);
  }
  return security;
}

absl::Status ListenerSecurity::Reload() {
  std::vector<std::string> failures;
  if (processor_ != nullptr) {
    absl::StatusOr<std::shared_ptr<const auth::TokenTable>> table =
        auth::TokenTable::Load(options_.auth_tokens_file);
    if (table.ok()) {
      token_count_ = (*table)->size();
      processor_->ReplaceTokens(*std::move(table));
      spdlog::info("auth token file reloaded file={} tokens={}", options_.auth_tokens_file,
                   token_count_);
    } else {
      failures.push_back(absl::StrCat("token file NOT reloaded (the old one stays in force): ",
                                      table.status().message()));
    }
  }
  if (tls_ != nullptr) {
    if (absl::Status status = tls_->Reload(); status.ok()) {
      spdlog::info("tls certificates reloaded {}", tls_->description());
    } else {
      failures.push_back(absl::StrCat(
          "TLS certificates NOT reloaded (the old ones stay in force): ", status.message()));
    }
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(failures, "; "));
}

std::string ListenerSecurity::Describe() const {
  std::string text = absl::StrCat("transport=", tls_ != nullptr ? "tls" : "plaintext");
  if (tls_ != nullptr) absl::StrAppend(&text, " mutual_tls=", tls_->mutual() ? "true" : "false");
  absl::StrAppend(&text, " auth=", processor_ != nullptr ? "on" : "OFF");
  if (processor_ != nullptr) absl::StrAppend(&text, " tokens=", token_count_);
  return text;
}

}  // namespace leadrouter::server::transport
