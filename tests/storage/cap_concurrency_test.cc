// Caps hold under concurrency: many Assign calls at once against one capped rep give exactly the
// cap, and the counters, history and audit log agree.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "assign_harness.h"
#include "status_matchers.h"
#include "storage/assignment_store.h"
#include "storage/audit_log.h"
#include "storage/counter_recovery.h"
#include "storage/storage.h"
#include "stress_scale.h"
#include "temp_dir.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::storage::testing::AssignHarness;
using ::leadrouter::storage::testing::AssignResult;
using ::leadrouter::storage::testing::ScaledIterations;
using ::leadrouter::testing::TempDir;

constexpr char kCappedRules[] = R"(rule "capped"
  when true
  cap 20/day
otherwise unassigned
)";

TEST(CapConcurrencyTest, TwoHundredConcurrentAssignsGiveExactlyTheCap) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(dir.Child("db"));
  ASSERT_OK(storage);
  absl::StatusOr<std::unique_ptr<AssignHarness>> harness =
      AssignHarness::Create((*storage)->commits(), kCappedRules, {"ana"});
  ASSERT_OK(harness);

  constexpr int kCallers = 200;
  const int rounds = ScaledIterations(100);
  constexpr int64_t kFirstDay = 1'767'225'600;  // 2026-01-01T00:00:00Z
  for (int round = 0; round < rounds; ++round) {
    // Each round is a new day: the cap starts from zero again.
    const int64_t now = kFirstDay + int64_t{round} * 86'400 + 3'600;
    std::vector<std::string> leads;
    for (int i = 0; i < kCallers; ++i) leads.push_back(absl::StrCat("r", round, "-", i));
    int to_ana = 0;
    int unassigned = 0;
    for (const absl::StatusOr<AssignResult>& result : (*harness)->AssignAtOnce(leads, now)) {
      ASSERT_OK(result);
      ++(result->rep == "ana" ? to_ana : unassigned);
    }
    ASSERT_EQ(to_ana, 20) << "round " << round;
    ASSERT_EQ(unassigned, kCallers - 20) << "round " << round;
  }

  // What is stored agrees: per day, 20 history entries for ana, every counter equal to what the
  // history implies, one audit record per change.
  DatabaseView view((*storage)->database());
  std::map<int64_t, int> per_day;
  int entries = 0;
  ASSERT_OK(ListAllHistory(view, [&](const HistoryRecord& record) {
    ++entries;
    if (record.assignment().rep() == "ana")
      ++per_day[record.assignment().decide_time().seconds() / 86'400];
    return true;
  }));
  EXPECT_EQ(entries, rounds * kCallers);
  ASSERT_EQ(per_day.size(), static_cast<size_t>(rounds));
  for (const auto& [day, count] : per_day) EXPECT_EQ(count, 20) << "day " << day;
  int audited = 0;
  ASSERT_OK(ReadAudit(view, 0, [&](const AuditRecord&) {
    ++audited;
    return true;
  }));
  EXPECT_EQ(audited, rounds * kCallers);
  absl::StatusOr<CounterCheckReport> check = CheckCounters((*storage)->database(), false);
  ASSERT_OK(check);
  EXPECT_EQ(check->disagreements, 0);
  EXPECT_EQ(check->history_entries, rounds * kCallers);
}

}  // namespace
}  // namespace leadrouter::storage
