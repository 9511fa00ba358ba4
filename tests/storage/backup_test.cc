#include "storage/backup.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "dsl/base/status_macros.h"
#include "status_matchers.h"
#include "storage/commit_queue.h"
#include "storage/read_view.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;

// Every key and value of every leadrouter column family.
std::map<std::string, std::string> Dump(Database& db) {
  std::map<std::string, std::string> all;
  DatabaseView view(db);
  for (size_t i = 0; i < kColumnFamilyCount; ++i) {
    EXPECT_OK(view.Scan(
        static_cast<ColumnFamily>(i), "", "", ScanOrder::kAscending,
        [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
          all[std::string(kColumnFamilyNames[i]) + "/" + std::string(key)] = std::string(value);
          return true;
        }));
  }
  return all;
}

absl::Status PutMany(CommitQueue& queue, ColumnFamily cf, const std::string& prefix, int n) {
  return queue.Commit([&](WriteTxn& txn) -> absl::Status {
    for (int i = 0; i < n; ++i) {
      RETURN_IF_ERROR(txn.Put(cf, prefix + std::to_string(i), std::string(100, 'v')));
    }
    return absl::OkStatus();
  });
}

TEST(BackupTest, RestoreGivesTheStateAtBackupTime) {
  TempDir dir;
  auto db = Database::Open(dir.Child("live"));
  ASSERT_OK(db);
  std::map<std::string, std::string> at_backup;
  {
    CommitQueue queue(**db);
    ASSERT_OK(PutMany(queue, ColumnFamily::kLeads, "lead", 500));
    ASSERT_OK(PutMany(queue, ColumnFamily::kAudit, "audit", 500));
    at_backup = Dump(**db);
    ASSERT_OK(Backup(**db, dir.Child("backup")));
    ASSERT_OK(PutMany(queue, ColumnFamily::kLeads, "after", 10));  // not in the backup
  }
  uint64_t last_done = 0;
  uint64_t last_total = 0;
  int calls = 0;
  ASSERT_OK(Restore(dir.Child("backup"), dir.Child("restored"), [&](uint64_t done, uint64_t total) {
    EXPECT_GE(done, last_done);  // progress only grows
    last_done = done;
    last_total = total;
    ++calls;
  }));
  EXPECT_GT(calls, 1);  // one call per copied file
  EXPECT_GT(last_total, 0u);
  EXPECT_EQ(last_done, last_total);
  auto restored = Database::Open(dir.Child("restored"), {.create_if_missing = false});
  ASSERT_OK(restored);
  EXPECT_EQ(Dump(**restored), at_backup);
  EXPECT_NE(Dump(**db), at_backup);
  EXPECT_FALSE(std::filesystem::exists(dir.Child("restored.restoring")));
}

TEST(BackupTest, RefusesExistingBackupDirAndNonEmptyTarget) {
  TempDir dir;
  auto db = Database::Open(dir.Child("live"));
  ASSERT_OK(db);
  std::filesystem::create_directories(dir.Child("taken"));
  EXPECT_THAT(Backup(**db, dir.Child("taken")),
              StatusIs(absl::StatusCode::kAlreadyExists, ::testing::HasSubstr("taken")));
  ASSERT_OK(Backup(**db, dir.Child("backup")));
  EXPECT_THAT(Restore(dir.Child("backup"), dir.Child("live")),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("not empty")));
  EXPECT_THAT(Restore(dir.Child("nothing"), dir.Child("x")),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_THAT(Restore(dir.Child("taken"), dir.Child("x")),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("CURRENT")));
  EXPECT_FALSE(std::filesystem::exists(dir.Child("x")));
}

}  // namespace
}  // namespace leadrouter::storage
