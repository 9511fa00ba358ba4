#include "storage/score_model_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "status_matchers.h"
#include "storage/commit_queue.h"
#include "storage/database.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;

class ScoreModelStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    queue_.reset();
    db_.reset();
    auto db = Database::Open(dir_.Child("db"));
    ASSERT_OK(db);
    db_ = std::move(*db);
    queue_ = std::make_unique<CommitQueue>(*db_);
  }
  static ChangeInfo Change(std::string action, int64_t now_us) {
    ChangeInfo change;
    change.actor = "tester";
    change.action = std::move(action);
    change.now_us = now_us;
    return change;
  }
  static v1::ScoreModel Described(double auc) {
    v1::ScoreModel model;
    model.set_author("tester");
    model.mutable_holdout()->set_roc_auc(auc);
    model.mutable_holdout()->add_deciles()->set_count(4);
    model.mutable_data()->set_closed_count(250);
    model.mutable_data()->set_converted_count(90);
    model.mutable_data()->set_lost_count(160);
    model.mutable_data()->mutable_first_arrival_time()->set_seconds(100);
    model.mutable_data()->mutable_last_arrival_time()->set_seconds(900);
    model.add_features()->set_field("source");
    return model;
  }
  v1::ScoreModel Store(double auc, const std::string& bytes, bool activate, int64_t now_us) {
    v1::ScoreModel stored;
    EXPECT_OK(queue_->Commit([&](WriteTxn& txn) -> absl::Status {
      absl::StatusOr<v1::ScoreModel> result =
          StoreScoreModel(txn, Described(auc), bytes, activate, Change("", now_us));
      if (!result.ok()) return result.status();
      stored = *result;
      return absl::OkStatus();
    }));
    return stored;
  }
  uint64_t Active() {
    DatabaseView view(*db_);
    absl::StatusOr<uint64_t> active = ReadActiveScoreModel(view);
    EXPECT_OK(active);
    return active.value_or(0);
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitQueue> queue_;
};

TEST_F(ScoreModelStoreTest, VersionsAreNumberedWithTheirBytesAndDescription) {
  EXPECT_EQ(Active(), 0u);
  const v1::ScoreModel first = Store(0.8, "model one", /*activate=*/true, 5'000'000);
  EXPECT_EQ(first.name(), "score/models/1");
  EXPECT_TRUE(first.active());
  EXPECT_EQ(first.model_bytes(), 9);
  const v1::ScoreModel second = Store(0.9, "model two", /*activate=*/false, 6'000'000);
  EXPECT_EQ(second.version(), 2);
  EXPECT_FALSE(second.active());
  EXPECT_EQ(Active(), 1u);

  Open();  // what is stored survives a restart
  DatabaseView view(*db_);
  absl::StatusOr<std::optional<v1::ScoreModel>> read = ReadScoreModel(view, 2);
  ASSERT_OK(read);
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->holdout().roc_auc(), 0.9);
  EXPECT_EQ((*read)->data().closed_count(), 250);
  EXPECT_EQ((*read)->data().first_arrival_time().seconds(), 100);
  EXPECT_EQ((*read)->features(0).field(), "source");
  EXPECT_EQ((*read)->create_time().seconds(), 6);
  EXPECT_FALSE((*read)->active());
  EXPECT_EQ(**ReadScoreModelBytes(view, 2), "model two");
  EXPECT_FALSE(ReadScoreModel(view, 3)->has_value());
  EXPECT_FALSE(ReadScoreModelBytes(view, 3)->has_value());

  std::vector<int64_t> listed;
  ASSERT_OK(ListScoreModels(view, 0, [&](const v1::ScoreModel& model) {
    listed.push_back(model.version());
    EXPECT_EQ(model.active(), model.version() == 1);
    return true;
  }));
  EXPECT_EQ(listed, (std::vector<int64_t>{2, 1}));
  listed.clear();
  ASSERT_OK(ListScoreModels(view, 2, [&](const v1::ScoreModel& model) {
    listed.push_back(model.version());
    return true;
  }));
  EXPECT_EQ(listed, (std::vector<int64_t>{1}));
}

TEST_F(ScoreModelStoreTest, ActivateSwapsTheActiveVersionAndRollsBack) {
  Store(0.8, "one", /*activate=*/true, 1'000'000);
  Store(0.9, "two", /*activate=*/true, 2'000'000);
  EXPECT_EQ(Active(), 2u);
  ASSERT_OK(queue_->Commit([&](WriteTxn& txn) {
    return ActivateScoreModel(txn, 1, Change("score.rollback", 3'000'000)).status();
  }));
  EXPECT_EQ(Active(), 1u);
  EXPECT_THAT(queue_->Commit([&](WriteTxn& txn) {
    return ActivateScoreModel(txn, 7, Change("score.activate", 4'000'000)).status();
  }),
              StatusIs(absl::StatusCode::kNotFound, ::testing::HasSubstr("version 7")));
  EXPECT_EQ(Active(), 1u);
}

}  // namespace
}  // namespace leadrouter::storage
