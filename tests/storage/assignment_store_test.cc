// The atomic assignment commit: what one assignment writes, the credit back on reassign, nothing
// on failure, and the counter check at open.
#include "storage/assignment_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dsl/base/status_macros.h"
#include "status_matchers.h"
#include "storage/audit_log.h"
#include "storage/counter_recovery.h"
#include "storage/counter_store.h"
#include "storage/lead_store.h"
#include "storage/records.h"
#include "storage/storage.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;

constexpr dsl::PeriodIds kPeriods{.day = 20454, .week = 20451, .month = 24323};

dsl::StateDelta AssignDelta(const std::string& rep) {
  dsl::StateDelta delta;
  delta.rep_id = rep;
  delta.rule_key = "r1";
  delta.periods = kPeriods;
  delta.assigned = 1;
  delta.open = 1;
  delta.quality = 70;
  delta.last_chosen_sequence = 1;
  return delta;
}

class AssignmentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto storage = Storage::Open(dir_.Child("db"));
    ASSERT_OK(storage);
    storage_ = std::move(*storage);
  }

  // Assigns (or reassigns) leads/l1 to `rep` with `previous` counts handling.
  absl::StatusOr<CommittedAssignment> Move(const std::string& rep, PreviousCounts previous) {
    absl::StatusOr<CommittedAssignment> result = absl::UnknownError("not run");
    const absl::Status status = storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
      ASSIGN_OR_RETURN(uint64_t sequence, NextAssignmentSequence(txn));
      AssignmentChange change;
      change.sequence = sequence;
      change.lead.set_name("leads/l1");
      change.lead.set_owner(rep);
      change.lead.set_state(leadrouter::v1::LEAD_STATE_OPEN);
      change.entry.set_outcome(leadrouter::v1::OUTCOME_ASSIGNED);
      change.entry.set_rep(rep);
      change.explanation = Built(leadrouter::v1::Explanation());
      change.delta = AssignDelta(rep);
      change.previous = previous;
      change.change.actor = "tester";
      change.change.action = "lead.assign";
      change.change.now_us = 1'767'225'600'000'000;
      result = CommitAssignment(txn, std::move(change));
      return result.status();
    });
    if (!status.ok()) return status;
    return result;
  }

  dsl::RepCounters Rep(const std::string& rep) {
    DatabaseView view(storage_->database());
    StoredDecisionState state(view);
    std::vector<std::string_view> ids = {rep};
    std::vector<dsl::RepCounters> out(1);
    EXPECT_OK(state.ReadRepCounters(ids, kPeriods, out));
    return out[0];
  }
  dsl::RuleRepCounters RuleRep(const std::string& rep) {
    DatabaseView view(storage_->database());
    StoredDecisionState state(view);
    std::vector<std::string_view> ids = {rep};
    std::vector<dsl::RuleRepCounters> out(1);
    EXPECT_OK(state.ReadRuleRepCounters("r1", ids, kPeriods, out));
    return out[0];
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(AssignmentStoreTest, AssignmentWritesLeadHistoryIndexesCountersAndAudit) {
  absl::StatusOr<CommittedAssignment> committed = Move("ana", PreviousCounts::kKeep);
  ASSERT_OK(committed);
  EXPECT_EQ(committed->entry.name(), "leads/l1/assignments/0000000000000001");
  EXPECT_EQ(committed->lead.lead().current_assignment(), committed->entry.name());
  EXPECT_EQ(committed->lead.current_sequence(), 1u);

  const dsl::RepCounters rep = Rep("ana");
  EXPECT_EQ(rep.assigned_day, 1);
  EXPECT_EQ(rep.assigned_week, 1);
  EXPECT_EQ(rep.assigned_month, 1);
  EXPECT_EQ(rep.open, 1);
  EXPECT_EQ(rep.quality_day, 70);
  const dsl::RuleRepCounters rule_rep = RuleRep("ana");
  EXPECT_EQ(rule_rep.assigned_day, 1);
  EXPECT_EQ(rule_rep.open, 1);
  EXPECT_EQ(rule_rep.last_chosen_sequence, 1u);
  // Another day reads zero: the period moved on.
  {
    DatabaseView view(storage_->database());
    StoredDecisionState state(view);
    std::vector<std::string_view> ids = {"ana"};
    std::vector<dsl::RepCounters> out(1);
    ASSERT_OK(state.ReadRepCounters(ids, {kPeriods.day + 1, kPeriods.week, kPeriods.month}, out));
    EXPECT_EQ(out[0].assigned_day, 0);
    EXPECT_EQ(out[0].assigned_week, 1);
  }

  DatabaseView view(storage_->database());
  int by_rep = 0;
  ASSERT_OK(
      ListRepHistory(view, "ana", 0, INT64_MAX, ScanOrder::kAscending, [&](const HistoryRecord& r) {
        EXPECT_EQ(r.assignment().name(), committed->entry.name());
        ++by_rep;
        return true;
      }));
  EXPECT_EQ(by_rep, 1);
  absl::StatusOr<std::optional<leadrouter::v1::Explanation>> explanation = ReadExplanation(view, 1);
  ASSERT_OK(explanation);
  ASSERT_TRUE(explanation->has_value());
  EXPECT_EQ((*explanation)->assignment(), committed->entry.name());
  std::vector<AuditRecord> audit;
  ASSERT_OK(ReadAudit(view, 0, [&](const AuditRecord& r) {
    audit.push_back(r);
    return true;
  }));
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].assignment(), committed->entry.name());
  EXPECT_EQ(audit[0].entity(), "leads/l1");
}

TEST_F(AssignmentStoreTest, ReassignCreditsThePreviousOwnerBack) {
  ASSERT_OK(Move("ana", PreviousCounts::kKeep));
  absl::StatusOr<CommittedAssignment> moved = Move("bo", PreviousCounts::kCreditBack);
  ASSERT_OK(moved);
  EXPECT_EQ(moved->entry.previous_rep(), "ana");

  const dsl::RepCounters ana = Rep("ana");
  EXPECT_EQ(ana.assigned_day, 0);
  EXPECT_EQ(ana.open, 0);
  EXPECT_EQ(ana.quality_day, 0);
  EXPECT_EQ(RuleRep("ana").open, 0);
  EXPECT_EQ(RuleRep("ana").last_chosen_sequence, 1u);  // turns are history, not counts
  const dsl::RepCounters bo = Rep("bo");
  EXPECT_EQ(bo.assigned_day, 1);
  EXPECT_EQ(bo.open, 1);

  DatabaseView view(storage_->database());
  std::vector<std::string> reps;
  ASSERT_OK(ListLeadHistory(view, "leads/l1", [&](const HistoryRecord& r) {
    reps.push_back(r.assignment().rep());
    return true;
  }));
  EXPECT_EQ(reps, (std::vector<std::string>{"ana", "bo"}));
}

TEST_F(AssignmentStoreTest, CloseReleasesOnlyTheOpenLead) {
  ASSERT_OK(Move("ana", PreviousCounts::kKeep));
  ASSERT_OK(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    ASSIGN_OR_RETURN(uint64_t sequence, NextAssignmentSequence(txn));
    AssignmentChange change;
    change.sequence = sequence;
    change.lead.set_name("leads/l1");
    change.lead.set_owner("ana");
    change.lead.set_state(leadrouter::v1::LEAD_STATE_CONVERTED);
    change.entry.set_rep("ana");
    change.previous = PreviousCounts::kClose;
    change.change.action = "lead.close";
    return CommitAssignment(txn, std::move(change)).status();
  }));
  EXPECT_EQ(Rep("ana").assigned_day, 1);
  EXPECT_EQ(Rep("ana").open, 0);
}

TEST_F(AssignmentStoreTest, FailedChangeLeavesNothing) {
  EXPECT_THAT(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    ASSIGN_OR_RETURN(uint64_t sequence, NextAssignmentSequence(txn));
    AssignmentChange change;
    change.sequence = sequence;
    change.lead.set_name("leads/l1");
    change.lead.set_owner("ana");
    change.entry.set_rep("ana");
    change.delta = AssignDelta("ana");
    RETURN_IF_ERROR(CommitAssignment(txn, std::move(change)).status());
    return absl::ResourceExhaustedError("the response did not fit");  // e.g. a later step failed
  }),
              StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
  EXPECT_EQ(Rep("ana").assigned_day, 0);
  EXPECT_EQ(Rep("ana").open, 0);
  DatabaseView view(storage_->database());
  EXPECT_FALSE(ReadLead(view, "leads/l1")->has_value());
  int anything = 0;
  for (ColumnFamily cf :
       {ColumnFamily::kAssignments, ColumnFamily::kAssignmentsByRep,
        ColumnFamily::kAssignmentsByTime, ColumnFamily::kCounters, ColumnFamily::kAudit}) {
    ASSERT_OK(view.Scan(cf, "", "", ScanOrder::kAscending,
                        [&](absl::string_view, absl::string_view) -> absl::StatusOr<bool> {
                          ++anything;
                          return true;
                        }));
  }
  EXPECT_EQ(anything, 0);
  // The sequence was given back: the next assignment is number 1.
  absl::StatusOr<CommittedAssignment> next = Move("ana", PreviousCounts::kKeep);
  ASSERT_OK(next);
  EXPECT_EQ(next->entry.name(), "leads/l1/assignments/0000000000000001");
}

TEST_F(AssignmentStoreTest, CounterCheckAtOpenRewritesCountersThatDisagreeWithHistory) {
  ASSERT_OK(Move("ana", PreviousCounts::kKeep));
  ASSERT_OK(Move("bo", PreviousCounts::kCreditBack));
  // Simulate a counter that drifted (a bug, a manual edit): ana looks full, bo looks empty.
  CounterValue wrong;
  wrong.set_count(20);
  const std::string ana_day =
      EncodeCounterKey(CounterKey{CounterScope::kRep, "", "ana", CounterKind::kDay, kPeriods.day});
  const std::string bo_open =
      EncodeCounterKey(CounterKey{CounterScope::kRep, "", "bo", CounterKind::kOpen, 0});
  ASSERT_TRUE(storage_->database()
                  .raw()
                  .Put(rocksdb::WriteOptions(),
                       storage_->database().handle(ColumnFamily::kCounters), ana_day,
                       EncodeProto(wrong))
                  .ok());
  ASSERT_TRUE(storage_->database()
                  .raw()
                  .Delete(rocksdb::WriteOptions(),
                          storage_->database().handle(ColumnFamily::kCounters), bo_open)
                  .ok());
  ASSERT_OK(storage_->Close());

  auto reopened = Storage::Open(dir_.Child("db"));
  ASSERT_OK(reopened);
  storage_ = std::move(*reopened);
  // The close moved the checkpoint past both entries, from history alone: nothing to replay, and
  // the comparison still finds both drifted counters.
  EXPECT_EQ(storage_->counter_check().checkpoint_sequence, 2u);
  EXPECT_EQ(storage_->counter_check().history_entries, 0);
  EXPECT_EQ(storage_->counter_check().disagreements, 2);
  EXPECT_TRUE(storage_->counter_check().repaired);
  EXPECT_EQ(Rep("ana").assigned_day, 0);
  EXPECT_EQ(Rep("bo").open, 1);
  absl::StatusOr<CounterCheckReport> again = CheckCounters(storage_->database(), false);
  ASSERT_OK(again);
  EXPECT_EQ(again->disagreements, 0);
}

}  // namespace
}  // namespace leadrouter::storage
