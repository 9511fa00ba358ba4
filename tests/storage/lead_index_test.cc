// The lead index (storage/lead_index.h): PutLead moves a lead's entries with every change, in the
// same mutation, and a database from before the index gets it built once at open.
#include "storage/lead_index.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "google/protobuf/util/time_util.h"
#include "rocksdb/write_batch.h"
#include "status_matchers.h"
#include "storage/commit_queue.h"
#include "storage/layout.h"
#include "storage/lead_store.h"
#include "storage/storage.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using google::protobuf::util::TimeUtil;
using ::leadrouter::testing::TempDir;

leadrouter::v1::Lead MakeLead(const std::string& id, int64_t receive_s, const std::string& owner,
                              leadrouter::v1::LeadState state, const std::string& source) {
  leadrouter::v1::Lead lead;
  lead.set_name("leads/" + id);
  *lead.mutable_receive_time() = TimeUtil::SecondsToTimestamp(receive_s);
  lead.set_owner(owner);
  lead.set_state(state);
  lead.set_source(source);
  return lead;
}

// The leads of one index entry, newest first.
std::vector<std::string> Scan(const ReadView& view, LeadIndex index, const std::string& value,
                              std::optional<LeadIndexPosition> after = std::nullopt) {
  std::vector<std::string> names;
  EXPECT_OK(ScanLeadIndex(view, index, value, std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max(), after,
                          [&](const LeadIndexPosition& position) -> absl::StatusOr<bool> {
                            names.push_back(position.lead);
                            return true;
                          }));
  return names;
}

class LeadIndexTest : public ::testing::Test {
 protected:
  void Put(const leadrouter::v1::Lead& lead) {
    ASSERT_OK(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
      return PutLead(txn, lead, ChangeInfo{"test", "lead.test", "", "", 1}).status();
    }));
  }
  void Open() {
    auto opened = Storage::Open(dir_.Child("db"));
    ASSERT_OK(opened);
    storage_ = std::move(*opened);
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(LeadIndexTest, EntriesFollowEveryChangeOfTheLead) {
  Open();
  // Receive times in seconds; index positions are in microseconds.
  Put(MakeLead("a", 100, "reps/ana", leadrouter::v1::LEAD_STATE_OPEN, "web"));
  Put(MakeLead("b", 200, "reps/ana", leadrouter::v1::LEAD_STATE_OPEN, "ads"));
  Put(MakeLead("c", 200, "", leadrouter::v1::LEAD_STATE_UNASSIGNED, ""));
  DatabaseView view(storage_->database());
  EXPECT_EQ(Scan(view, LeadIndex::kAll, ""),
            (std::vector<std::string>{"leads/c", "leads/b", "leads/a"}));
  EXPECT_EQ(Scan(view, LeadIndex::kOwner, "reps/ana"),
            (std::vector<std::string>{"leads/b", "leads/a"}));
  EXPECT_EQ(Scan(view, LeadIndex::kState, "UNASSIGNED"), (std::vector<std::string>{"leads/c"}));
  EXPECT_TRUE(Scan(view, LeadIndex::kSource, "").empty()) << "no entry for an empty source";
  EXPECT_EQ(Scan(view, LeadIndex::kAll, "", LeadIndexPosition{200'000'000, "leads/b"}),
            (std::vector<std::string>{"leads/a"}));

  // b moves to ben and is contacted; the old owner and state entries go with the change.
  Put(MakeLead("b", 200, "reps/ben", leadrouter::v1::LEAD_STATE_CONTACTED, "ads"));
  DatabaseView after(storage_->database());
  EXPECT_EQ(Scan(after, LeadIndex::kOwner, "reps/ana"), (std::vector<std::string>{"leads/a"}));
  EXPECT_EQ(Scan(after, LeadIndex::kOwner, "reps/ben"), (std::vector<std::string>{"leads/b"}));
  EXPECT_EQ(Scan(after, LeadIndex::kState, "OPEN"), (std::vector<std::string>{"leads/a"}));
  EXPECT_EQ(Scan(after, LeadIndex::kState, "CONTACTED"), (std::vector<std::string>{"leads/b"}));
  EXPECT_EQ(Scan(after, LeadIndex::kSource, "ads"), (std::vector<std::string>{"leads/b"}));
}

TEST_F(LeadIndexTest, ADatabaseFromBeforeTheIndexGetsItAtOpen) {
  Open();
  Put(MakeLead("a", 100, "reps/ana", leadrouter::v1::LEAD_STATE_OPEN, "web"));
  Put(MakeLead("b", 200, "reps/ben", leadrouter::v1::LEAD_STATE_OPEN, "web"));
  // As a build without the index left it: no marker, no entries.
  {
    Database& db = storage_->database();
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(
        batch.Delete(db.handle(ColumnFamily::kMeta), std::string(meta_key::kLeadIndexBuilt)).ok());
    for (const std::string& key :
         LeadIndexKeys(MakeLead("a", 100, "reps/ana", leadrouter::v1::LEAD_STATE_OPEN, "web"))) {
      ASSERT_TRUE(batch.Delete(db.handle(ColumnFamily::kLeadIndex), key).ok());
    }
    for (const std::string& key :
         LeadIndexKeys(MakeLead("b", 200, "reps/ben", leadrouter::v1::LEAD_STATE_OPEN, "web"))) {
      ASSERT_TRUE(batch.Delete(db.handle(ColumnFamily::kLeadIndex), key).ok());
    }
    ASSERT_TRUE(db.raw().Write(rocksdb::WriteOptions(), &batch).ok());
    DatabaseView view(db);
    ASSERT_TRUE(Scan(view, LeadIndex::kAll, "").empty());
  }
  ASSERT_OK(storage_->Close());
  storage_.reset();
  Open();
  DatabaseView view(storage_->database());
  EXPECT_EQ(Scan(view, LeadIndex::kAll, ""), (std::vector<std::string>{"leads/b", "leads/a"}));
  EXPECT_EQ(Scan(view, LeadIndex::kSource, "web"),
            (std::vector<std::string>{"leads/b", "leads/a"}));
  EXPECT_EQ(Scan(view, LeadIndex::kOwner, "reps/ben"), (std::vector<std::string>{"leads/b"}));
  // Built once: a second open does not build again.
  absl::StatusOr<int64_t> again = BuildLeadIndexIfMissing(storage_->database());
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
}

}  // namespace
}  // namespace leadrouter::storage
