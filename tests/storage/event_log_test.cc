// The event log: events commit with the change they report (and vanish with a rolled-back one),
// in order, by lead with paging, trimmed from the oldest, and a stale cursor is refused.
#include "storage/event_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/db.h"
#include "status_matchers.h"
#include "storage/assignment_store.h"
#include "storage/layout.h"
#include "storage/lead_store.h"
#include "storage/storage.h"
#include "storage/value_codec.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

namespace v1 = leadrouter::v1;
using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;
using ::testing::HasSubstr;

// The value of `result`, failing the test (and giving a value no test expects) when it is an error.
template <typename T>
T Value(const absl::StatusOr<T>& result) {
  EXPECT_OK(result.status());
  return result.ok() ? *result : T{9'999'999};
}

constexpr int64_t kDay = int64_t{86'400} * 1'000'000;
constexpr int64_t kStart = 1'767'225'600'000'000;  // 2026-01-01

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    auto storage = Storage::Open(dir_.Child("db"));
    ASSERT_OK(storage);
    storage_ = std::move(*storage);
  }

  // Gives `lead` the owner `rep` ("" for none) at `now_us`, through CommitAssignment, and then
  // fails the mutation with `fail` when it is not OK.
  absl::Status Own(const std::string& lead, const std::string& rep, int64_t now_us,
                   absl::Status fail = absl::OkStatus(), bool pin = false) {
    return storage_->commits().Commit(
        [&](WriteTxn& txn) -> absl::Status {
          ASSIGN_OR_RETURN(const std::optional<LeadRecord> stored, ReadLead(txn, lead));
          ASSIGN_OR_RETURN(const uint64_t sequence, NextAssignmentSequence(txn));
          AssignmentChange change;
          change.sequence = sequence;
          if (stored.has_value()) change.lead = stored->lead();
          change.lead.set_name(lead);
          change.lead.set_owner(rep);
          change.lead.set_state(rep.empty() ? v1::LEAD_STATE_UNASSIGNED : v1::LEAD_STATE_OPEN);
          if (pin) change.lead.mutable_pin()->set_actor("ana");
          change.entry.set_outcome(rep.empty() ? v1::OUTCOME_UNASSIGNED : v1::OUTCOME_ASSIGNED);
          change.entry.set_rep(rep);
          change.entry.set_kind(stored.has_value() ? v1::ASSIGNMENT_KIND_MANUAL
                                                   : v1::ASSIGNMENT_KIND_ASSIGN);
          change.entry.set_actor("crm");
          change.entry.set_reason("because");
          change.entry.set_rule_version(3);
          change.change.actor = "crm";
          change.change.action = "lead.assign";
          change.change.now_us = now_us;
          RETURN_IF_ERROR(CommitAssignment(txn, std::move(change)).status());
          return fail;
        },
        "principal-1");
  }

  std::vector<v1::Event> All() {
    DatabaseView view(storage_->database());
    absl::StatusOr<EventPage> page = ReadEventsAfter(view, 0, 1000);
    EXPECT_OK(page);
    return page.ok() ? page->events : std::vector<v1::Event>{};
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(EventLogTest, AnOwnerChangeCommitsItsEventWithEveryField) {
  ASSERT_OK(Own("leads/a", "reps/ana", kStart));
  ASSERT_OK(Own("leads/a", "reps/bob", kStart + 1));
  ASSERT_OK(Own("leads/a", "", kStart + 2));
  const std::vector<v1::Event> events = All();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_ASSIGNED);
  EXPECT_EQ(events[0].cursor(), EventCursor(1));
  EXPECT_EQ(events[0].lead(), "leads/a");
  EXPECT_EQ(events[0].rep(), "reps/ana");
  EXPECT_EQ(events[0].previous_rep(), "");
  EXPECT_EQ(events[0].rule_version(), 3);
  EXPECT_EQ(events[0].actor(), "crm");
  EXPECT_EQ(events[0].principal(), "principal-1");
  EXPECT_EQ(events[0].reason(), "because");
  EXPECT_EQ(events[0].assignment_kind(), v1::ASSIGNMENT_KIND_ASSIGN);
  EXPECT_EQ(events[0].assignment(), AssignmentName("leads/a", 1));
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToMicroseconds(events[0].time()), kStart);
  EXPECT_EQ(events[1].kind(), v1::EVENT_KIND_REASSIGNED);
  EXPECT_EQ(events[1].previous_rep(), "reps/ana");
  EXPECT_EQ(events[1].rep(), "reps/bob");
  EXPECT_EQ(events[1].assignment_kind(), v1::ASSIGNMENT_KIND_MANUAL);
  EXPECT_EQ(events[2].kind(), v1::EVENT_KIND_UNASSIGNED);
  EXPECT_EQ(events[2].previous_rep(), "reps/bob");
  EXPECT_EQ(events[2].rep(), "");
}

TEST_F(EventLogTest, NoOwnerChangeNoEventAndAPinChangeIsItsOwnEvent) {
  ASSERT_OK(Own("leads/a", "", kStart));  // unassigned from the start: nobody to tell
  EXPECT_TRUE(All().empty());
  ASSERT_OK(Own("leads/a", "reps/ana", kStart, absl::OkStatus(), /*pin=*/true));
  const std::vector<v1::Event> events = All();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_ASSIGNED);
  EXPECT_EQ(events[1].kind(), v1::EVENT_KIND_PINNED);
  EXPECT_EQ(events[1].rep(), "reps/ana");
}

TEST_F(EventLogTest, ARolledBackMutationLeavesNoEventAndGivesItsSequenceBack) {
  ASSERT_OK(Own("leads/a", "reps/ana", kStart));
  EXPECT_THAT(Own("leads/b", "reps/ana", kStart, absl::AbortedError("changed my mind")),
              StatusIs(absl::StatusCode::kAborted, ::testing::_));
  ASSERT_OK(Own("leads/c", "reps/ana", kStart));
  const std::vector<v1::Event> events = All();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].lead(), "leads/a");
  EXPECT_EQ(events[1].lead(), "leads/c");
  EXPECT_EQ(events[1].cursor(), EventCursor(2));  // no gap where leads/b's event would be
  DatabaseView view(storage_->database());
  absl::StatusOr<EventPage> of_b = ReadLeadEventsAfter(view, "leads/b", 0, 10);
  ASSERT_OK(of_b);
  EXPECT_TRUE(of_b->events.empty());
}

TEST_F(EventLogTest, ReadsAfterACursorInOrderInBoundedBatches) {
  for (int i = 0; i < 7; ++i) ASSERT_OK(Own("leads/" + std::to_string(i), "reps/ana", kStart));
  DatabaseView view(storage_->database());
  std::vector<std::string> leads;
  uint64_t after = 0;
  for (int batches = 0; batches < 10; ++batches) {
    absl::StatusOr<EventPage> page = ReadEventsAfter(view, after, 3);
    ASSERT_OK(page);
    ASSERT_LE(page->events.size(), 3u);
    if (page->events.empty()) {
      EXPECT_EQ(page->last, after);
      break;
    }
    for (const v1::Event& event : page->events) leads.push_back(event.lead());
    after = page->last;
  }
  EXPECT_EQ(leads, (std::vector<std::string>{"leads/0", "leads/1", "leads/2", "leads/3", "leads/4",
                                             "leads/5", "leads/6"}));
}

TEST_F(EventLogTest, ALeadsEventsArePagedInOrder) {
  ASSERT_OK(Own("leads/a", "reps/ana", kStart));
  ASSERT_OK(Own("leads/b", "reps/ana", kStart));
  ASSERT_OK(Own("leads/a", "reps/bob", kStart));
  ASSERT_OK(Own("leads/ab", "reps/ana", kStart));  // a longer name with the same start
  ASSERT_OK(Own("leads/a", "reps/cid", kStart));
  DatabaseView view(storage_->database());
  absl::StatusOr<EventPage> first = ReadLeadEventsAfter(view, "leads/a", 0, 2);
  ASSERT_OK(first);
  ASSERT_EQ(first->events.size(), 2u);
  EXPECT_EQ(first->events[0].rep(), "reps/ana");
  EXPECT_EQ(first->events[1].rep(), "reps/bob");
  absl::StatusOr<EventPage> second = ReadLeadEventsAfter(view, "leads/a", first->last, 2);
  ASSERT_OK(second);
  ASSERT_EQ(second->events.size(), 1u);
  EXPECT_EQ(second->events[0].rep(), "reps/cid");
  EXPECT_EQ(second->events[0].previous_rep(), "reps/bob");
  absl::StatusOr<EventPage> rest = ReadLeadEventsAfter(view, "leads/a", second->last, 2);
  ASSERT_OK(rest);
  EXPECT_TRUE(rest->events.empty());
}

TEST_F(EventLogTest, TrimDeletesTheOldestInBatchesAndAStaleCursorIsRefused) {
  for (int i = 0; i < 5; ++i) ASSERT_OK(Own("leads/old" + std::to_string(i), "reps/ana", kStart));
  ASSERT_OK(Own("leads/new", "reps/ana", kStart + 10 * kDay));
  ASSERT_OK(Own("leads/old0", "reps/bob", kStart));  // old again, but after a young one

  absl::StatusOr<int64_t> trimmed = TrimEvents(*storage_, kStart + kDay, 2);
  ASSERT_OK(trimmed);
  EXPECT_EQ(*trimmed, 2);
  trimmed = TrimEvents(*storage_, kStart + kDay, 100);
  ASSERT_OK(trimmed);
  EXPECT_EQ(*trimmed, 3);  // stops at the young event: what is kept stays a suffix
  trimmed = TrimEvents(*storage_, kStart + kDay, 100);
  ASSERT_OK(trimmed);
  EXPECT_EQ(*trimmed, 0);

  const std::vector<v1::Event> events = All();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].lead(), "leads/new");
  EXPECT_EQ(events[1].lead(), "leads/old0");

  DatabaseView view(storage_->database());
  EXPECT_EQ(Value(OldestRetainedPosition(view)), 5u);
  EXPECT_OK(CheckEventPosition(view, 5));
  EXPECT_OK(CheckEventPosition(view, 7));
  const absl::Status stale = CheckEventPosition(view, 4);
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kOutOfRange, ::testing::_));
  EXPECT_THAT(std::string(stale.message()), HasSubstr(EventCursor(4)));
  EXPECT_THAT(std::string(stale.message()), HasSubstr(EventCursor(5)));
  EXPECT_THAT(CheckEventPosition(view, 8), StatusIs(absl::StatusCode::kOutOfRange, ::testing::_));
  absl::StatusOr<EventPage> of_old1 = ReadLeadEventsAfter(view, "leads/old1", 0, 10);
  ASSERT_OK(of_old1);
  EXPECT_TRUE(of_old1->events.empty());  // the index went with the event
  absl::StatusOr<EventPage> of_old0 = ReadLeadEventsAfter(view, "leads/old0", 0, 10);
  ASSERT_OK(of_old0);
  ASSERT_EQ(of_old0->events.size(), 1u);
  EXPECT_EQ(of_old0->events[0].cursor(), EventCursor(7));
}

TEST_F(EventLogTest, EverythingTrimmedStillKnowsWhereTheLogEnds) {
  ASSERT_OK(Own("leads/a", "reps/ana", kStart));
  ASSERT_OK(Own("leads/b", "reps/ana", kStart));
  ASSERT_OK(TrimEvents(*storage_, kStart + 1, 100).status());
  DatabaseView view(storage_->database());
  EXPECT_EQ(Value(OldestRetainedPosition(view)), 2u);
  EXPECT_OK(CheckEventPosition(view, 2));
  EXPECT_THAT(CheckEventPosition(view, 0), StatusIs(absl::StatusCode::kOutOfRange, ::testing::_));
}

TEST_F(EventLogTest, CursorsRoundTripAndStrangersAreInvalid) {
  EXPECT_EQ(Value(ParseEventCursor(EventCursor(42))), 42u);
  EXPECT_EQ(Value(ParseEventCursor("")), 0u);
  for (const char* bad : {"42", "000000000000002A", "00000000000000zz", "x000000000000002a"}) {
    EXPECT_THAT(ParseEventCursor(bad), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_))
        << bad;
  }
}

TEST_F(EventLogTest, ADatabaseFromBeforeTheEventLogOpensAndLogsFromThen) {
  storage_.reset();
  const std::string path = dir_.Child("old");
  {
    // The layout before events: every column family up to audit, and the schema version.
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (size_t i = 0; i <= static_cast<size_t>(ColumnFamily::kAudit); ++i) {
      families.emplace_back(std::string(kColumnFamilyNames[i]), rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[static_cast<size_t>(ColumnFamily::kMeta)],
                        std::string(meta_key::kSchemaVersion), EncodeInteger(kSchemaVersion))
                    .ok());
    for (rocksdb::ColumnFamilyHandle* handle : handles)
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  auto storage = Storage::Open(path);
  ASSERT_OK(storage);
  storage_ = std::move(*storage);
  ASSERT_OK(Own("leads/a", "reps/ana", kStart));
  EXPECT_EQ(All().size(), 1u);
}

}  // namespace
}  // namespace leadrouter::storage
