// Caps hold with a large roster: concurrent Assign calls over 10,000 reps, of which ten are
// eligible, give each of those exactly its cap and nobody more, and the counters, history and
// audit log agree. The decision reads every rep's counters by position through the writer's
// decoded rows (storage/counter_rows.h), so this is the exactness test of that path at scale.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "assign_harness.h"
#include "status_matchers.h"
#include "storage/assignment_store.h"
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

// Reps r00000 ... r09999; `require` leaves r00000 ... r00009, three leads a day each.
constexpr int kReps = 10'000;
constexpr int kEligible = 10;
constexpr int kCap = 3;
constexpr char kRules[] = R"(rule "few of many"
  when true
  require id starts_with "r0000"
  cap 3/day
otherwise unassigned
)";

TEST(LargeRosterCapTest, ConcurrentAssignsOverTenThousandRepsNeverExceedACap) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(dir.Child("db"));
  ASSERT_OK(storage);
  std::vector<std::string> reps;
  for (int i = 0; i < kReps; ++i) reps.push_back(absl::StrFormat("r%05d", i));
  absl::StatusOr<std::unique_ptr<AssignHarness>> harness =
      AssignHarness::Create((*storage)->commits(), kRules, reps);
  ASSERT_OK(harness);

  constexpr int kCallers = 64;
  const int rounds = ScaledIterations(4);
  constexpr int64_t kFirstDay = 1'767'225'600;  // 2026-01-01T00:00:00Z
  for (int round = 0; round < rounds; ++round) {
    const int64_t now = kFirstDay + int64_t{round} * 86'400 + 3'600;  // a new day each round
    std::vector<std::string> leads;
    for (int i = 0; i < kCallers; ++i) leads.push_back(absl::StrCat("d", round, "-", i));
    std::map<std::string, int> per_rep;
    int unassigned = 0;
    for (const absl::StatusOr<AssignResult>& result : (*harness)->AssignAtOnce(leads, now)) {
      ASSERT_OK(result);
      ++(result->rep.empty() ? unassigned : per_rep[result->rep]);
    }
    ASSERT_EQ(per_rep.size(), static_cast<size_t>(kEligible)) << "round " << round;
    for (const auto& [rep, count] : per_rep) {
      EXPECT_EQ(count, kCap) << rep << ", round " << round;
      EXPECT_TRUE(rep.starts_with("r0000")) << rep;
    }
    ASSERT_EQ(unassigned, kCallers - kEligible * kCap) << "round " << round;
  }

  absl::StatusOr<CounterCheckReport> check = CheckCounters((*storage)->database(), false);
  ASSERT_OK(check);
  EXPECT_EQ(check->disagreements, 0);
  EXPECT_EQ(check->history_entries, rounds * kCallers);
}

}  // namespace
}  // namespace leadrouter::storage
