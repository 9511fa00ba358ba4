#include "storage/database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "status_matchers.h"
#include "storage/layout.h"
#include "storage/value_codec.h"
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

TEST(DatabaseTest, RecordsSchemaVersionAndEveryColumnFamily) {
  TempDir dir;
  auto db = Database::Open(dir.Child("db"));
  ASSERT_OK(db);
  std::string value;
  ASSERT_TRUE((*db)
                  ->raw()
                  .Get(rocksdb::ReadOptions(), (*db)->handle(ColumnFamily::kMeta),
                       std::string(meta_key::kSchemaVersion), &value)
                  .ok());
  EXPECT_EQ(*DecodeInteger(value, "schema"), kSchemaVersion);
  for (size_t i = 0; i < kColumnFamilyCount; ++i) {
    EXPECT_EQ((*db)->handle(static_cast<ColumnFamily>(i))->GetName(), kColumnFamilyNames[i]);
  }
}

TEST(DatabaseTest, OtherSchemaVersionIsRefusedWithBothVersions) {
  TempDir dir;
  {
    auto db = Database::Open(dir.Child("db"));
    ASSERT_OK(db);
    ASSERT_TRUE((*db)
                    ->raw()
                    .Put(rocksdb::WriteOptions(), (*db)->handle(ColumnFamily::kMeta),
                         std::string(meta_key::kSchemaVersion), EncodeInteger(kSchemaVersion + 1))
                    .ok());
  }
  EXPECT_THAT(Database::Open(dir.Child("db")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ContainsRegex("schema version " + std::to_string(kSchemaVersion + 1) +
                                     ".*reads schema version " + std::to_string(kSchemaVersion))));
}

TEST(DatabaseTest, UnknownColumnFamilyIsRefused) {
  TempDir dir;
  {
    auto db = Database::Open(dir.Child("db"));
    ASSERT_OK(db);
    rocksdb::ColumnFamilyHandle* handle = nullptr;
    ASSERT_TRUE(
        (*db)->raw().CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "future", &handle).ok());
    ASSERT_TRUE((*db)->raw().DestroyColumnFamilyHandle(handle).ok());
  }
  EXPECT_THAT(Database::Open(dir.Child("db")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("'future'")));
}

TEST(DatabaseTest, DataWithoutSchemaVersionIsRefused) {
  TempDir dir;
  {
    auto db = Database::Open(dir.Child("db"));
    ASSERT_OK(db);
    ASSERT_TRUE((*db)
                    ->raw()
                    .Delete(rocksdb::WriteOptions(), (*db)->handle(ColumnFamily::kMeta),
                            std::string(meta_key::kSchemaVersion))
                    .ok());
    ASSERT_TRUE((*db)
                    ->raw()
                    .Put(rocksdb::WriteOptions(), (*db)->handle(ColumnFamily::kLeads), "x", "y")
                    .ok());
  }
  EXPECT_THAT(Database::Open(dir.Child("db")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no schema version")));
}

TEST(DatabaseTest, DurabilityChoosesWalSync) {
  TempDir dir;
  {
    auto db = Database::Open(dir.Child("sync"));
    ASSERT_OK(db);
    EXPECT_TRUE((*db)->write_options().sync);
    EXPECT_FALSE((*db)->write_options().disableWAL);
  }
  auto db = Database::Open(dir.Child("async"), {.durability = Durability::kAsync});
  ASSERT_OK(db);
  EXPECT_FALSE((*db)->write_options().sync);
  EXPECT_FALSE((*db)->write_options().disableWAL);
}

}  // namespace
}  // namespace leadrouter::storage
