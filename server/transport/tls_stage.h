// The certificates leadrouterd serves TLS with, checked and staged so that a reload is atomic.
//
// gRPC 1.51's FileWatcherCertificateProvider re-reads key and certificate files every second, but
// it checks neither that the key matches the certificate nor that the two files were read from the
// same rotation: replacing the key before the certificate breaks every new handshake until both
// are there. So the watcher never reads the operator's files: TlsStage reads --tls-cert, --tls-key
// and --tls-client-ca, checks them (PEM that parses, the key of the certificate, not expired), and
// only then writes the key and the chain into ONE file in a private directory (mode 0700, the file
// 0600), by a rename, which is what the watcher reads. The operator's files can be changed in any
// order; nothing changes until Reload() (SIGHUP), and a bad set is refused with the old one kept.
//
// Not thread-safe: Create and Reload run on one thread (start-up, then the signal watcher).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace leadrouter::server::transport {

struct TlsFiles {
  // PEM certificate chain, the server's certificate first. Required.
  std::string cert_chain;
  // PEM private key of that certificate. Required.
  std::string private_key;
  // PEM certificates of the CAs whose client certificates are accepted: mutual TLS when set.
  // Default: none (clients are not asked for a certificate)
  std::string client_ca;
};

class TlsStage {
 public:
  // Checks `files` and stages them. INVALID_ARGUMENT naming the file and what is wrong with it;
  // FAILED_PRECONDITION when the private directory cannot be made.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TlsStage>> Create(TlsFiles files);

  TlsStage(const TlsStage&) = delete;
  TlsStage& operator=(const TlsStage&) = delete;
  ~TlsStage();  // removes the private directory

  // Reads and checks the files again; stages them when they are good. On error nothing changes:
  // the server keeps serving the certificates it had.
  [[nodiscard]] absl::Status Reload();

  // What FileWatcherCertificateProvider reads: one file with key and chain, and the client CAs
  // (empty without mutual TLS).
  const std::string& identity_path() const { return identity_path_; }
  const std::string& client_ca_path() const { return client_ca_path_; }
  bool mutual() const { return !files_.client_ca.empty(); }

  // "subject=CN=localhost not_after=2026-12-03T10:00:00Z" of the staged certificate.
  const std::string& description() const { return description_; }

 private:
  TlsStage(TlsFiles files, std::string directory);

  TlsFiles files_;
  std::string directory_;
  std::string identity_path_;
  std::string client_ca_path_;
  std::string description_;
};

}  // namespace leadrouter::server::transport
