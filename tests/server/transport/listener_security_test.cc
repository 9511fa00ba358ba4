// Which listeners may serve plaintext or without authentication, decided before the server
// listens: every refused combination names the options involved.
#include "server/transport/listener_security.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "server/auth/token_table.h"
#include "status_matchers.h"
#include "test_certs.h"

namespace leadrouter::server::transport {
namespace {

using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TestCerts;
using ::testing::HasSubstr;

TEST(IsLoopbackListenerTest, KnowsLoopbackFromEverythingElse) {
  for (const char* address : {"127.0.0.1:50051", "127.8.9.10:1", "localhost:50051", "[::1]:0"}) {
    EXPECT_TRUE(IsLoopbackListener(address)) << address;
  }
  for (const char* address :
       {"0.0.0.0:50051", "[::]:50051", ":50051", "10.0.0.5:50051", "128.0.0.1:50051",
        "127.0.0:50051", "127.0.0.1.5:1", "localhost.example.com:1", "unix:/tmp/socket",
        "example.com:443", "[::ffff:127.0.0.1]:1"}) {
    EXPECT_FALSE(IsLoopbackListener(address)) << address;
  }
}

class ListenerSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certs_.ok()) << certs_.error();
    tokens_ = certs_.Path("tokens");
    std::ofstream(tokens_) << auth::TokenHash("t") << " tester admin\n";
  }
  SecurityOptions Tls() const {
    SecurityOptions options;
    options.tls_cert = certs_.Path("server.crt");
    options.tls_key = certs_.Path("server.key");
    return options;
  }
  TestCerts certs_;
  std::string tokens_;
};

TEST_F(ListenerSecurityTest, RefusesUnsafeCombinations) {
  SecurityOptions plain;
  EXPECT_THAT(ListenerSecurity::Create("0.0.0.0:50051", plain),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--listen 0.0.0.0:50051 is reachable from other machines: serve "
                                 "it with TLS")));
  SecurityOptions tls_without_tokens = Tls();
  EXPECT_THAT(ListenerSecurity::Create("0.0.0.0:50051", tls_without_tokens),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("give --auth-tokens")));
  SecurityOptions insecure_with_tokens;
  insecure_with_tokens.insecure = true;
  insecure_with_tokens.auth_tokens_file = tokens_;
  EXPECT_THAT(ListenerSecurity::Create("0.0.0.0:50051", insecure_with_tokens),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--insecure cannot be combined with --auth-tokens")));
  SecurityOptions half_tls;
  half_tls.tls_cert = certs_.Path("server.crt");
  EXPECT_THAT(ListenerSecurity::Create("127.0.0.1:0", half_tls),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tls-cert and --tls-key go together")));
  SecurityOptions ca_alone;
  ca_alone.tls_client_ca = certs_.Path("ca.crt");
  EXPECT_THAT(ListenerSecurity::Create("127.0.0.1:0", ca_alone),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-client-ca")));
  SecurityOptions bad_tokens;
  bad_tokens.auth_tokens_file = certs_.Path("no-such-file");
  EXPECT_THAT(ListenerSecurity::Create("127.0.0.1:0", bad_tokens),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such-file")));
}

TEST_F(ListenerSecurityTest, AllowsWhatIsSafeAndSaysWhatItChose) {
  absl::StatusOr<std::unique_ptr<ListenerSecurity>> plain =
      ListenerSecurity::Create("127.0.0.1:0", {});
  ASSERT_OK(plain);
  EXPECT_EQ((*plain)->Describe(), "transport=plaintext auth=OFF");

  SecurityOptions local_tokens;
  local_tokens.auth_tokens_file = tokens_;
  absl::StatusOr<std::unique_ptr<ListenerSecurity>> local =
      ListenerSecurity::Create("localhost:0", local_tokens);
  ASSERT_OK(local);
  EXPECT_EQ((*local)->Describe(), "transport=plaintext auth=on tokens=1");

  SecurityOptions mutual = Tls();
  mutual.tls_client_ca = certs_.Path("ca.crt");
  mutual.auth_tokens_file = tokens_;
  absl::StatusOr<std::unique_ptr<ListenerSecurity>> network =
      ListenerSecurity::Create("0.0.0.0:0", mutual);
  ASSERT_OK(network);
  EXPECT_EQ((*network)->Describe(), "transport=tls mutual_tls=true auth=on tokens=1");

  SecurityOptions insecure;
  insecure.insecure = true;
  absl::StatusOr<std::unique_ptr<ListenerSecurity>> open =
      ListenerSecurity::Create("0.0.0.0:0", insecure);
  ASSERT_OK(open);
  EXPECT_EQ((*open)->Describe(), "transport=plaintext auth=OFF");
}

TEST_F(ListenerSecurityTest, ReloadKeepsWhatFailsToLoadAndSaysSo) {
  SecurityOptions options = Tls();
  options.auth_tokens_file = tokens_;
  absl::StatusOr<std::unique_ptr<ListenerSecurity>> security =
      ListenerSecurity::Create("127.0.0.1:0", options);
  ASSERT_OK(security);
  std::ofstream(tokens_) << auth::TokenHash("t") << " tester admin\n"
                         << auth::TokenHash("u") << " user viewer\n";
  ASSERT_OK((*security)->Reload());
  EXPECT_EQ((*security)->Describe(), "transport=tls mutual_tls=false auth=on tokens=2");
  std::ofstream(tokens_) << "not a token line\n";
  EXPECT_THAT(
      (*security)->Reload(),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("token file NOT reloaded (the old one stays in force): " + tokens_ + ":1:")));
  EXPECT_EQ((*security)->Describe(), "transport=tls mutual_tls=false auth=on tokens=2");
}

}  // namespace
}  // namespace leadrouter::server::transport
