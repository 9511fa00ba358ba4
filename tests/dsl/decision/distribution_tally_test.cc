// dsl::DistributionTally and dsl::Gini: the one tally behind the dry runs' and the backtest's
// distributions.
#include "dsl/decision/distribution_tally.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/dsl/decision/decision_testing.h"

namespace leadrouter::dsl {
namespace {

using testing::CompileOrDie;

TEST(Gini, IsZeroWhenEvenAndGrowsWithTheGap) {
  EXPECT_DOUBLE_EQ(Gini({}), 0);
  EXPECT_DOUBLE_EQ(Gini({5}), 0);
  EXPECT_DOUBLE_EQ(Gini({3, 3, 3}), 0);
  EXPECT_DOUBLE_EQ(Gini({0, 0}), 0);
  EXPECT_DOUBLE_EQ(Gini({0, 1}), 0.5);
  // Mean absolute difference over all ordered pairs / (2 * mean): (2+4+2)*2/9 / (2*2) = 2/9.
  EXPECT_NEAR(Gini({1, 2, 3}), 2.0 / 9.0, 1e-12);
  EXPECT_NEAR(Gini({3, 1, 2}), 2.0 / 9.0, 1e-12);
}

TEST(DistributionTally, CountsQualityAsTheCountersDo) {
  const auto program = CompileOrDie("rule \"all\" when true");
  DistributionTally tally(3, 80);
  tally.AddGiven(0, Outcome::kAssigned, program->BindLead({{"quality", 90.0}, {"value", 1000.0}}));
  tally.AddGiven(0, Outcome::kPendingReview, program->BindLead({{"quality", 80.0}}));
  tally.AddGiven(1, Outcome::kAssigned, program->BindLead({}));  // no quality, no value
  tally.AddGiven(1, Outcome::kAssigned, program->BindLead({{"quality", -5.0}}));
  tally.AddUnassigned(UnassignedReason::kNoEligibleRep);
  tally.AddUnassigned(UnassignedReason::kNoEligibleRep);
  tally.AddUnassigned(UnassignedReason::kNoRuleMatched);

  EXPECT_EQ(tally.assigned(), 4u);
  EXPECT_EQ(tally.pending_review(), 1u);
  EXPECT_EQ(tally.unassigned(), 3u);
  EXPECT_EQ(tally.unassigned_by_reason()[static_cast<size_t>(UnassignedReason::kNoEligibleRep)],
            2u);
  EXPECT_EQ(tally.unassigned_by_reason()[static_cast<size_t>(UnassignedReason::kNoRuleMatched)],
            1u);

  const RepTally& first = tally.reps()[0];
  EXPECT_EQ(first.count, 2);
  EXPECT_DOUBLE_EQ(first.quality_sum, 170);
  EXPECT_DOUBLE_EQ(first.quality_mean(), 85);
  EXPECT_EQ(first.high_quality, 2);  // the threshold itself is high quality
  EXPECT_DOUBLE_EQ(first.high_quality_share(), 1);
  EXPECT_DOUBLE_EQ(first.value_sum, 1000);

  const RepTally& second = tally.reps()[1];
  EXPECT_EQ(second.count, 2);
  EXPECT_DOUBLE_EQ(second.quality_sum, 0);  // missing and negative quality count 0
  EXPECT_DOUBLE_EQ(second.quality_mean(), 0);
  EXPECT_EQ(second.high_quality, 0);

  EXPECT_EQ(tally.reps()[2].count, 0);
  EXPECT_DOUBLE_EQ(tally.reps()[2].quality_mean(), 0);
}

TEST(DistributionTally, FairnessCountsOnlyTheRepsAskedFor) {
  const auto program = CompileOrDie("rule \"all\" when true");
  DistributionTally tally(3, 80);
  tally.AddGiven(0, Outcome::kAssigned, program->BindLead({{"quality", 50.0}}));
  tally.AddGiven(1, Outcome::kAssigned, program->BindLead({{"quality", 50.0}}));

  const Fairness even = tally.FairnessOver({true, true, false});
  EXPECT_EQ(even.reps, 2u);
  EXPECT_DOUBLE_EQ(even.gini_count, 0);
  EXPECT_DOUBLE_EQ(even.gini_quality, 0);

  const Fairness all = tally.FairnessOver({true, true, true});
  EXPECT_EQ(all.reps, 3u);
  EXPECT_NEAR(all.gini_count, Gini({1, 1, 0}), 1e-12);
  EXPECT_GT(all.gini_count, 0);
}

}  // namespace
}  // namespace leadrouter::dsl
