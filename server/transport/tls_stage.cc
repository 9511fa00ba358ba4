#include "server/transport/tls_stage.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"

namespace leadrouter::server::transport {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(option, " ", path, ": cannot read it"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Every certificate of a PEM text, in order.
std::vector<Certificate> Certificates(const std::string& pem) {
  std::vector<Certificate> certificates;
  Bio bio = MemoryBio(pem);
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certificates.emplace_back(certificate);
  }
  ERR_clear_error();  // the read that ends the loop leaves "no start line" behind
  return certificates;
}

std::string Name(const X509_NAME* name) {
  Bio bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string Time(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return "?";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Checks the files of `files`; returns their texts (key, chain, client CAs) and a description.
struct CheckedFiles {
  std::string key;
  std::string chain;
  std::string client_ca;
  std::string description;
};
absl::StatusOr<CheckedFiles> Check(const TlsFiles& files) {
  CheckedFiles checked;
  ASSIGN_OR_RETURN(checked.chain, ReadFile(files.cert_chain, "--tls-cert"));
  ASSIGN_OR_RETURN(checked.key, ReadFile(files.private_key, "--tls-key"));
  const std::vector<Certificate> chain = Certificates(checked.chain);
  if (chain.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cert ", files.cert_chain, ": no PEM certificate in it"));
  }
  Bio key_bio = MemoryBio(checked.key);
  const Key key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key ", files.private_key, ": no PEM private key in it (or it is encrypted)"));
  }
  X509* leaf = chain.front().get();
  if (X509_check_private_key(leaf, key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("--tls-key ", files.private_key,
                                                   " is not the key of the certificate in ",
                                                   files.cert_chain));
  }
  if (X509_cmp_current_time(X509_get0_notAfter(leaf)) <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("--tls-cert ", files.cert_chain,
                                                   ": the certificate expired at ",
                                                   Time(X509_get0_notAfter(leaf))));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(leaf)) >= 0) {
    return absl::InvalidArgumentError(absl::StrCat("--tls-cert ", files.cert_chain,
                                                   ": the certificate is not valid before ",
                                                   Time(X509_get0_notBefore(leaf))));
  }
  if (!files.client_ca.empty()) {
    ASSIGN_OR_RETURN(checked.client_ca, ReadFile(files.client_ca, "--tls-client-ca"));
    if (Certificates(checked.client_ca).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--tls-client-ca ", files.client_ca, ": no PEM certificate in it"));
    }
  }
  checked.description = absl::StrCat("subject=", Name(X509_get_subject_name(leaf)),
                                     " not_after=", Time(X509_get0_notAfter(leaf)));
  return checked;
}

// Writes `text` to `path` (mode 0600) through a temporary file and a rename: a reader sees the
// old file or the new one, never half of one.
absl::Status WriteAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", temporary, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat("cannot write ", temporary, ": ", std::strerror(error)));
    }
    written += static_cast<size_t>(n);
  }
  close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot rename ", temporary, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// A new directory only this process's user can enter: under $RUNTIME_DIRECTORY (systemd's
// RuntimeDirectory=) when set, else the temporary directory.
absl::StatusOr<std::string> MakePrivateDirectory() {
  const char* runtime = std::getenv("RUNTIME_DIRECTORY");
  std::error_code error;
  const std::filesystem::path parent = runtime != nullptr && *runtime != '\0'
                                           ? std::filesystem::path(runtime)
                                           : std::filesystem::temp_directory_path(error);
  std::string pattern = (parent / "leadrouterd-tls-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {  // mkdtemp makes it with mode 0700
    return absl::FailedPreconditionError(
        absl::StrCat("cannot make a private directory for the TLS certificates in ",
                     parent.string(), ": ", std::strerror(errno)));
  }
  return pattern;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsStage>> TlsStage::Create(TlsFiles files) {
  ASSIGN_OR_RETURN(CheckedFiles checked, Check(files));
  ASSIGN_OR_RETURN(std::string directory, MakePrivateDirectory());
  std::unique_ptr<TlsStage> stage(new TlsStage(std::move(files), std::move(directory)));
  RETURN_IF_ERROR(
      WriteAtomically(stage->identity_path_, absl::StrCat(checked.key, "\n", checked.chain)));
  if (stage->mutual()) RETURN_IF_ERROR(WriteAtomically(stage->client_ca_path_, checked.client_ca));
  stage->description_ = std::move(checked.description);
  return stage;
}

TlsStage::TlsStage(TlsFiles files, std::string directory)
    : files_(std::move(files)),
      directory_(std::move(directory)),
      identity_path_(directory_ + "/identity.pem"),
      client_ca_path_(files_.client_ca.empty() ? "" : directory_ + "/client-ca.pem") {}

TlsStage::~TlsStage() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

absl::Status TlsStage::Reload() {
  ASSIGN_OR_RETURN(CheckedFiles checked, Check(files_));
  // The client CAs first: a new CA with the old identity is harmless for the second the watcher
  // may see them apart; the identity file itself is one rename.
  if (mutual()) RETURN_IF_ERROR(WriteAtomically(client_ca_path_, checked.client_ca));
  RETURN_IF_ERROR(WriteAtomically(identity_path_, absl::StrCat(checked.key, "\n", checked.chain)));
  description_ = std::move(checked.description);
  return absl::OkStatus();
}

}  // namespace leadrouter::server::transport
