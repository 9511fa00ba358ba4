// The counter checkpoint of the check at open (storage/counter_recovery.h): an incremental check
// replays only the entries after the checkpoint and finds and repairs exactly what the full replay
// does; a missing, garbled or foreign checkpoint falls back to the full replay; the checkpoint is
// written again after every check at open, with only the rows that moved.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "rocksdb/db.h"
#include "status_matchers.h"
#include "storage/assignment_store.h"
#include "storage/counter_keys.h"
#include "storage/counter_recovery.h"
#include "storage/counter_store.h"
#include "storage/keys.h"
#include "storage/storage.h"
#include "storage/value_codec.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::TempDir;

// Two days of one week and month: day windows must replay as they were counted.
constexpr dsl::PeriodIds kDay1{.day = 20454, .week = 20451, .month = 24323};
constexpr dsl::PeriodIds kDay2{.day = 20455, .week = 20451, .month = 24323};

using Rows = std::map<std::string, std::string>;

std::string Key(const std::string& rep, CounterKind kind, int64_t period) {
  return EncodeCounterKey(CounterKey{CounterScope::kRep, "", rep, kind, period});
}

Rows ReadRows(Database& db, ColumnFamily cf) {
  Rows rows;
  DatabaseView view(db);
  EXPECT_OK(view.Scan(cf, "", "", ScanOrder::kAscending,
                      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                        rows.emplace(std::string(key), std::string(value));
                        return true;
                      }));
  return rows;
}

void Put(Database& db, ColumnFamily cf, const std::string& key, const std::string& value) {
  ASSERT_TRUE(db.raw().Put(rocksdb::WriteOptions(), db.handle(cf), key, value).ok());
}

void Delete(Database& db, ColumnFamily cf, const std::string& key) {
  ASSERT_TRUE(db.raw().Delete(rocksdb::WriteOptions(), db.handle(cf), key).ok());
}

std::string Count(int64_t count) {
  CounterValue value;
  value.set_count(count);
  return EncodeProto(value);
}

class CounterCheckpointTest : public ::testing::Test {
 protected:
  // Most tests here are about the check at open, so the checkpoint moves only there unless a test
  // sets `advance_at_close_` (StorageOptions::advance_checkpoint_at_close).
  void Open(StorageOptions options = {}) {
    options.advance_checkpoint_at_close = advance_at_close_;
    absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(path_, options);
    ASSERT_OK(storage);
    storage_ = std::move(*storage);
  }
  void Close() {
    ASSERT_OK(storage_->Close());
    storage_.reset();
  }

  // Assigns `lead` to `rep` on `day`, crediting back its previous owner's counts on a reassign.
  void Assign(const std::string& lead, const std::string& rep, const dsl::PeriodIds& day,
              PreviousCounts previous = PreviousCounts::kKeep) {
    ASSERT_OK(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
      ASSIGN_OR_RETURN(uint64_t sequence, NextAssignmentSequence(txn));
      AssignmentChange change;
      change.sequence = sequence;
      change.lead.set_name(lead);
      change.lead.set_owner(rep);
      change.lead.set_state(leadrouter::v1::LEAD_STATE_OPEN);
      change.entry.set_outcome(leadrouter::v1::OUTCOME_ASSIGNED);
      change.entry.set_rep(rep);
      dsl::StateDelta delta;
      delta.rep_id = rep;
      delta.rule_key = "r1";
      delta.periods = day;
      delta.assigned = 1;
      delta.open = 1;
      delta.quality = 60;
      delta.last_chosen_sequence = sequence;
      change.delta = delta;
      change.previous = previous;
      change.change.actor = "tester";
      change.change.action = "lead.assign";
      change.change.now_us = 1'767'225'600'000'000;
      return CommitAssignment(txn, std::move(change)).status();
    }));
  }

  // Day 1's entries, a restart (the checkpoint at sequence 4), then day 2's (sequences 5-7), which
  // also move day-1-era counters (ana's open count, the week and month) and leave others (bo's day
  // 1) below the checkpoint only.
  void BuildHistory() {
    Open();
    Assign("leads/l1", "ana", kDay1);
    Assign("leads/l2", "bo", kDay1);
    Assign("leads/l3", "ana", kDay1);
    Assign("leads/l1", "bo", kDay1, PreviousCounts::kCreditBack);
    Close();
    Open();
    ASSERT_TRUE(storage_->counter_check().incremental);
    ASSERT_EQ(storage_->counter_check().new_checkpoint_sequence, 4u);
    Assign("leads/l4", "ana", kDay2);
    Assign("leads/l5", "ana", kDay2);
    Assign("leads/l3", "cy", kDay2, PreviousCounts::kCreditBack);
    Close();
  }

  std::unique_ptr<Database> OpenDatabase(const std::string& path) {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
    EXPECT_OK(db);
    return db.ok() ? std::move(*db) : nullptr;
  }

  TempDir dir_;
  const std::string path_ = dir_.Child("db");
  std::unique_ptr<Storage> storage_;
  bool advance_at_close_ = false;
};

TEST_F(CounterCheckpointTest, RestartReplaysOnlyTheEntriesAfterTheCheckpoint) {
  Open();
  // A new database has no checkpoint: the full replay (of nothing), then the first checkpoint.
  EXPECT_FALSE(storage_->counter_check().incremental);
  EXPECT_EQ(storage_->counter_check().fallback, "no checkpoint");
  EXPECT_TRUE(storage_->counter_check().checkpoint_written);
  EXPECT_EQ(storage_->counter_check().new_checkpoint_sequence, 0u);
  Close();

  BuildHistory();
  Open();
  const CounterCheckReport& report = storage_->counter_check();
  EXPECT_TRUE(report.incremental);
  EXPECT_EQ(report.fallback, "");
  EXPECT_EQ(report.checkpoint_sequence, 4u);
  EXPECT_EQ(report.history_entries, 3);  // 5, 6, 7
  EXPECT_EQ(report.disagreements, 0);
  EXPECT_TRUE(report.checkpoint_written);
  EXPECT_EQ(report.new_checkpoint_sequence, 7u);
  EXPECT_GT(report.checkpoint_rows_written, 0);
  EXPECT_LT(report.checkpoint_rows_written, report.counters);  // only the rows that moved

  // The checkpoint holds exactly the counters (which agree with the whole history).
  Rows checkpoint = ReadRows(storage_->database(), ColumnFamily::kCounterCheckpoint);
  ASSERT_EQ(checkpoint.erase(""), 1u);  // the header
  EXPECT_EQ(checkpoint, ReadRows(storage_->database(), ColumnFamily::kCounters));
  absl::StatusOr<CounterCheckReport> full = CheckCounters(storage_->database(), false);
  ASSERT_OK(full);
  EXPECT_EQ(full->history_entries, 7);
  EXPECT_EQ(full->counters, report.counters);
  EXPECT_EQ(full->disagreements, 0);
  Close();

  // Nothing new: nothing replayed, nothing written.
  Open();
  EXPECT_TRUE(storage_->counter_check().incremental);
  EXPECT_EQ(storage_->counter_check().checkpoint_sequence, 7u);
  EXPECT_EQ(storage_->counter_check().history_entries, 0);
  EXPECT_FALSE(storage_->counter_check().checkpoint_written);
}

TEST_F(CounterCheckpointTest, IncrementalFindsAndRepairsWhatTheFullReplayDoes) {
  BuildHistory();
  Rows good;
  {
    std::unique_ptr<Database> db = OpenDatabase(path_);
    ASSERT_NE(db, nullptr);
    good = ReadRows(*db, ColumnFamily::kCounters);
    ASSERT_EQ(good.count(Key("bo", CounterKind::kDay, kDay1.day)), 1u);
    ASSERT_EQ(good.count(Key("ana", CounterKind::kDay, kDay2.day)), 1u);
    // Below the checkpoint: bo's day 1 count, moved only by entries up to sequence 4.
    Put(*db, ColumnFamily::kCounters, Key("bo", CounterKind::kDay, kDay1.day), Count(30));
    // Above it: ana's day 2 count, moved only by entries after it.
    Put(*db, ColumnFamily::kCounters, Key("ana", CounterKind::kDay, kDay2.day), Count(0));
    // Deleted: ana's open count, moved on both sides.
    Delete(*db, ColumnFamily::kCounters, Key("ana", CounterKind::kOpen, 0));
    // Stray: a counter no history implies.
    Put(*db, ColumnFamily::kCounters, Key("ghost", CounterKind::kDay, kDay2.day), Count(3));
    ASSERT_OK(db->Close());
  }
  const std::string incremental_path = dir_.Child("incremental");
  const std::string full_path = dir_.Child("full");
  std::filesystem::copy(path_, incremental_path);
  std::filesystem::copy(path_, full_path);

  std::unique_ptr<Database> incremental_db = OpenDatabase(incremental_path);
  std::unique_ptr<Database> full_db = OpenDatabase(full_path);
  ASSERT_NE(incremental_db, nullptr);
  ASSERT_NE(full_db, nullptr);
  absl::StatusOr<CounterCheckReport> incremental = CheckCounters(
      *incremental_db,
      {.mode = CounterCheckMode::kIncremental, .repair = true, .write_checkpoint = true});
  absl::StatusOr<CounterCheckReport> full =
      CheckCounters(*full_db, {.mode = CounterCheckMode::kFull, .repair = true});
  ASSERT_OK(incremental);
  ASSERT_OK(full);
  EXPECT_TRUE(incremental->incremental);
  EXPECT_EQ(incremental->history_entries, 3);
  EXPECT_FALSE(full->incremental);
  EXPECT_EQ(full->history_entries, 7);
  EXPECT_EQ(incremental->disagreements, 4);
  EXPECT_EQ(full->disagreements, 4);
  EXPECT_EQ(incremental->counters, full->counters);
  EXPECT_TRUE(incremental->repaired);
  EXPECT_TRUE(full->repaired);
  // Both repaired to the same counters: those before the damage.
  EXPECT_EQ(ReadRows(*incremental_db, ColumnFamily::kCounters), good);
  EXPECT_EQ(ReadRows(*full_db, ColumnFamily::kCounters), good);

  // Checked again, both agree, the incremental one from its new checkpoint.
  incremental = CheckCounters(*incremental_db, {.mode = CounterCheckMode::kIncremental});
  ASSERT_OK(incremental);
  EXPECT_TRUE(incremental->incremental);
  EXPECT_EQ(incremental->checkpoint_sequence, 7u);
  EXPECT_EQ(incremental->disagreements, 0);
  full = CheckCounters(*full_db, false);
  ASSERT_OK(full);
  EXPECT_EQ(full->disagreements, 0);
}

// The same damage, checked without repairing: both report it and leave it.
TEST_F(CounterCheckpointTest, WithoutRepairBothReportTheSameAndWriteNothing) {
  BuildHistory();
  std::unique_ptr<Database> db = OpenDatabase(path_);
  ASSERT_NE(db, nullptr);
  Put(*db, ColumnFamily::kCounters, Key("bo", CounterKind::kDay, kDay1.day), Count(30));
  const Rows checkpoint = ReadRows(*db, ColumnFamily::kCounterCheckpoint);
  absl::StatusOr<CounterCheckReport> incremental =
      CheckCounters(*db, {.mode = CounterCheckMode::kIncremental});
  absl::StatusOr<CounterCheckReport> full = CheckCounters(*db, false);
  ASSERT_OK(incremental);
  ASSERT_OK(full);
  EXPECT_TRUE(incremental->incremental);
  EXPECT_EQ(incremental->disagreements, 1);
  EXPECT_EQ(full->disagreements, 1);
  EXPECT_FALSE(incremental->repaired);
  EXPECT_FALSE(incremental->checkpoint_written);
  EXPECT_EQ(ReadRows(*db, ColumnFamily::kCounterCheckpoint), checkpoint);
}

TEST_F(CounterCheckpointTest, FullModeReplaysEverythingDespiteTheCheckpoint) {
  BuildHistory();
  StorageOptions options;
  options.counter_check = CounterCheckMode::kFull;
  Open(options);
  EXPECT_FALSE(storage_->counter_check().incremental);
  EXPECT_EQ(storage_->counter_check().fallback, "");
  EXPECT_EQ(storage_->counter_check().history_entries, 7);
  EXPECT_EQ(storage_->counter_check().disagreements, 0);
  EXPECT_TRUE(storage_->counter_check().checkpoint_written);
  EXPECT_EQ(storage_->counter_check().new_checkpoint_sequence, 7u);
  EXPECT_EQ(storage_->counter_check().checkpoint_rows_written, storage_->counter_check().counters);
}

// A damage to the checkpoint, and the fallback's reason it must give.
struct Damage {
  std::string name;
  std::function<void(Database&)> apply;
  std::string reason;  // a part of CounterCheckReport::fallback
};

class DamagedCheckpointTest : public CounterCheckpointTest,
                              public ::testing::WithParamInterface<Damage> {};

CounterCheckpointHeader ReadHeader(Database& db) {
  CounterCheckpointHeader header;
  const Rows rows = ReadRows(db, ColumnFamily::kCounterCheckpoint);
  EXPECT_OK(DecodeProto(rows.at(""), header, "header"));
  return header;
}

TEST_P(DamagedCheckpointTest, FallsBackToTheFullReplay) {
  BuildHistory();
  {
    std::unique_ptr<Database> db = OpenDatabase(path_);
    ASSERT_NE(db, nullptr);
    GetParam().apply(*db);
    // And a counter to repair, below the checkpoint: the fallback must still find it.
    Put(*db, ColumnFamily::kCounters, Key("bo", CounterKind::kDay, kDay1.day), Count(30));
    ASSERT_OK(db->Close());
  }
  Open();
  const CounterCheckReport& report = storage_->counter_check();
  EXPECT_FALSE(report.incremental);
  EXPECT_NE(report.fallback.find(GetParam().reason), std::string::npos) << report.fallback;
  EXPECT_EQ(report.history_entries, 7);
  EXPECT_EQ(report.disagreements, 1);
  EXPECT_TRUE(report.repaired);
  EXPECT_TRUE(report.checkpoint_written);
  EXPECT_EQ(report.checkpoint_rows_written, report.counters);
  Close();

  // The rewritten checkpoint is used at the next start.
  Open();
  EXPECT_TRUE(storage_->counter_check().incremental) << storage_->counter_check().fallback;
  EXPECT_EQ(storage_->counter_check().checkpoint_sequence, 7u);
  EXPECT_EQ(storage_->counter_check().disagreements, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Damages, DamagedCheckpointTest,
    ::testing::Values(Damage{"Missing",
                             [](Database& db) {
                               for (const auto& [key, value] :
                                    ReadRows(db, ColumnFamily::kCounterCheckpoint)) {
                                 Delete(db, ColumnFamily::kCounterCheckpoint, key);
                               }
                             },
                             "no checkpoint"},
                      Damage{"HeaderGarbled",
                             [](Database& db) {
                               Put(db, ColumnFamily::kCounterCheckpoint, "",
                                   std::string("\x01\xff\xff\x07", 4));
                             },
                             "header does not decode"},
                      Damage{"HeaderMissing",
                             [](Database& db) { Delete(db, ColumnFamily::kCounterCheckpoint, ""); },
                             "rows but no header"},
                      Damage{"RowGarbled",
                             [](Database& db) {
                               Put(db, ColumnFamily::kCounterCheckpoint,
                                   Key("ana", CounterKind::kOpen, 0), std::string("\x09zz", 3));
                             },
                             "does not decode"},
                      // A row that decodes but is not what was written: the digest catches it.
                      Damage{"RowChanged",
                             [](Database& db) {
                               Put(db, ColumnFamily::kCounterCheckpoint,
                                   Key("bo", CounterKind::kDay, kDay1.day), Count(30));
                             },
                             "digest"},
                      Damage{"RowMissing",
                             [](Database& db) {
                               Delete(db, ColumnFamily::kCounterCheckpoint,
                                      Key("bo", CounterKind::kDay, kDay1.day));
                             },
                             "counters but it has"},
                      Damage{"OtherReplayVersion",
                             [](Database& db) {
                               CounterCheckpointHeader header = ReadHeader(db);
                               header.set_replay_version(kCounterReplayVersion + 1);
                               Put(db, ColumnFamily::kCounterCheckpoint, "", EncodeProto(header));
                             },
                             "replay version"},
                      Damage{"PastTheLastSequence",
                             [](Database& db) {
                               CounterCheckpointHeader header = ReadHeader(db);
                               header.set_sequence(1000);
                               Put(db, ColumnFamily::kCounterCheckpoint, "", EncodeProto(header));
                             },
                             "last sequence handed out is 7"},
                      // The sequence index names an entry after the checkpoint that is not there.
                      Damage{"IndexedEntryMissing",
                             [](Database& db) {
                               Put(db, ColumnFamily::kAssignmentsBySequence,
                                   keys::AssignmentBySequence(6), keys::Lead("leads/nowhere"));
                             },
                             "missing history entry 6"}),
    [](const ::testing::TestParamInfo<Damage>& param_info) { return param_info.param.name; });

// While serving, the checkpoint moves to the last committed entry, from history alone: a start
// after that replays only what came later, and still finds a counter that disagrees.
TEST_F(CounterCheckpointTest, AdvanceWhileServingBoundsTheNextReplay) {
  BuildHistory();  // checkpoint at 4, entries 5-7 after it
  Open();
  Assign("leads/l6", "bo", kDay2);  // 8
  absl::StatusOr<CheckpointAdvance> advance = storage_->AdvanceCounterCheckpoint();
  ASSERT_OK(advance);
  EXPECT_TRUE(advance->advanced);
  EXPECT_EQ(advance->from_sequence, 7u);  // the open check's
  EXPECT_EQ(advance->to_sequence, 8u);
  EXPECT_EQ(advance->history_entries, 1);
  EXPECT_GT(advance->rows_written, 0);
  // Nothing new: nothing written.
  advance = storage_->AdvanceCounterCheckpoint();
  ASSERT_OK(advance);
  EXPECT_FALSE(advance->advanced);
  EXPECT_EQ(advance->skipped, "no entry after the checkpoint");
  Assign("leads/l7", "cy", kDay2);  // 9, after the advance
  Close();

  // A counter the history does not support, written behind the store's back: the advance did
  // not copy counters, so the incremental check still sees it.
  {
    std::unique_ptr<Database> db = OpenDatabase(path_);
    ASSERT_NE(db, nullptr);
    Put(*db, ColumnFamily::kCounters, Key("ana", CounterKind::kDay, kDay2.day), Count(40));
  }
  Open();
  const CounterCheckReport& report = storage_->counter_check();
  EXPECT_TRUE(report.incremental);
  EXPECT_EQ(report.checkpoint_sequence, 8u);
  EXPECT_EQ(report.history_entries, 1);  // 9
  EXPECT_EQ(report.disagreements, 1);
  EXPECT_TRUE(report.repaired);
  absl::StatusOr<CounterCheckReport> full = CheckCounters(storage_->database(), false);
  ASSERT_OK(full);
  EXPECT_EQ(full->disagreements, 0);
  Rows checkpoint = ReadRows(storage_->database(), ColumnFamily::kCounterCheckpoint);
  ASSERT_EQ(checkpoint.erase(""), 1u);
  EXPECT_EQ(checkpoint, ReadRows(storage_->database(), ColumnFamily::kCounters));
}

// Advances from another thread while commits go on leave a checkpoint that the full replay
// agrees with, at an entry the history holds.
TEST_F(CounterCheckpointTest, AdvanceDuringCommitsIsWhatTheHistoryImplies) {
  Open();
  std::atomic<bool> done = false;
  std::atomic<int> advanced = 0;
  std::thread advancer([&] {
    while (!done.load()) {
      absl::StatusOr<CheckpointAdvance> advance = storage_->AdvanceCounterCheckpoint();
      EXPECT_OK(advance);
      if (advance.ok() && advance->advanced) advanced.fetch_add(1);
    }
  });
  for (int i = 0; i < 300; ++i) {
    Assign(absl::StrCat("leads/c", i % 50), i % 3 == 0 ? "ana" : "bo", i % 2 == 0 ? kDay1 : kDay2,
           i >= 50 ? PreviousCounts::kCreditBack : PreviousCounts::kKeep);
  }
  done.store(true);
  advancer.join();
  EXPECT_GT(advanced.load(), 0);
  Close();

  Open();
  const CounterCheckReport& report = storage_->counter_check();
  EXPECT_TRUE(report.incremental) << report.fallback;
  EXPECT_EQ(report.disagreements, 0);
  EXPECT_LE(report.checkpoint_sequence, 300u);
  EXPECT_EQ(report.checkpoint_sequence + static_cast<uint64_t>(report.history_entries), 300u);
}

// A clean close moves the checkpoint to the last entry: the next start replays nothing.
TEST_F(CounterCheckpointTest, ACleanCloseLeavesNothingToReplay) {
  advance_at_close_ = true;
  Open();
  for (int i = 0; i < 20; ++i) Assign(absl::StrCat("leads/z", i), "ana", kDay1);
  Close();
  Open();
  const CounterCheckReport& report = storage_->counter_check();
  EXPECT_TRUE(report.incremental);
  EXPECT_EQ(report.checkpoint_sequence, 20u);
  EXPECT_EQ(report.history_entries, 0);
  EXPECT_EQ(report.disagreements, 0);
}

// Every history entry is in the sequence index, in order, written with the entry.
TEST_F(CounterCheckpointTest, TheSequenceIndexListsEveryEntryInOrder) {
  BuildHistory();
  std::unique_ptr<Database> db = OpenDatabase(path_);
  ASSERT_NE(db, nullptr);
  DatabaseView view(*db);
  std::vector<uint64_t> sequences;
  std::vector<std::string> leads;
  ASSERT_OK(ListHistoryAfter(view, 0, [&](const HistoryRecord& record) {
    sequences.push_back(record.sequence());
    leads.push_back(record.assignment().lead());
    return true;
  }));
  EXPECT_EQ(sequences, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(leads[3], "leads/l1");
  sequences.clear();
  ASSERT_OK(ListHistoryAfter(view, 5, [&](const HistoryRecord& record) {
    sequences.push_back(record.sequence());
    return true;
  }));
  EXPECT_EQ(sequences, (std::vector<uint64_t>{6, 7}));
}

}  // namespace
}  // namespace leadrouter::storage
