// Explanations of decisions: what they say and how large they grow.
#include "dsl/decision/explanation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "decision_testing.h"

namespace leadrouter::dsl {
namespace {

using ::testing::HasSubstr;
using testing::Rep;
using testing::Router;

TEST(Explanation, RoundRobinSaysWhoWaitedLongest) {
  Router r("rule \"all\" when true distribute round_robin", {Rep("a"), Rep("b")});
  r.AssignMany(2);
  const Decision d = r.DecideOnly({});
  ASSERT_TRUE(d.explanation.rules[0].strategy.has_value());
  const std::string message = StrategyMessage(d.explanation, *d.explanation.rules[0].strategy);
  EXPECT_THAT(message, HasSubstr("waited longest: last chosen 2026-01-01T10:00:0"));
  EXPECT_THAT(RenderExplanationText(d.explanation), HasSubstr("<- picked"));
}

TEST(Explanation, StaysCompactWithAThousandReps) {
  std::vector<RepInfo> reps;
  for (int i = 0; i < 1000; ++i) {
    reps.push_back(Rep("rep" + std::to_string(i), {{"level", static_cast<double>(i % 5)}}));
  }
  Router r("rule \"senior\" when true require level >= 4 cap 5/day", reps);
  const Decision d = r.DecideOnly({});
  const RuleTrace& t = d.explanation.rules[0];
  ASSERT_EQ(t.candidates.size(), 1000u);
  EXPECT_EQ(t.require_conjuncts.size(), 1u);  // the conjunct text is stored once per rule
  size_t removed = 0;
  for (const CandidateTrace& c : t.candidates) {
    if (c.removed == RemovalReason::kRequireFailed) {
      ++removed;
      EXPECT_LE(c.value.size(), 15u);  // fits std::string's inline buffer
    }
  }
  EXPECT_EQ(removed, 800u);
  EXPECT_EQ(t.strategy->tie_group.size(), 200u);
}

}  // namespace
}  // namespace leadrouter::dsl
