#include "storage/database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "status_matchers.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

TEST(DatabaseTest, CreatesMissingDirectoryAndReopens) {
  TempDir dir;
  const std::string path = dir.Child("nested/data");
  {
    auto db = Database::Open(path);
    ASSERT_OK(db);
    ASSERT_TRUE((*db)->raw().Put(rocksdb::WriteOptions(), "k", "v").ok());
    EXPECT_OK((*db)->Close());
  }
  EXPECT_TRUE(std::filesystem::is_directory(path));
  auto db = Database::Open(path);
  ASSERT_OK(db);
  std::string value;
  ASSERT_TRUE((*db)->raw().Get(rocksdb::ReadOptions(), "k", &value).ok());
  EXPECT_EQ(value, "v");
}

TEST(DatabaseTest, SecondOpenOfSameDirectoryIsRefused) {
  TempDir dir;
  auto first = Database::Open(dir.Child("db"));
  ASSERT_OK(first);
  EXPECT_THAT(Database::Open(dir.Child("db")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("lock")));
}

TEST(DatabaseTest, PathThatIsAFileIsAClearError) {
  TempDir dir;
  const std::string file = dir.Child("plain-file");
  std::ofstream(file) << "not a database";
  EXPECT_THAT(Database::Open(file), StatusIs(absl::StatusCode::kFailedPrecondition,
                                             ContainsRegex("plain-file.*[Nn]ot a directory")));
}

TEST(DatabaseTest, MissingDirectoryWithoutCreateIsAnError) {
  TempDir dir;
  EXPECT_FALSE(Database::Open(dir.Child("absent"), {.create_if_missing = false}).ok());
}

TEST(DatabaseTest, EmptyPathIsInvalid) {
  EXPECT_THAT(Database::Open(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

}  // namespace
}  // namespace leadrouter::storage
