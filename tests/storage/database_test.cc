#include "storage/database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "rocksdb/table_properties.h"
#include "status_matchers.h"
#include "storage/layout.h"
#include "storage/status.h"
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

// The write-once records (history, explanations, events, audits, rep versions) are compressed with
// zstd in their table files; the column families the decision reads keep RocksDB's default.
TEST(DatabaseTest, WriteOnceColumnFamiliesAreCompressedWithZstd) {
  TempDir dir;
  auto db = Database::Open(dir.Child("db"));
  ASSERT_OK(db);
  rocksdb::DB& raw = (*db)->raw();
  const std::string record(4096, 'x');
  for (size_t i = 1; i < kColumnFamilyCount; ++i) {
    rocksdb::ColumnFamilyHandle* handle = (*db)->handle(static_cast<ColumnFamily>(i));
    ASSERT_TRUE(raw.Put(rocksdb::WriteOptions(), handle, "key", record).ok());
    ASSERT_TRUE(raw.Flush(rocksdb::FlushOptions(), handle).ok());
  }
  for (size_t i = 1; i < kColumnFamilyCount; ++i) {
    const auto cf = static_cast<ColumnFamily>(i);
    rocksdb::TablePropertiesCollection tables;
    ASSERT_TRUE(raw.GetPropertiesOfAllTables((*db)->handle(cf), &tables).ok());
    ASSERT_FALSE(tables.empty()) << kColumnFamilyNames[i];
    for (const auto& [file, properties] : tables) {
      EXPECT_EQ(properties->compression_name, IsWriteOnceColumnFamily(cf) ? "ZSTD" : "Snappy")
          << kColumnFamilyNames[i] << " " << file;
    }
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

TEST(DatabaseTest, AFullDiskIsUnavailableAndSaysSo) {
  const absl::Status full =
      FromRocksDb(rocksdb::Status::NoSpace("While appending to file: /data/000004.log",
                                           "No space left on device"),
                  "commit changes");
  EXPECT_THAT(full, StatusIs(absl::StatusCode::kUnavailable,
                             HasSubstr("commit changes: no space left on the disk of the database; "
                                       "changes are refused until space is freed")));
  EXPECT_THAT(full.message(), HasSubstr("/data/000004.log"));
}

// RocksDB's LOG is ours (storage/info_log.h): in the database directory, one line per message,
// the previous one kept as LOG.old.<micros>.
TEST(DatabaseTest, WritesRocksDbsInfoLogAndKeepsThePreviousOne) {
  TempDir dir;
  const std::string path = dir.Child("db");
  for (int open = 0; open < 2; ++open) {
    auto db = Database::Open(path);
    ASSERT_OK(db);
    EXPECT_OK((*db)->Close());
  }
  std::ifstream in(path + "/LOG");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text,
              ContainsRegex("^[0-9]{4}/[0-9]{2}/[0-9]{2}-[0-9:.]+ [0-9a-f]+ RocksDB version"));
  EXPECT_EQ(text.find("\n\n"), std::string::npos) << "a message that ends in a newline gets one";
  int old_logs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().filename().string().rfind("LOG.old.", 0) == 0) ++old_logs;
  }
  EXPECT_EQ(old_logs, 1);
}

}  // namespace
}  // namespace leadrouter::storage
