// WriteTxn's writes staged for later (PutLater, PutUnindexed): seen by reads and scans of the
// group, overwritten by later writes, discarded with their mutation, and encoded from any thread.
#include "storage/write_txn.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "rocksdb/comparator.h"
#include "status_matchers.h"
#include "storage/read_view.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::TempDir;

class WriteTxnLaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(dir_.Child("db"));
    ASSERT_OK(db);
    db_ = std::move(*db);
    txn_ = std::make_unique<WriteTxn>(*db_, batch_, cache_);
  }

  // Seals the group and writes it, as the commit queue does.
  void Commit() {
    ASSERT_OK(txn_->Seal());
    ASSERT_TRUE(db_->raw().Write(db_->write_options(), batch_.GetWriteBatch()).ok());
  }
  std::optional<std::string> Stored(ColumnFamily cf, const std::string& key) {
    DatabaseView view(*db_);
    absl::StatusOr<std::optional<std::string>> value = view.Get(cf, key);
    EXPECT_OK(value);
    return value.ok() ? *value : std::nullopt;
  }
  std::vector<std::string> ScanKeys(ColumnFamily cf) {
    std::vector<std::string> keys;
    EXPECT_OK(txn_->Scan(cf, "", "", ScanOrder::kAscending,
                         [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                           keys.emplace_back(key);
                           return true;
                         }));
    return keys;
  }
  // An encoder that counts its runs.
  WriteTxn::Encoder Counted(std::string value) {
    return [this, value = std::move(value)]() mutable {
      ++encoded_;
      return std::move(value);
    };
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  rocksdb::WriteBatchWithIndex batch_{rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true};
  CommittedCache cache_{16};
  std::unique_ptr<WriteTxn> txn_;
  std::atomic<int> encoded_ = 0;
};

TEST_F(WriteTxnLaterTest, ReadInsideTheGroupEncodesOnceAndTheValueIsCommitted) {
  txn_->StartMutation();
  ASSERT_OK(txn_->PutLater(ColumnFamily::kAudit, "a1", Counted("first")));
  EXPECT_EQ(encoded_, 0) << "nothing is encoded before it is needed";
  txn_->KeepMutation();
  txn_->StartMutation();
  absl::StatusOr<std::optional<std::string>> read = txn_->Get(ColumnFamily::kAudit, "a1");
  ASSERT_OK(read);
  EXPECT_EQ(read->value_or("absent"), "first");
  txn_->KeepMutation();
  Commit();
  EXPECT_EQ(encoded_, 1);
  EXPECT_EQ(Stored(ColumnFamily::kAudit, "a1").value_or("absent"), "first");
}

TEST_F(WriteTxnLaterTest, ScanInsideTheGroupSeesLaterWritesInKeyOrder) {
  txn_->StartMutation();
  ASSERT_OK(txn_->Put(ColumnFamily::kEvents, "b", "indexed"));
  ASSERT_OK(txn_->PutLater(ColumnFamily::kEvents, "c", Counted("later")));
  ASSERT_OK(txn_->PutUnindexed(ColumnFamily::kEvents, "a", "unindexed"));
  txn_->KeepMutation();
  txn_->StartMutation();
  EXPECT_EQ(ScanKeys(ColumnFamily::kEvents), (std::vector<std::string>{"a", "b", "c"}));
  txn_->KeepMutation();
  Commit();
  EXPECT_EQ(Stored(ColumnFamily::kEvents, "a").value_or("absent"), "unindexed");
  EXPECT_EQ(Stored(ColumnFamily::kEvents, "c").value_or("absent"), "later");
  EXPECT_EQ(encoded_, 1);
}

TEST_F(WriteTxnLaterTest, APutOrDeleteAfterALaterWriteWins) {
  txn_->StartMutation();
  ASSERT_OK(txn_->PutLater(ColumnFamily::kAudit, "put", Counted("old")));
  ASSERT_OK(txn_->PutLater(ColumnFamily::kAudit, "deleted", Counted("old")));
  ASSERT_OK(txn_->PutUnindexed(ColumnFamily::kAudit, "twice", "old"));
  txn_->KeepMutation();
  txn_->StartMutation();
  ASSERT_OK(txn_->Put(ColumnFamily::kAudit, "put", "new"));
  ASSERT_OK(txn_->Delete(ColumnFamily::kAudit, "deleted"));
  ASSERT_OK(txn_->PutUnindexed(ColumnFamily::kAudit, "twice", "new"));
  absl::StatusOr<std::optional<std::string>> read = txn_->Get(ColumnFamily::kAudit, "put");
  ASSERT_OK(read);
  EXPECT_EQ(read->value_or("absent"), "new");
  read = txn_->Get(ColumnFamily::kAudit, "deleted");
  ASSERT_OK(read);
  EXPECT_FALSE(read->has_value());
  txn_->KeepMutation();
  Commit();
  EXPECT_EQ(Stored(ColumnFamily::kAudit, "put").value_or("absent"), "new");
  EXPECT_FALSE(Stored(ColumnFamily::kAudit, "deleted").has_value());
  EXPECT_EQ(Stored(ColumnFamily::kAudit, "twice").value_or("absent"), "new");
}

// The subtle case: a discarded mutation's scan moved an earlier, kept mutation's later write into
// the batch after its save point; rolling back must not lose that kept write.
TEST_F(WriteTxnLaterTest, DiscardedMutationKeepsEarlierLaterWritesItsReadsMoved) {
  txn_->StartMutation();
  ASSERT_OK(txn_->PutLater(ColumnFamily::kAudit, "kept", Counted("kept")));
  txn_->KeepMutation();
  txn_->StartMutation();
  ASSERT_OK(txn_->PutLater(ColumnFamily::kAudit, "dropped", Counted("dropped")));
  EXPECT_EQ(ScanKeys(ColumnFamily::kAudit), (std::vector<std::string>{"dropped", "kept"}));
  ASSERT_OK(txn_->DiscardMutation());
  txn_->StartMutation();
  absl::StatusOr<std::optional<std::string>> read = txn_->Get(ColumnFamily::kAudit, "dropped");
  ASSERT_OK(read);
  EXPECT_FALSE(read->has_value());
  EXPECT_EQ(ScanKeys(ColumnFamily::kAudit), (std::vector<std::string>{"kept"}));
  txn_->KeepMutation();
  Commit();
  EXPECT_EQ(Stored(ColumnFamily::kAudit, "kept").value_or("absent"), "kept");
  EXPECT_FALSE(Stored(ColumnFamily::kAudit, "dropped").has_value());
}

TEST_F(WriteTxnLaterTest, DiscardedMutationsLaterWriteOfAKeptKeyLeavesTheKeptValue) {
  txn_->StartMutation();
  ASSERT_OK(txn_->PutLater(ColumnFamily::kAudit, "k", Counted("kept")));
  txn_->KeepMutation();
  txn_->StartMutation();
  ASSERT_OK(txn_->PutLater(ColumnFamily::kAudit, "k", Counted("dropped")));
  ASSERT_OK(txn_->DiscardMutation());
  txn_->StartMutation();
  absl::StatusOr<std::optional<std::string>> read = txn_->Get(ColumnFamily::kAudit, "k");
  ASSERT_OK(read);
  EXPECT_EQ(read->value_or("absent"), "kept");
  txn_->KeepMutation();
  Commit();
  EXPECT_EQ(Stored(ColumnFamily::kAudit, "k").value_or("absent"), "kept");
}

TEST_F(WriteTxnLaterTest, CountersAreNotStagedForLater) {
  txn_->StartMutation();
  EXPECT_FALSE(txn_->PutUnindexed(ColumnFamily::kCounters, "c", "1").ok());
}

// The commit queue hands each kept mutation's range to its caller: disjoint ranges encoded on
// many threads at once (run under ThreadSanitizer by `make test-tsan`).
TEST_F(WriteTxnLaterTest, RangesAreEncodedFromManyThreadsAtOnce) {
  constexpr int kMutations = 8;
  constexpr int kPerMutation = 50;
  std::vector<std::pair<size_t, size_t>> ranges;
  for (int m = 0; m < kMutations; ++m) {
    txn_->StartMutation();
    const size_t begin = txn_->later_count();
    for (int i = 0; i < kPerMutation; ++i) {
      const std::string key = absl::StrCat(m, "/", i);
      ASSERT_OK(txn_->PutLater(ColumnFamily::kEvents, key, Counted(key)));
    }
    txn_->KeepMutation();
    ranges.emplace_back(begin, txn_->later_count());
  }
  std::vector<std::thread> threads;
  for (const auto& [begin, end] : ranges) {
    threads.emplace_back([this, begin = begin, end = end] { txn_->EncodeLater(begin, end); });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(encoded_, kMutations * kPerMutation);
  Commit();
  EXPECT_EQ(encoded_, kMutations * kPerMutation) << "Seal encodes nothing twice";
  EXPECT_EQ(Stored(ColumnFamily::kEvents, "7/49").value_or("absent"), "7/49");
}

}  // namespace
}  // namespace leadrouter::storage
