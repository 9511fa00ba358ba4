// Leads, reps, rule versions, idempotency records and the audit log, through the commit queue.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "status_matchers.h"
#include "storage/assignment_store.h"
#include "storage/audit_log.h"
#include "storage/commit_queue.h"
#include "storage/idempotency_store.h"
#include "storage/keys.h"
#include "storage/lead_store.h"
#include "storage/rep_store.h"
#include "storage/rule_version_store.h"
#include "storage/storage.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;

class StoresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.Child("db"));
    ASSERT_OK(db);
    db_ = std::move(*db);
    queue_ = std::make_unique<CommitQueue>(*db_);
  }
  std::vector<AuditRecord> Audit() {
    DatabaseView view(*db_);
    std::vector<AuditRecord> records;
    EXPECT_OK(ReadAudit(view, 0, [&](const AuditRecord& r) {
      records.push_back(r);
      return true;
    }));
    return records;
  }
  static ChangeInfo Change(std::string action, int64_t now_us = 1'000'000) {
    ChangeInfo change;
    change.actor = "tester";
    change.action = std::move(action);
    change.now_us = now_us;
    return change;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitQueue> queue_;
};

TEST_F(StoresTest, LeadRevisionsAreAudited) {
  leadrouter::v1::Lead lead;
  lead.set_name("leads/acme-1");
  lead.set_source("web_form");
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(queue_->Commit(
        [&](WriteTxn& txn) { return PutLead(txn, lead, Change("lead.upsert")).status(); }));
  }
  DatabaseView view(*db_);
  absl::StatusOr<std::optional<LeadRecord>> stored = ReadLead(view, "leads/acme-1");
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->revision(), 2u);
  EXPECT_EQ((*stored)->lead().source(), "web_form");
  EXPECT_FALSE(ReadLead(view, "leads/other")->has_value());

  const std::vector<AuditRecord> audit = Audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].sequence(), 1u);
  EXPECT_EQ(audit[0].before_version(), 0u);
  EXPECT_EQ(audit[0].after_version(), 1u);
  EXPECT_EQ(audit[1].before_version(), 1u);
  EXPECT_EQ(audit[1].after_version(), 2u);
  EXPECT_EQ(audit[1].entity(), "leads/acme-1");
  EXPECT_EQ(audit[1].actor(), "tester");
}

TEST_F(StoresTest, RepsListInNameOrderAndDeleteIsAudited) {
  for (const char* name : {"reps/cy", "reps/ana", "reps/bo"}) {
    leadrouter::v1::Rep rep;
    rep.set_name(name);
    ASSERT_OK(queue_->Commit(
        [&](WriteTxn& txn) { return PutRep(txn, rep, Change("rep.upsert")).status(); }));
  }
  ASSERT_OK(queue_->Commit(
      [&](WriteTxn& txn) { return DeleteRep(txn, "reps/bo", Change("rep.remove")); }));
  EXPECT_THAT(queue_->Commit(
                  [&](WriteTxn& txn) { return DeleteRep(txn, "reps/bo", Change("rep.remove")); }),
              StatusIs(absl::StatusCode::kNotFound, ::testing::HasSubstr("reps/bo")));
  DatabaseView view(*db_);
  std::vector<std::string> names;
  ASSERT_OK(ListReps(view, "", [&](const RepRecord& r) {
    names.push_back(r.rep().name());
    return true;
  }));
  EXPECT_EQ(names, (std::vector<std::string>{"reps/ana", "reps/cy"}));
  names.clear();
  ASSERT_OK(ListReps(view, "reps/ana", [&](const RepRecord& r) {
    names.push_back(r.rep().name());
    return true;
  }));
  EXPECT_EQ(names, (std::vector<std::string>{"reps/cy"}));
  const std::vector<AuditRecord> audit = Audit();
  ASSERT_EQ(audit.size(), 4u);  // the failed delete left no record
  EXPECT_EQ(audit.back().action(), "rep.remove");
  EXPECT_EQ(audit.back().after_version(), 0u);
}

// Each rep change keeps the version it replaced under the last assignment sequence, so the
// roster any decision saw can be rebuilt: changes before it, none after.
TEST_F(StoresTest, RepsAsOfRebuildsTheRosterEachDecisionSaw) {
  const auto put = [&](const std::string& name, int level) {
    leadrouter::v1::Rep rep;
    rep.set_name(name);
    rep.set_level(level);
    ASSERT_OK(queue_->Commit(
        [&](WriteTxn& txn) { return PutRep(txn, rep, Change("rep.upsert")).status(); }));
  };
  const auto decide = [&] {
    ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return NextAssignmentSequence(txn).status(); }));
  };
  put("reps/ana", 1);
  decide();  // 1
  put("reps/ana", 2);
  put("reps/bo", 0);
  decide();  // 2
  ASSERT_OK(queue_->Commit(
      [&](WriteTxn& txn) { return DeleteRep(txn, "reps/ana", Change("rep.remove")); }));
  put("reps/bo", 3);
  put("reps/bo", 4);
  decide();  // 3
  const auto roster = [&](uint64_t sequence) {
    DatabaseView view(*db_);
    absl::StatusOr<std::vector<leadrouter::v1::Rep>> reps = RepsAsOf(view, sequence);
    EXPECT_OK(reps);
    std::vector<std::string> out;
    for (const leadrouter::v1::Rep& rep : reps.value_or(std::vector<leadrouter::v1::Rep>())) {
      out.push_back(absl::StrCat(rep.name(), "@", rep.level()));
    }
    return out;
  };
  EXPECT_EQ(roster(1), (std::vector<std::string>{"reps/ana@1"}));
  EXPECT_EQ(roster(2), (std::vector<std::string>{"reps/ana@2", "reps/bo@0"}));
  EXPECT_EQ(roster(3), (std::vector<std::string>{"reps/bo@4"}));
  EXPECT_EQ(roster(4), (std::vector<std::string>{"reps/bo@4"}));
}

// A database opened by a build before rep versions records where they start; older decisions'
// rosters cannot be rebuilt and say so.
TEST_F(StoresTest, RepsAsOfRefusesDecisionsFromBeforeRepVersions) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(queue_->Commit([](WriteTxn& txn) { return NextAssignmentSequence(txn).status(); }));
  }
  ASSERT_OK(MarkRepVersionsStart(*db_));
  ASSERT_OK(MarkRepVersionsStart(*db_));  // once recorded, kept
  DatabaseView view(*db_);
  EXPECT_THAT(RepsAsOf(view, 3),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("from 4")));
  EXPECT_OK(RepsAsOf(view, 4));
}

TEST_F(StoresTest, RuleVersionsAreNumberedHashedAndActive) {
  for (const char* source : {"rule \"a\" { }", "rule \"b\" { }"}) {
    leadrouter::v1::RuleVersion version;
    version.set_source(source);
    version.set_author("ops@example.com");
    version.set_message("why");
    ASSERT_OK(queue_->Commit([&](WriteTxn& txn) {
      return PublishRuleVersion(txn, version, Change("rules.publish", 5'000'000)).status();
    }));
  }
  DatabaseView view(*db_);
  EXPECT_EQ(*ReadActiveRuleVersion(view), 2u);
  absl::StatusOr<std::optional<leadrouter::v1::RuleVersion>> first = ReadRuleVersion(view, 1);
  ASSERT_OK(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->name(), "rules/versions/1");
  EXPECT_EQ((*first)->source(), "rule \"a\" { }");
  EXPECT_EQ((*first)->author(), "ops@example.com");
  EXPECT_FALSE((*first)->active());
  EXPECT_EQ((*first)->create_time().seconds(), 5);
  EXPECT_EQ((*first)->content_hash(), ContentHash("rule \"a\" { }"));
  EXPECT_EQ(ContentHash(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::vector<int64_t> listed;
  ASSERT_OK(ListRuleVersions(view, 0, [&](const leadrouter::v1::RuleVersion& v) {
    listed.push_back(v.version());
    EXPECT_EQ(v.active(), v.version() == 2);
    return true;
  }));
  EXPECT_EQ(listed, (std::vector<int64_t>{2, 1}));
  const std::vector<AuditRecord> audit = Audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].entity(), "rules/versions/2");
  EXPECT_EQ(audit[1].before_version(), 1u);
  EXPECT_EQ(audit[1].after_version(), 2u);
}

TEST_F(StoresTest, IdempotencyRecordsAreScoped) {
  IdempotencyRecord record;
  record.set_response("first");
  ASSERT_OK(
      queue_->Commit([&](WriteTxn& txn) { return WriteIdempotency(txn, "assign", "k1", record); }));
  DatabaseView view(*db_);
  EXPECT_EQ((*ReadIdempotency(view, "assign", "k1"))->response(), "first");
  EXPECT_FALSE(ReadIdempotency(view, "reassign", "k1")->has_value());
}

TEST(IdempotencyPurgeTest, DeletesRecordsOlderThanTheCutoffInBatches) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(dir.Child("db"));
  ASSERT_OK(storage);
  ASSERT_OK((*storage)->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    for (int i = 0; i < 7; ++i) {
      IdempotencyRecord record;
      record.set_response(std::to_string(i));
      record.mutable_create_time()->set_seconds(i < 5 ? 10 : 100);  // 5 old, 2 recent
      RETURN_IF_ERROR(WriteIdempotency(txn, "assign", "k" + std::to_string(i), record));
    }
    return absl::OkStatus();
  }));
  absl::StatusOr<int64_t> purged = PurgeIdempotency(**storage, 50'000'000, /*batch_size=*/2);
  ASSERT_OK(purged);
  EXPECT_EQ(*purged, 5);
  DatabaseView view((*storage)->database());
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(ReadIdempotency(view, "assign", "k" + std::to_string(i))->has_value(), i >= 5) << i;
  }
  EXPECT_EQ(*PurgeIdempotency(**storage, 50'000'000), 0);
}

TEST_F(StoresTest, CorruptValueIsDataLoss) {
  ASSERT_TRUE(db_->raw()
                  .Put(rocksdb::WriteOptions(), db_->handle(ColumnFamily::kLeads),
                       keys::Lead("leads/bad"), "\x07garbage")
                  .ok());
  DatabaseView view(*db_);
  EXPECT_THAT(ReadLead(view, "leads/bad"),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::HasSubstr("leads/bad")));
}

}  // namespace
}  // namespace leadrouter::storage
