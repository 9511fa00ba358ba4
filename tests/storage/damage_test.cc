// Damage to the write-ahead log or a table file that would drop acknowledged changes is refused
// at open, naming the file and the way out, and leaves the directory as it was; a torn tail (a
// write cut short by a crash) is dropped and logged; a salvage of a copy keeps every change before
// the damage and reports each one it drops.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "assign_harness.h"
#include "status_matchers.h"
#include "storage/lead_store.h"
#include "storage/read_view.h"
#include "storage/salvage.h"
#include "storage/storage.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

namespace fs = std::filesystem;
using ::leadrouter::storage::testing::AssignHarness;
using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kRules[] = "rule \"all\"\n  when true\n  distribute round_robin\n";
constexpr int kLeads = 1000;
constexpr int64_t kNow = 1'767'225'600 + 3'600;  // 2026-01-01T01:00:00Z

std::string LeadId(int i) { return absl::StrCat("lead-", i); }

// A database holding kLeads assignments, each its own synced commit, all still in the
// write-ahead log (closing does not flush memtables while the log is on), the last of them its
// last record (the close writes no counter checkpoint after them).
void Populate(const std::string& path) {
  StorageOptions options;
  options.database.durability = Durability::kAsync;  // the log's bytes are the same; no fsyncs
  options.advance_checkpoint_at_close = false;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(path, options);
  ASSERT_OK(storage);
  absl::StatusOr<std::unique_ptr<AssignHarness>> harness =
      AssignHarness::Create((*storage)->commits(), kRules, {"ana", "ben", "cara"});
  ASSERT_OK(harness);
  for (int i = 0; i < kLeads; ++i) ASSERT_OK((*harness)->Assign(LeadId(i), kNow));
  ASSERT_OK((*storage)->Close());
}

// The files of `extension` in `dir`, largest first.
std::vector<fs::path> FilesBySize(const std::string& dir, const std::string& extension) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return fs::file_size(a) > fs::file_size(b);
  });
  return files;
}

// Flips `count` bytes of `file` starting at `offset`.
void Flip(const fs::path& file, uintmax_t offset, int count) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  for (int i = 0; i < count; ++i) {
    io.seekg(static_cast<std::streamoff>(offset + i));
    const int byte = io.get();
    io.seekp(static_cast<std::streamoff>(offset + i));
    io.put(static_cast<char>(byte ^ 0xFF));
  }
}

// Size and a hash of every data file: "nothing was changed" means this is equal. RocksDB's
// own LOG files (the diagnostics of each open) are not data.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = fs::relative(entry.path(), dir).string();
    if (!entry.is_regular_file() || name.starts_with("LOG")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files[name] =
        absl::StrCat(text.str().size(), " bytes, hash ", std::hash<std::string>()(text.str()));
  }
  return files;
}

// How many of the leads 0..kLeads-1 are stored.
int StoredLeads(Database& db) {
  DatabaseView view(db);
  int stored = 0;
  for (int i = 0; i < kLeads; ++i) {
    absl::StatusOr<std::optional<LeadRecord>> lead = ReadLead(view, "leads/" + LeadId(i));
    if (lead.ok() && lead->has_value()) ++stored;
  }
  return stored;
}

// Lines the storage logs through spdlog while it is alive.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_)) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::string text() const { return lines_.str(); }

 private:
  std::ostringstream lines_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

class DamageTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Populate(path_)); }
  fs::path Wal() {
    const std::vector<fs::path> logs = FilesBySize(path_, ".log");
    EXPECT_FALSE(logs.empty());
    return logs.empty() ? fs::path() : logs.front();
  }
  TempDir dir_;
  const std::string path_ = dir_.Child("db");
};

TEST_F(DamageTest, UndamagedDatabaseOpensWithEverything) {
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(path_);
  ASSERT_OK(storage);
  EXPECT_EQ(StoredLeads((*storage)->database()), kLeads);
}

TEST_F(DamageTest, WalDamagedInTheMiddleIsRefusedNamingTheFileAndChangesNothing) {
  const fs::path wal = Wal();
  Flip(wal, fs::file_size(wal) / 2, 64);
  const std::map<std::string, std::string> before = Snapshot(path_);
  EXPECT_THAT(Storage::Open(path_),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("write-ahead log damaged: " + wal.string() + ": dropping "),
                             HasSubstr("Acknowledged changes after the damage would be lost"),
                             HasSubstr("leadctl admin salvage " + path_))));
  EXPECT_EQ(Snapshot(path_), before) << "a refused open changed the directory";
}

TEST_F(DamageTest, DamagedLastRecordIsRefusedToo) {
  // A checksum failure is damage wherever it is, the last record included: with --durability
  // sync that record was acknowledged.
  const fs::path wal = Wal();
  Flip(wal, fs::file_size(wal) - 40, 16);
  EXPECT_THAT(Storage::Open(path_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("write-ahead log damaged")));
}

TEST_F(DamageTest, TornTailIsDroppedAndLogged) {
  const fs::path wal = Wal();
  fs::resize_file(wal, fs::file_size(wal) - 100);
  LogCapture log;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(path_);
  ASSERT_OK(storage);
  EXPECT_EQ(StoredLeads((*storage)->database()), kLeads - 1);
  EXPECT_THAT(log.text(), AllOf(HasSubstr("the torn tail of the write-ahead log was dropped"),
                                HasSubstr(wal.string() + ": dropping ")));
}

TEST_F(DamageTest, TableFileDamageIsRefusedNamingTheFile) {
  {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_);
    ASSERT_OK(db);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    for (size_t i = 0; i < kColumnFamilyCount; ++i) {
      handles.push_back((*db)->handle(static_cast<ColumnFamily>(i)));
    }
    ASSERT_TRUE((*db)->raw().Flush(rocksdb::FlushOptions(), handles).ok());
    ASSERT_OK((*db)->Close());
  }
  const std::vector<fs::path> tables = FilesBySize(path_, ".sst");
  ASSERT_FALSE(tables.empty());
  Flip(tables.front(), fs::file_size(tables.front()) / 2, 64);
  EXPECT_THAT(Storage::Open(path_),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("table file damaged"), HasSubstr(tables.front().string()),
                             HasSubstr("Restore a backup"))));
}

TEST_F(DamageTest, SalvageKeepsThePrefixAndReportsEveryDroppedChange) {
  const fs::path wal = Wal();
  Flip(wal, fs::file_size(wal) / 2, 64);
  const std::map<std::string, std::string> before = Snapshot(path_);
  const std::string target = dir_.Child("salvaged");

  absl::StatusOr<SalvageReport> report = Salvage(path_, target);
  ASSERT_OK(report);
  EXPECT_EQ(Snapshot(path_), before) << "the salvage changed the damaged database";
  ASSERT_EQ(report->damage.size() >= 1, true);
  EXPECT_THAT(report->damage.front(), HasSubstr(wal.string() + ": dropping "));
  EXPECT_GT(report->kept_through, 100u);
  ASSERT_FALSE(report->unreadable.empty());
  EXPECT_EQ(report->unreadable.front().first, report->kept_through + 1);
  ASSERT_FALSE(report->dropped.empty());

  // Every change is accounted for: kept, unreadable or reported (one audit record per lead).
  uint64_t unreadable = 0;
  for (const SequenceRange& range : report->unreadable) {
    ASSERT_NE(range.last, 0u);
    unreadable += range.last - range.first + 1;
  }
  EXPECT_EQ(report->kept_through + unreadable + report->dropped.size(), uint64_t{kLeads});
  std::set<std::string> reported;
  for (const DroppedChange& change : report->dropped) {
    EXPECT_EQ(change.audit.action(), "lead.assign");
    ASSERT_TRUE(change.lead.has_value()) << change.audit.entity();
    EXPECT_EQ(change.lead->name(), change.audit.entity());
    EXPECT_FALSE(change.lead->owner().empty());
    reported.insert(change.audit.entity());
  }

  // The copy opens as leadrouterd opens it, with exactly the prefix.
  absl::StatusOr<std::unique_ptr<Storage>> salvaged = Storage::Open(target);
  ASSERT_OK(salvaged);
  EXPECT_EQ(StoredLeads((*salvaged)->database()), static_cast<int>(report->kept_through));
  DatabaseView view((*salvaged)->database());
  for (const std::string& lead : reported) {
    absl::StatusOr<std::optional<LeadRecord>> stored = ReadLead(view, lead);
    ASSERT_OK(stored);
    EXPECT_FALSE(stored->has_value()) << lead << " is both kept and reported dropped";
  }
}

TEST_F(DamageTest, SalvageRefusesADatabaseThatOpensCleanly) {
  EXPECT_THAT(Salvage(path_, dir_.Child("salvaged")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("nothing to salvage")));
  EXPECT_FALSE(fs::exists(dir_.Child("salvaged")));
}

}  // namespace
}  // namespace leadrouter::storage
