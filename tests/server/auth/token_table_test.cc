// The token file: hashes only, errors naming file:line, tokens never echoed.
#include "server/auth/token_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "status_matchers.h"
#include "temp_dir.h"

namespace leadrouter::server::auth {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(TokenHashTest, IsSha256InLowerCaseHex) {
  // printf %s test | sha256sum
  EXPECT_EQ(TokenHash("test"),
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_EQ(TokenHash(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TokenTableTest, FindsThePrincipalOfAToken) {
  const std::string text = "# production\n" + TokenHash("s3cret-crm") + " crm-prod service\n\n" +
                           TokenHash("ana-token") + "\tana@example.com   manager  # Ana\n";
  absl::StatusOr<std::shared_ptr<const TokenTable>> table = TokenTable::Parse(text, "tokens");
  ASSERT_OK(table);
  EXPECT_EQ((*table)->size(), 2u);
  const Principal* crm = (*table)->Find("s3cret-crm");
  ASSERT_NE(crm, nullptr);
  EXPECT_EQ(crm->name, "crm-prod");
  EXPECT_EQ(crm->role, Role::kService);
  const Principal* ana = (*table)->Find("ana-token");
  ASSERT_NE(ana, nullptr);
  EXPECT_EQ(ana->name, "ana@example.com");
  EXPECT_EQ(ana->role, Role::kManager);
  EXPECT_EQ((*table)->Find("s3cret-crm "), nullptr);
  EXPECT_EQ((*table)->Find(""), nullptr);
  // The table is keyed by hash: passing a hash as if it were the token finds nothing.
  EXPECT_EQ((*table)->Find(TokenHash("s3cret-crm")), nullptr);
}

TEST(TokenTableTest, RefusesMalformedLinesNamingFileAndLine) {
  const std::string good = TokenHash("a") + " alice admin\n";
  struct Case {
    std::string line;
    std::string message;
  };
  const Case cases[] = {
      {"only-one-field", "tokens:2: expected `sha256:<64 hex digits> <principal> <role>`"},
      {TokenHash("b") + " bob", "tokens:2: expected"},
      {TokenHash("b") + " bob admin extra", "tokens:2: expected"},
      {"my-clear-token bob admin", "tokens:2: the first field must be sha256:<64 lower-case hex"},
      {"sha256:ABCDEF bob admin", "tokens:2: the first field must be sha256"},
      {"sha256:" + std::string(64, 'G') + " bob admin", "tokens:2: the first field must be"},
      {TokenHash("b") + " bob root", "tokens:2: unknown role `root` (admin, manager, service"},
      {TokenHash("a") + " alice2 viewer", "tokens:2: this token hash is already listed"},
      {TokenHash("b") + " " + std::string(129, 'x') + " admin", "tokens:2: the principal must"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    EXPECT_THAT(TokenTable::Parse(good + c.line + "\n", "tokens"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
  // A token written in clear is not echoed back into the error (and so into a log).
  EXPECT_THAT(TokenTable::Parse("my-clear-token bob admin\n", "tokens"),
              StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("my-clear-token"))));
}

TEST(TokenTableTest, LoadReadsAFileAndNamesAMissingOne) {
  ::leadrouter::testing::TempDir dir;
  const std::string path = dir.Child("tokens");
  std::ofstream(path) << TokenHash("x") << " xavier viewer\n";
  absl::StatusOr<std::shared_ptr<const TokenTable>> table = TokenTable::Load(path);
  ASSERT_OK(table);
  EXPECT_NE((*table)->Find("x"), nullptr);
  EXPECT_THAT(TokenTable::Load(dir.Child("absent")),
              StatusIs(absl::StatusCode::kNotFound, AllOf(HasSubstr("absent"))));
  std::ofstream(path) << "garbage\n";
  EXPECT_THAT(TokenTable::Load(path),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(path + ":1:")));
}

}  // namespace
}  // namespace leadrouter::server::auth
