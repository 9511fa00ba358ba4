// A throwaway PKI made at test time (tests/testing/make_test_certs.sh, Debian's openssl), for
// the TLS tests: a CA with server and client certificates, and an unrelated CA.
//
//   TestCerts certs;
//   ASSERT_TRUE(certs.ok()) << certs.error();
//   options.tls_cert = certs.Path("server.crt");
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace leadrouter::testing {

class TestCerts {
 public:
  TestCerts() {
    const CommandResult made =
        RunCommand(std::string("bash ") + LEADROUTER_SOURCE_DIR +
                   "/tests/testing/make_test_certs.sh " + dir_.path().string() + " 2>&1");
    if (made.exit_code != 0) error_ = "make_test_certs.sh failed: " + made.output;
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  std::string Path(const std::string& name) const { return dir_.Child(name); }
  std::string Read(const std::string& name) const {
    std::ifstream in(Path(name), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::string error_;
};

}  // namespace leadrouter::testing
