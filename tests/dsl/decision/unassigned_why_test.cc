// Why a lead stayed without an owner (dsl/decision/unassigned_why.h), and how the explanation
// names `otherwise unassigned` (its own line and column, the one `otherwise (line N)` label) and
// an unpublished rule file (by its name, not `v0`).
#include "dsl/decision/unassigned_why.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "decision_testing.h"

namespace leadrouter::dsl {
namespace {

using ::testing::HasSubstr;
using testing::Rep;
using testing::Router;

std::vector<Attribute> Source(const std::string& source) { return {{"source", source}}; }

RepInfo Away(RepInfo rep) {
  rep.status = RepStatus::kAway;
  return rep;
}

TEST(UnassignedWhy, NamesTheFilterThatRemovedMostRepsOfEachEmptiedRule) {
  Router router(
      "rule \"ads\"\n  when source == \"ads\"\n  cap 1/day\n"
      "rule \"seniors\"\n  when source == \"ads\"\n  require level >= 3\n"
      "\notherwise unassigned\n",
      {Rep("a", {{"level", 1.0}}), Rep("b", {{"level", 1.0}}), Away(Rep("c", {{"level", 5.0}}))});
  EXPECT_EQ(router.Assign(Source("ads")), "a");
  EXPECT_EQ(router.Assign(Source("ads")), "b");
  const Decision third = router.DecideOnly(Source("ads"));
  EXPECT_EQ(third.outcome, Outcome::kUnassigned);
  EXPECT_EQ(UnassignedWhy(third.explanation),
            "rule \"ads\": cap 1/day reached (2 of 3 reps); "
            "rule \"seniors\": require failed: level >= 3 (2 of 3 reps); otherwise unassigned");

  const Decision web = router.DecideOnly(Source("web"));
  EXPECT_EQ(UnassignedWhy(web.explanation), "otherwise unassigned");
}

TEST(UnassignedWhy, EmptyForAnAssignedLeadAndNoRuleMatchedWithoutOtherwise) {
  Router router("rule \"ads\" when source == \"ads\"", {Rep("a")});
  EXPECT_EQ(UnassignedWhy(router.DecideOnly(Source("ads")).explanation), "");
  EXPECT_EQ(UnassignedWhy(router.DecideOnly(Source("web")).explanation), "no rule matched");
}

TEST(OtherwiseUnassigned, CarriesItsPositionAndTheOneOtherwiseLabel) {
  Router router("rule \"ads\"\n  when source == \"ads\"\n\n  otherwise unassigned\n", {Rep("a")});
  const Decision d = router.DecideOnly(Source("web"));
  ASSERT_EQ(d.explanation.rules.size(), 2u);
  const RuleRef& otherwise = d.explanation.rules.back().rule;
  EXPECT_TRUE(otherwise.otherwise);
  EXPECT_EQ(otherwise.label, "otherwise (line 4)");
  EXPECT_EQ(otherwise.start.line, 4u);
  EXPECT_EQ(otherwise.start.column, 3u);
  EXPECT_EQ(router.program().otherwise_label(), "otherwise (line 4)");

  Router fallback("rule \"ads\" when source == \"ads\"\notherwise distribute round_robin\n",
                  {Rep("a")});
  EXPECT_EQ(fallback.program().fallback()->label, "otherwise (line 2)");
}

TEST(Explanation, NamesTheRuleFileOfADryRunInsteadOfVersionZero) {
  Router router("rule \"ads\" when source == \"ads\"", {Rep("a")});
  const Decision d = router.DecideOnly(Source("ads"));
  EXPECT_EQ(d.explanation.rules_file, "test.rules");
  EXPECT_THAT(RenderExplanationText(d.explanation), HasSubstr(", rules test.rules)"));
  Explanation published = d.explanation;
  published.rule_version = 3;
  EXPECT_THAT(RenderExplanationText(published), HasSubstr(", rules v3)"));
}

}  // namespace
}  // namespace leadrouter::dsl
