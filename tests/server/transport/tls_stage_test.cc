// Certificates are checked before they are served, and staged so that a reload is one rename: a
// bad set (key of another certificate, expired, not PEM) is refused with the file named, and the
// certificates served before stay.
#include "server/transport/tls_stage.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "files.h"
#include "status_matchers.h"
#include "test_certs.h"

namespace leadrouter::server::transport {
namespace {

using ::leadrouter::testing::ReadFile;
using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TestCerts;
using ::testing::HasSubstr;

class TlsStageTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certs_.ok()) << certs_.error(); }
  TlsFiles Files(const std::string& cert, const std::string& key, const std::string& ca = "") {
    return {certs_.Path(cert), certs_.Path(key), ca.empty() ? "" : certs_.Path(ca)};
  }
  TestCerts certs_;
};

TEST_F(TlsStageTest, StagesKeyAndChainInOnePrivateFile) {
  absl::StatusOr<std::unique_ptr<TlsStage>> stage =
      TlsStage::Create(Files("server.crt", "server.key", "ca.crt"));
  ASSERT_OK(stage);
  const std::string identity = ReadFile((*stage)->identity_path());
  EXPECT_NE(identity.find(certs_.Read("server.key")), std::string::npos);
  EXPECT_NE(identity.find(certs_.Read("server.crt")), std::string::npos);
  EXPECT_EQ(ReadFile((*stage)->client_ca_path()), certs_.Read("ca.crt"));
  EXPECT_TRUE((*stage)->mutual());
  EXPECT_THAT((*stage)->description(), HasSubstr("subject=CN=localhost not_after=20"));
  struct stat file {};
  ASSERT_EQ(stat((*stage)->identity_path().c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600u);
  const std::string directory =
      std::filesystem::path((*stage)->identity_path()).parent_path().string();
  ASSERT_EQ(stat(directory.c_str(), &file), 0);
  EXPECT_EQ(file.st_mode & 0777, 0700u);
  stage->reset();
  EXPECT_FALSE(std::filesystem::exists(directory)) << "the private directory outlived the stage";
}

TEST_F(TlsStageTest, RefusesBadCertificatesNamingTheFile) {
  EXPECT_THAT(TlsStage::Create(Files("server.crt", "server2.key")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("server2.key is not the key of the certificate in")));
  EXPECT_THAT(TlsStage::Create(Files("expired.crt", "expired.key")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expired.crt: the certificate expired at 20")));
  EXPECT_THAT(TlsStage::Create(Files("server.key", "server.key")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("server.key: no PEM certificate in it")));
  EXPECT_THAT(
      TlsStage::Create(Files("server.crt", "server.crt")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("--tls-key " + certs_.Path("server.crt") + ": no PEM private key")));
  EXPECT_THAT(TlsStage::Create(Files("server.crt", "missing.key")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing.key: cannot read")));
  EXPECT_THAT(TlsStage::Create(Files("server.crt", "server.key", "server.key")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tls-client-ca " + certs_.Path("server.key"))));
}

TEST_F(TlsStageTest, ReloadServesNewFilesAndKeepsTheOldOnesWhenTheNewAreBad) {
  // The operator's files are copies the test rotates, in the wrong order on purpose.
  const std::string cert = certs_.Path("live.crt");
  const std::string key = certs_.Path("live.key");
  std::filesystem::copy_file(certs_.Path("server.crt"), cert);
  std::filesystem::copy_file(certs_.Path("server.key"), key);
  absl::StatusOr<std::unique_ptr<TlsStage>> stage = TlsStage::Create({cert, key, ""});
  ASSERT_OK(stage);
  const std::string before = ReadFile((*stage)->identity_path());

  // Half a rotation: the new key is there, the certificate not yet. Refused, nothing changes.
  std::filesystem::copy_file(certs_.Path("server2.key"), key,
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_THAT((*stage)->Reload(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not the key of")));
  EXPECT_EQ(ReadFile((*stage)->identity_path()), before);

  std::filesystem::copy_file(certs_.Path("server2.crt"), cert,
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_OK((*stage)->Reload());
  const std::string after = ReadFile((*stage)->identity_path());
  EXPECT_NE(after, before);
  EXPECT_NE(after.find(certs_.Read("server2.crt")), std::string::npos);
}

}  // namespace
}  // namespace leadrouter::server::transport
