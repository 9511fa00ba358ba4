// The writer's decoded counters (storage/counter_rows.h): reads by position inside a commit give
// exactly what the key reads give, after deltas of the same mutation, of earlier mutations of the
// group, of discarded mutations and of earlier groups.
#include "storage/counter_rows.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "dsl/base/status_macros.h"
#include "dsl/decision/in_memory_decision_state.h"
#include "status_matchers.h"
#include "storage/counter_store.h"
#include "storage/storage.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::TempDir;

constexpr dsl::PeriodIds kPeriods{.day = 20454, .week = 20451, .month = 24323};
const std::vector<std::string> kIds = {"ana", "ben", "cy"};
const dsl::RepIdList kList{.generation = 77, .ids = kIds};

dsl::StateDelta Delta(const std::string& rep, int64_t sign = 1) {
  dsl::StateDelta delta;
  delta.rep_id = rep;
  delta.rule_key = "r1";
  delta.periods = kPeriods;
  delta.assigned = sign;
  delta.open = sign;
  delta.quality = 10;
  delta.balanced = 3;
  if (sign > 0) delta.last_chosen_sequence = 9;
  return delta;
}

// Positional reads (the decoded rows) and key reads (the view) of every rep in one transaction.
void ExpectRowsMatchKeys(const WriteTxn& txn, const dsl::PeriodIds& periods = kPeriods) {
  const StoredDecisionState rows(txn);
  const StoredDecisionState keys(static_cast<const ReadView&>(txn));
  const std::vector<uint32_t> positions = {2, 0, 1};
  std::vector<dsl::RepCounters> by_row(3), by_key(3);
  std::vector<std::string_view> ids = {kIds[2], kIds[0], kIds[1]};
  ASSERT_OK(rows.ReadRepCountersAt(kList, positions, periods, by_row));
  ASSERT_OK(keys.ReadRepCounters(ids, periods, by_key));
  std::vector<dsl::RuleRepCounters> rule_by_row(3), rule_by_key(3);
  ASSERT_OK(rows.ReadRuleRepCountersAt("r1", kList, positions, periods, rule_by_row));
  ASSERT_OK(keys.ReadRuleRepCounters("r1", ids, periods, rule_by_key));
  for (size_t k = 0; k < 3; ++k) {
    SCOPED_TRACE(ids[k]);
    EXPECT_EQ(by_row[k].assigned_day, by_key[k].assigned_day);
    EXPECT_EQ(by_row[k].assigned_week, by_key[k].assigned_week);
    EXPECT_EQ(by_row[k].assigned_month, by_key[k].assigned_month);
    EXPECT_EQ(by_row[k].open, by_key[k].open);
    EXPECT_EQ(by_row[k].quality_day, by_key[k].quality_day);
    EXPECT_EQ(rule_by_row[k].assigned_day, rule_by_key[k].assigned_day);
    EXPECT_EQ(rule_by_row[k].open, rule_by_key[k].open);
    EXPECT_EQ(rule_by_row[k].balanced_day, rule_by_key[k].balanced_day);
    EXPECT_EQ(rule_by_row[k].last_chosen_sequence, rule_by_key[k].last_chosen_sequence);
  }
}

int64_t RowOpen(const WriteTxn& txn, uint32_t position) {
  const StoredDecisionState rows(txn);
  const std::vector<uint32_t> positions = {position};
  std::vector<dsl::RepCounters> out(1);
  EXPECT_OK(rows.ReadRepCountersAt(kList, positions, kPeriods, out));
  return out[0].open;
}

class CounterRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto storage = Storage::Open(dir_.Child("db"));
    ASSERT_OK(storage);
    storage_ = std::move(*storage);
  }
  absl::Status Apply(const dsl::StateDelta& delta) {
    return storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
      ExpectRowsMatchKeys(txn);  // rows read before the write...
      TxnCounterAccess access(txn);
      RETURN_IF_ERROR(ApplyStateDelta(access, delta));
      ExpectRowsMatchKeys(txn);  // ...are not trusted after it
      return absl::OkStatus();
    });
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(CounterRowsTest, RowsFollowEveryWriteOfTheWriter) {
  ASSERT_OK(Apply(Delta("ana")));
  ASSERT_OK(Apply(Delta("ana")));
  ASSERT_OK(Apply(Delta("ben")));
  ASSERT_OK(Apply(Delta("ana", -1)));  // a credit back
  ASSERT_OK(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    EXPECT_EQ(RowOpen(txn, 0), 1);                                                // ana: +1 +1 -1
    EXPECT_EQ(RowOpen(txn, 1), 1);                                                // ben
    EXPECT_EQ(RowOpen(txn, 2), 0);                                                // cy: never
    ExpectRowsMatchKeys(txn, {kPeriods.day + 1, kPeriods.week, kPeriods.month});  // next day
    return absl::OkStatus();
  }));
}

TEST_F(CounterRowsTest, ADiscardedMutationLeavesNoRowBehind) {
  ASSERT_OK(Apply(Delta("ana")));
  const absl::Status rolled_back =
      storage_->commits().CommitOrRollBack([&](WriteTxn& txn) -> absl::StatusOr<MutationResult> {
        TxnCounterAccess access(txn);
        RETURN_IF_ERROR(ApplyStateDelta(access, Delta("ana")));
        EXPECT_EQ(RowOpen(txn, 0), 2);  // the mutation sees its own write
        return MutationResult::kRollBack;
      });
  ASSERT_OK(rolled_back);
  const absl::Status failed = storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    TxnCounterAccess access(txn);
    RETURN_IF_ERROR(ApplyStateDelta(access, Delta("ana")));
    EXPECT_EQ(RowOpen(txn, 0), 2);
    return absl::AbortedError("changed its mind");
  });
  EXPECT_FALSE(failed.ok());
  ASSERT_OK(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    EXPECT_EQ(RowOpen(txn, 0), 1);
    ExpectRowsMatchKeys(txn);
    return absl::OkStatus();
  }));
}

// balanced: the levels, the band counts per period and over the rule's whole life, the lifts
// and the rule's largest amount, stored as the in-memory state keeps them (the dry run's and the
// server's decisions read the same numbers), through a StoredDelta and back (the recovery check
// replays those), with a credit back and the next day.
TEST_F(CounterRowsTest, BalanceCountersAreStoredAsTheDecisionKeepsThem) {
  dsl::InMemoryDecisionState memory;
  std::vector<dsl::StateDelta> deltas;
  for (const auto& [rep, band, lift, band_lift] :
       std::vector<std::tuple<std::string, int32_t, double, int64_t>>{
           {"ana", 0, 0, 0}, {"ben", 1, 40, 0}, {"ana", -1, 0, 0}, {"cy", 0, 120, 2}}) {
    dsl::StateDelta delta = Delta(rep);
    delta.balanced = 50;
    delta.band = band;
    delta.balanced_lift = lift;
    delta.band_lift = band_lift;
    delta.balanced_max_amount = 50;
    deltas.push_back(FromStoredDelta(ToStoredDelta(delta)));
    EXPECT_EQ(deltas.back().band, band);
    EXPECT_EQ(deltas.back().balanced_lift, lift);
    EXPECT_EQ(deltas.back().band_lift, band_lift);
    EXPECT_EQ(deltas.back().balanced_max_amount, 50);
  }
  deltas.push_back(dsl::CreditBack(deltas[1]));  // ben: the lead back, not the lift
  dsl::StateDelta daily = Delta("ben");          // counted `over day` now: ben's counts start again
  daily.band = 0;
  daily.band_over = dsl::CapUnit::kDay;
  deltas.push_back(FromStoredDelta(ToStoredDelta(daily)));
  EXPECT_EQ(deltas.back().band_over, dsl::CapUnit::kDay);
  for (const dsl::StateDelta& delta : deltas) {
    ASSERT_OK(Apply(delta));
    memory.Apply(delta);
  }
  const std::vector<std::string_view> ids = {"ana", "ben", "cy"};
  for (const dsl::PeriodIds& periods :
       {kPeriods, dsl::PeriodIds{kPeriods.day + 1, kPeriods.week, kPeriods.month}}) {
    std::vector<dsl::RuleRepCounters> stored(3), expected(3);
    ASSERT_OK(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
      return StoredDecisionState(txn).ReadRuleRepCountersAt("r1", kList, {{0, 1, 2}}, periods,
                                                            stored);
    }));
    ASSERT_OK(memory.ReadRuleRepCounters("r1", ids, periods, expected));
    for (size_t k = 0; k < 3; ++k) {
      SCOPED_TRACE(ids[k]);
      EXPECT_EQ(stored[k].balanced_day, expected[k].balanced_day);
      EXPECT_EQ(stored[k].balanced_week, expected[k].balanced_week);
      EXPECT_EQ(stored[k].balanced_total, expected[k].balanced_total);
      EXPECT_EQ(stored[k].bands, expected[k].bands);
      EXPECT_EQ(stored[k].bands_over, expected[k].bands_over);
    }
    // By hand: ana 50 + 50 with one band-0 lead; ben's band-1 lead credited back, its lift kept,
    // then a lead of 3 (Delta's amount) counted in band 0 over the day; cy lifted by 120 and by
    // two band-0 leads, over the rule's whole life.
    const bool today = periods.day == kPeriods.day;
    EXPECT_EQ(stored[0].balanced_total, 100);
    EXPECT_EQ(stored[0].bands, (dsl::BandCounts{1, 0, 0, 0}));
    EXPECT_EQ(stored[1].balanced_total, 43);
    EXPECT_EQ(stored[1].bands_over, dsl::CapUnit::kDay);
    EXPECT_EQ(stored[1].bands, today ? (dsl::BandCounts{1, 0, 0, 0}) : (dsl::BandCounts{}));
    EXPECT_EQ(stored[2].balanced_total, 170);
    EXPECT_EQ(stored[2].bands, (dsl::BandCounts{3, 0, 0, 0}));
  }
  dsl::RuleCounters rule;
  ASSERT_OK(storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    return StoredDecisionState(txn).ReadRuleCounters("r1", rule);
  }));
  EXPECT_EQ(rule.balanced_max_amount, 50);
}

TEST_F(CounterRowsTest, ABandPastTheLastIsDataLossNotAWildWrite) {
  dsl::StateDelta delta = Delta("ana");
  delta.band = static_cast<int32_t>(dsl::kMaxBalanceTiers);
  const absl::Status status = storage_->commits().Commit([&](WriteTxn& txn) -> absl::Status {
    TxnCounterAccess access(txn);
    return ApplyStateDelta(access, delta);
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
}

TEST(CounterRowsUnitTest, InvalidateMarksOnlyTheRowOfTheKey) {
  CounterRows rows;
  const std::span<const uint32_t> slots = rows.Resolve(kList);
  ASSERT_EQ(slots.size(), 3u);
  for (uint32_t slot : slots) rows.rep_row(slot).valid = true;
  for (CounterRows::RuleRepRow& row : rows.RuleRows("r1")) row.valid = true;
  rows.Invalidate(
      EncodeCounterKey(CounterKey{CounterScope::kRep, "", "ben", CounterKind::kOpen, 0}));
  EXPECT_TRUE(rows.rep_row(slots[0]).valid);
  EXPECT_FALSE(rows.rep_row(slots[1]).valid);
  rows.Invalidate(
      EncodeCounterKey(CounterKey{CounterScope::kRuleRep, "r1", "cy", CounterKind::kTurn, 0}));
  EXPECT_FALSE(rows.RuleRows("r1")[slots[2]].valid);
  EXPECT_TRUE(rows.RuleRows("r1")[slots[0]].valid);
  rows.Clear();
  EXPECT_FALSE(rows.rep_row(slots[0]).valid);
}

}  // namespace
}  // namespace leadrouter::storage
