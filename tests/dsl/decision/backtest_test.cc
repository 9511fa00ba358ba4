// dsl::RunBacktest: the timeline's steps (leads, counter changes held fixed, new rosters) and the
// two sides' tallies; and the replay's speed on 10,000 leads over the example roster's size.
#include "dsl/decision/backtest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/dsl/decision/decision_testing.h"

namespace leadrouter::dsl {
namespace {

using testing::CompileOrDie;
using testing::Rep;

constexpr int64_t kMonday = 1767603600;  // 2026-01-05T09:00:00Z

BacktestLead Lead(const std::string& id, int64_t at, uint64_t sequence, double quality,
                  const std::string& actual_rep, const std::string& actual_rule = "all") {
  BacktestLead lead;
  lead.id = id;
  lead.attributes = {{"id", id}, {"quality", quality}};
  lead.time = at;
  lead.sequence = sequence;
  lead.actual.outcome = actual_rep.empty() ? Outcome::kUnassigned : Outcome::kAssigned;
  lead.actual.rep_id = actual_rep;
  lead.actual.rule_key = actual_rep.empty() ? "" : actual_rule;
  return lead;
}

TEST(Backtest, TheTimelineStartsWithARoster) {
  InMemoryDecisionState state;
  const absl::StatusOr<BacktestResult> result = RunBacktest(
      CompileOrDie("rule \"all\" when true"), {Lead("l1", kMonday, 1, 50, "a")}, state, {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Backtest, FixedChangesCountAgainstCapsAndNewRostersTakeEffectWhereTheyAre) {
  const auto program =
      CompileOrDie("rule \"all\"\n  when true\n  cap 1/day\n  distribute round_robin\n");
  const PeriodIds today = PeriodCalendar().Locate(kMonday);
  RepInfo off_b = Rep("b");
  off_b.status = RepStatus::kOff;
  std::vector<BacktestStep> timeline;
  timeline.emplace_back(BacktestRoster{{Rep("a"), Rep("b"), Rep("c")}});
  // a's cap of the day is used by a change held fixed (as history recorded it).
  timeline.emplace_back(BacktestFixedDeltas{{AssignmentDelta("a", "all", today, 10)}});
  timeline.emplace_back(Lead("l1", kMonday + 60, 2, 90, "b"));  // a is capped: b, as then
  timeline.emplace_back(BacktestRoster{{Rep("a"), off_b, Rep("c")}});
  timeline.emplace_back(Lead("l2", kMonday + 120, 3, 40, "b"));  // b is off now: c, a change
  timeline.emplace_back(Lead("l3", kMonday + 180, 4, 70, "c"));  // everyone capped: unassigned
  InMemoryDecisionState state;
  const absl::StatusOr<BacktestResult> result = RunBacktest(program, timeline, state, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->leads, 3u);
  EXPECT_EQ(result->changed, 2u);
  ASSERT_EQ(result->changes.size(), 2u);
  EXPECT_EQ(result->changes[0].lead_id, "l2");
  EXPECT_EQ(result->changes[0].rep_id, "c");
  EXPECT_EQ(result->changes[1].lead_id, "l3");
  EXPECT_EQ(result->changes[1].outcome, Outcome::kUnassigned);
  EXPECT_EQ(result->changes[1].reason, UnassignedReason::kNoEligibleRep);
  // Tallies: reps a, b, c (b off in the last roster, left out of the Gini).
  ASSERT_EQ(result->reps.size(), 3u);
  EXPECT_EQ(result->actual.tally.reps()[1].count, 2);
  EXPECT_EQ(result->actual.tally.reps()[2].count, 1);
  EXPECT_EQ(result->candidate.tally.reps()[1].count, 1);
  EXPECT_EQ(result->candidate.tally.reps()[2].count, 1);
  EXPECT_DOUBLE_EQ(result->candidate.tally.reps()[1].quality_sum, 90);
  EXPECT_EQ(result->candidate.tally.reps()[1].high_quality, 1);
  EXPECT_EQ(result->candidate.tally.unassigned(), 1u);
  EXPECT_EQ(result->candidate.tally
                .unassigned_by_reason()[static_cast<size_t>(UnassignedReason::kNoEligibleRep)],
            1u);
  ASSERT_EQ(result->candidate.rule_keys, std::vector<std::string>{"all"});
  EXPECT_EQ(result->candidate.rule_hits[0], 2u);
  EXPECT_EQ(result->actual.rule_hits[0], 3u);
}

TEST(Backtest, MaxChangesBoundsTheListNotTheCount) {
  const auto program = CompileOrDie("rule \"all\"\n  when true\n  team \"x\"\n");
  std::vector<BacktestStep> timeline;
  timeline.emplace_back(BacktestRoster{{Rep("a")}});
  for (int i = 0; i < 5; ++i)
    timeline.emplace_back(Lead(absl::StrCat("l", i), kMonday + i, i + 1, 50, "a"));
  InMemoryDecisionState state;
  BacktestOptions options;
  options.max_changes = 2;
  const absl::StatusOr<BacktestResult> result = RunBacktest(program, timeline, state, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->changed, 5u);
  EXPECT_EQ(result->changes.size(), 2u);
}

TEST(Backtest, TenThousandLeadsOverTwelveRepsReplayInWellUnderASecond) {
  // The example roster's size (examples/reps.csv: 12 reps) and a rule of each common shape.
  const auto program = CompileOrDie(R"(rule "big"
  when quality >= 80
  require level >= 3
  cap 20/day
  distribute balanced(quality)

rule "rest"
  when true
  distribute least_loaded
)");
  std::vector<RepInfo> reps;
  for (int r = 0; r < 12; ++r)
    reps.push_back(Rep(absl::StrCat("r", r), {{"level", double(r % 5)}}));
  std::vector<BacktestStep> timeline;
  timeline.emplace_back(BacktestRoster{reps});
  for (int i = 0; i < 10000; ++i) {
    timeline.emplace_back(
        Lead(absl::StrCat("l", i), kMonday + i * 30, i + 1, (i * 37) % 100, "r0"));
  }
  InMemoryDecisionState state;
  const absl::Time start = absl::Now();
  const absl::StatusOr<BacktestResult> result = RunBacktest(program, timeline, state, {});
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->leads, 10000u);
  std::cout << "replayed 10000 leads over 12 reps in " << absl::FormatDuration(took) << "\n";
  EXPECT_LT(took, absl::Seconds(3));
}

}  // namespace
}  // namespace leadrouter::dsl
