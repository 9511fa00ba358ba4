#include "storage/commit_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "status_matchers.h"
#include "storage/read_view.h"
#include "storage/value_codec.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;

absl::StatusOr<uint64_t> ReadCounter(const ReadView& view, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored, view.Get(ColumnFamily::kCounters, key));
  if (!stored.has_value()) return 0;
  return DecodeInteger(*stored, key);
}

absl::Status Increment(WriteTxn& txn, const std::string& key) {
  ASSIGN_OR_RETURN(uint64_t value, ReadCounter(txn, key));
  return txn.Put(ColumnFamily::kCounters, key, EncodeInteger(value + 1));
}

class CommitQueueTest : public ::testing::TestWithParam<Durability> {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.Child("db"), {.durability = GetParam()});
    ASSERT_OK(db);
    db_ = std::move(*db);
    queue_ = std::make_unique<CommitQueue>(*db_);
  }
  uint64_t Committed(const std::string& key) {
    DatabaseView view(*db_);
    return *ReadCounter(view, key);
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitQueue> queue_;
};

// Read-modify-write from many threads loses nothing: the writer runs mutations one at a time and
// each sees what the ones before it staged, also inside one group.
TEST_P(CommitQueueTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_OK(queue_->Commit([](WriteTxn& txn) { return Increment(txn, "n"); }));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Committed("n"), uint64_t{kThreads * kPerThread});
}

TEST_P(CommitQueueTest, FailedMutationLeavesNothingAndOthersCommit) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const absl::Status status = queue_->Commit([&](WriteTxn& txn) -> absl::Status {
        RETURN_IF_ERROR(Increment(txn, "all"));
        RETURN_IF_ERROR(Increment(txn, "odd-attempts"));
        if (t % 2 == 1) return absl::FailedPreconditionError("odd");
        return absl::OkStatus();
      });
      if (t % 2 == 1) {
        EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "odd"));
      } else {
        EXPECT_OK(status);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Committed("all"), 4u);
  EXPECT_EQ(Committed("odd-attempts"), 4u);
}

// A mutation that ends in kRollBack sees what it staged, leaves nothing behind and reports OK,
// while the mutations around it commit.
TEST_P(CommitQueueTest, RolledBackMutationLeavesNothingAndReportsOk) {
  std::vector<std::thread> threads;
  std::atomic<int> seen_own_write{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      EXPECT_OK(queue_->CommitOrRollBack([&](WriteTxn& txn) -> absl::StatusOr<MutationResult> {
        RETURN_IF_ERROR(Increment(txn, "all"));
        if (t % 2 == 0) return MutationResult::kCommit;
        RETURN_IF_ERROR(Increment(txn, "rolled-back"));
        ASSIGN_OR_RETURN(const uint64_t staged, ReadCounter(txn, "rolled-back"));
        if (staged == 1) ++seen_own_write;
        return MutationResult::kRollBack;
      }));
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Committed("all"), 4u);
  EXPECT_EQ(Committed("rolled-back"), 0u);
  EXPECT_EQ(seen_own_write, 4);
}

TEST_P(CommitQueueTest, SequencesAreGaplessAcrossRolledBackChanges) {
  uint64_t first = 0;
  ASSERT_OK(queue_->Commit([&](WriteTxn& txn) -> absl::Status {
    ASSIGN_OR_RETURN(uint64_t s, txn.NextSequence("sequence/test"));
    first = s;
    return absl::OkStatus();
  }));
  EXPECT_FALSE(queue_
                   ->Commit([&](WriteTxn& txn) -> absl::Status {
                     (void)txn.NextSequence("sequence/test");
                     return absl::AbortedError("changed my mind");
                   })
                   .ok());
  uint64_t second = 0;
  ASSERT_OK(queue_->Commit([&](WriteTxn& txn) -> absl::Status {
    ASSIGN_OR_RETURN(uint64_t s, txn.NextSequence("sequence/test"));
    second = s;
    return absl::OkStatus();
  }));
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(second, 2u);
}

TEST_P(CommitQueueTest, ScanInsideTheGroupSeesStagedWrites) {
  ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return txn.Put(ColumnFamily::kLeads, "b", "2"); }));
  std::vector<std::string> seen;
  ASSERT_OK(queue_->Commit([&](WriteTxn& txn) -> absl::Status {
    RETURN_IF_ERROR(txn.Put(ColumnFamily::kLeads, "a", "1"));
    RETURN_IF_ERROR(txn.Put(ColumnFamily::kLeads, "c", "3"));
    return txn.Scan(ColumnFamily::kLeads, "", "", ScanOrder::kDescending,
                    [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                      seen.emplace_back(key);
                      return true;
                    });
  }));
  EXPECT_EQ(seen, (std::vector<std::string>{"c", "b", "a"}));
}

// The writer remembers committed counters (storage/committed_cache.h); what a failed mutation
// staged must not be remembered, and a later read must see the committed value.
TEST_P(CommitQueueTest, CounterStagedByAFailedMutationIsNotRemembered) {
  ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return Increment(txn, "n"); }));
  EXPECT_THAT(queue_->Commit([](WriteTxn& txn) -> absl::Status {
    RETURN_IF_ERROR(Increment(txn, "n"));
    RETURN_IF_ERROR(Increment(txn, "n"));
    return absl::AbortedError("changed my mind");
  }),
              StatusIs(absl::StatusCode::kAborted, ::testing::_));
  uint64_t seen = 0;
  ASSERT_OK(queue_->Commit([&](WriteTxn& txn) -> absl::Status {
    ASSIGN_OR_RETURN(uint64_t value, ReadCounter(txn, "n"));
    seen = value;
    return absl::OkStatus();
  }));
  EXPECT_EQ(seen, 1u);
  EXPECT_EQ(Committed("n"), 1u);
}

TEST_P(CommitQueueTest, CounterDeletesAreSeenInTheGroupAndAfterIt) {
  ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return Increment(txn, "n"); }));
  ASSERT_OK(queue_->Commit([](WriteTxn& txn) -> absl::Status {
    RETURN_IF_ERROR(txn.Delete(ColumnFamily::kCounters, "n"));
    ASSIGN_OR_RETURN(std::optional<std::string> staged, txn.Get(ColumnFamily::kCounters, "n"));
    if (staged.has_value()) return absl::InternalError("a staged delete was not seen");
    return absl::OkStatus();
  }));
  EXPECT_EQ(Committed("n"), 0u) << "the delete must reach the database";
  ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return Increment(txn, "n"); }));
  EXPECT_EQ(Committed("n"), 1u);
}

// A group's counter writes enter the batch only when it is sealed, so a scan of the counters
// inside the group would miss them: it is refused rather than answered wrong.
TEST_P(CommitQueueTest, ScanningCountersInsideAGroupIsRefused) {
  ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return Increment(txn, "n"); }));
  EXPECT_THAT(queue_->Commit([](WriteTxn& txn) -> absl::Status {
    RETURN_IF_ERROR(Increment(txn, "m"));
    return txn.Scan(
        ColumnFamily::kCounters, "", "", ScanOrder::kAscending,
        [](absl::string_view, absl::string_view) -> absl::StatusOr<bool> { return true; });
  }),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("counters")));
  EXPECT_EQ(Committed("m"), 0u);
  EXPECT_EQ(Committed("n"), 1u);
}

// The same history with and without the writer's counter cache gives the same counters.
TEST_P(CommitQueueTest, CounterCacheDoesNotChangeResults) {
  for (const size_t entries : {size_t{0}, size_t{2}, size_t{1} << 17}) {
    queue_ =
        std::make_unique<CommitQueue>(*db_, CommitQueueOptions{.counter_cache_entries = entries});
    const std::string prefix = "cache" + std::to_string(entries) + "/";
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          const std::string key = prefix + std::to_string((t + i) % 5);
          EXPECT_OK(queue_->Commit([&](WriteTxn& txn) { return Increment(txn, key); }));
        }
      });
    }
    for (std::thread& t : threads) t.join();
    uint64_t total = 0;
    for (int k = 0; k < 5; ++k) total += Committed(prefix + std::to_string(k));
    EXPECT_EQ(total, 200u) << "cache entries " << entries;
  }
}

// Records staged for later are encoded by their callers when a group holds several (and by the
// writer for callers not awake yet): every one is committed once, whoever encoded it.
TEST_P(CommitQueueTest, CallersEncodeTheirLaterWritesAndEveryOneCommits) {
  CommitQueueOptions options;
  options.encode_on_callers = true;
  queue_ = std::make_unique<CommitQueue>(*db_, options);
  constexpr int kThreads = 16;
  constexpr int kPerThread = 40;
  std::atomic<int> encoded = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = absl::StrCat(t, "/", i);
        EXPECT_OK(queue_->Commit([&](WriteTxn& txn) -> absl::Status {
          RETURN_IF_ERROR(Increment(txn, "n"));
          return txn.PutLater(ColumnFamily::kAudit, key, [&encoded, key] {
            ++encoded;
            return key;
          });
        }));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(encoded, kThreads * kPerThread);
  EXPECT_EQ(Committed("n"), uint64_t{kThreads * kPerThread});
  DatabaseView view(*db_);
  int stored = 0;
  ASSERT_OK(view.Scan(ColumnFamily::kAudit, "", "", ScanOrder::kAscending,
                      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                        EXPECT_EQ(key, value);
                        ++stored;
                        return true;
                      }));
  EXPECT_EQ(stored, kThreads * kPerThread);
}

TEST_P(CommitQueueTest, CommitAfterShutdownIsUnavailable) {
  queue_->Shutdown();
  EXPECT_THAT(queue_->Commit([](WriteTxn&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST_P(CommitQueueTest, CommittedChangesSurviveReopen) {
  ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return Increment(txn, "n"); }));
  queue_.reset();
  ASSERT_OK(db_->Close());
  auto db = Database::Open(dir_.Child("db"));
  ASSERT_OK(db);
  DatabaseView view(**db);
  EXPECT_EQ(*ReadCounter(view, "n"), 1u);
}

INSTANTIATE_TEST_SUITE_P(Durability, CommitQueueTest,
                         ::testing::Values(Durability::kSync, Durability::kAsync),
                         [](const ::testing::TestParamInfo<Durability>& param_info) {
                           return param_info.param == Durability::kSync ? "Sync" : "Async";
                         });

}  // namespace
}  // namespace leadrouter::storage
