// Decide: filters, rule order, caps and determinism on small rosters.
#include "dsl/decision/decide.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "decision_testing.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::StatusIs;
using testing::Count;
using ::testing::HasSubstr;
using testing::Lead;
using testing::Rep;
using testing::Router;
using testing::ThreeReps;
using testing::WithStatus;

// ---------------------------------------------------------------------------------------------
// Filters

TEST(Filters, AwayAndOffRepsNeverReceive) {
  Router r(
      "rule \"all\" when true distribute least_loaded",
      {Rep("a"), WithStatus(Rep("b"), RepStatus::kAway), WithStatus(Rep("c"), RepStatus::kOff)});
  EXPECT_EQ(Count(r.AssignMany(5)), (std::map<std::string, int>{{"a", 5}}));
  const Decision d = r.DecideOnly({});
  EXPECT_EQ(
      RemovalMessage(d.explanation, d.explanation.rules[0], d.explanation.rules[0].candidates[1]),
      "status away");
  EXPECT_EQ(
      RemovalMessage(d.explanation, d.explanation.rules[0], d.explanation.rules[0].candidates[2]),
      "status off");
}

TEST(Filters, TeamAndRequire) {
  RepInfo a = Rep("a", {{"level", 1.0}});
  a.team = "smb";
  RepInfo b = Rep("b", {{"level", 4.0}});
  b.team = "enterprise";
  RepInfo c = Rep("c", {{"level", 1.0}});
  c.team = "enterprise";
  Router r("rule \"ent\" when true team \"enterprise\" require level >= 3", {a, b, c});
  const Decision d = r.DecideOnly({});
  EXPECT_EQ(d.rep_id, "b");
  const RuleTrace& t = d.explanation.rules[0];
  EXPECT_EQ(RemovalMessage(d.explanation, t, t.candidates[0]), "not in team \"enterprise\"");
  EXPECT_EQ(RemovalMessage(d.explanation, t, t.candidates[2]),
            "require failed: level >= 3 (level = 1)");
}

TEST(Filters, RequireNamesTheFirstFailingConjunct) {
  Router r("rule \"tech\" when true require level >= 1 and skill(\"tech\") >= 3",
           {Rep("a", {{"level", 2.0}, {"skills", SkillMap{{"sales", 4}}}})});
  const Decision d = r.DecideOnly({});
  const RuleTrace& t = d.explanation.rules[0];
  EXPECT_EQ(RemovalMessage(d.explanation, t, t.candidates[0]),
            "require failed: skill(\"tech\") >= 3 (skill(\"tech\") = 0)");
}

TEST(Filters, ExcludedByTheCall) {
  Router r("rule \"all\" when true distribute least_loaded", ThreeReps());
  const Decision d = r.DecideOnly({}, -1, {"a", "c", "nobody"});
  EXPECT_EQ(d.rep_id, "b");
  EXPECT_EQ(d.explanation.rules[0].candidates[0].removed, RemovalReason::kExcluded);
  EXPECT_EQ(
      RemovalMessage(d.explanation, d.explanation.rules[0], d.explanation.rules[0].candidates[0]),
      "excluded by the call");
}

TEST(Filters, RepDailyCapAndMaxOpen) {
  RepInfo a = Rep("a");
  a.daily_cap = 2;
  RepInfo b = Rep("b");
  b.max_open = 3;
  Router r("rule \"all\" when true distribute least_loaded", {a, b});
  EXPECT_EQ(Count(r.AssignMany(5)), (std::map<std::string, int>{{"a", 2}, {"b", 3}}));
  const Decision d = r.DecideOnly({});
  EXPECT_EQ(d.outcome, Outcome::kUnassigned);
  EXPECT_EQ(d.unassigned_reason, UnassignedReason::kNoEligibleRep);
  const RuleTrace& t = d.explanation.rules[0];
  EXPECT_EQ(RemovalMessage(d.explanation, t, t.candidates[0]),
            "rep daily_cap reached (2 of 2 today)");
  EXPECT_EQ(RemovalMessage(d.explanation, t, t.candidates[1]),
            "rep max_open reached (3 of 3 open)");
}

// ---------------------------------------------------------------------------------------------
// Rule order, fall-through and otherwise

TEST(Rules, FirstMatchingRuleWithAnEligibleRepDecides) {
  Router r(R"(
rule "hot" when quality >= 80 require level >= 5
rule "warm" when quality >= 50
)",
           {Rep("a", {{"level", 2.0}})});
  const Decision d = r.DecideOnly(Lead(90));
  EXPECT_EQ(d.rep_id, "a");
  EXPECT_EQ(d.rule_label, "warm");
  ASSERT_EQ(d.explanation.rules.size(), 2u);
  EXPECT_EQ(d.explanation.rules[0].result, RuleResult::kNoEligibleRep);
  EXPECT_EQ(d.explanation.rules[1].result, RuleResult::kDecided);
}

TEST(Rules, NotMatchedNamesTheFirstFalseConjunct) {
  Router r(R"(rule "ads" when source == "ads" and quality > 80
otherwise distribute least_loaded)",
           {Rep("a")});
  const Decision d = r.DecideOnly({{"source", std::string("ads")}, {"quality", 20.0}});
  ASSERT_TRUE(d.explanation.rules[0].when.has_value());
  EXPECT_EQ(d.explanation.rules[0].when->text, "quality > 80");
  EXPECT_EQ(d.explanation.rules[0].when->subject_value, "20");
  EXPECT_EQ(d.rule_index, 1u);  // otherwise
  EXPECT_EQ(d.rule_key, "otherwise");
}

TEST(Rules, OtherwiseUnassignedAndNoOtherwise) {
  Router unassigned("rule \"ads\" when source == \"ads\"\notherwise unassigned", {Rep("a")});
  Decision d = unassigned.DecideOnly({{"source", std::string("web")}});
  EXPECT_EQ(d.outcome, Outcome::kUnassigned);
  EXPECT_EQ(d.unassigned_reason, UnassignedReason::kOtherwiseUnassigned);
  EXPECT_FALSE(d.delta.has_value());

  Router none("rule \"ads\" when source == \"ads\"", {WithStatus(Rep("a"), RepStatus::kAway)});
  EXPECT_EQ(none.DecideOnly({{"source", std::string("web")}}).unassigned_reason,
            UnassignedReason::kNoRuleMatched);
  EXPECT_EQ(none.DecideOnly({{"source", std::string("ads")}}).unassigned_reason,
            UnassignedReason::kNoEligibleRep);
}

// ---------------------------------------------------------------------------------------------
// Caps

TEST(Caps, DayWeekMonthBoundariesInUtc) {
  // 2026-01-04 is a Sunday; 2026-01-31 a Saturday.
  Router day("rule \"r\" when true cap 1/day", {Rep("a")});
  EXPECT_EQ(day.Assign({}, 1767571140), "a");  // 2026-01-04T23:59:00Z
  EXPECT_EQ(day.Assign({}, 1767571150), "");   // same day
  EXPECT_EQ(day.Assign({}, 1767571260), "a");  // 2026-01-05T00:01:00Z

  Router week("rule \"r\" when true cap 2/week", {Rep("a")});
  EXPECT_EQ(week.Assign({}, 1767139200), "a");  // Wed 2025-12-31
  EXPECT_EQ(week.Assign({}, 1767571140), "a");  // Sun 2026-01-04 23:59 (same ISO week)
  EXPECT_EQ(week.Assign({}, 1767571150), "");
  EXPECT_EQ(week.Assign({}, 1767571260), "a");  // Mon 2026-01-05 00:01: a new week

  Router month("rule \"r\" when true cap 1/month", {Rep("a")});
  EXPECT_EQ(month.Assign({}, 1769903940), "a");  // 2026-01-31T23:59:00Z
  EXPECT_EQ(month.Assign({}, 1769903950), "");
  EXPECT_EQ(month.Assign({}, 1769904060), "a");  // 2026-02-01T00:01:00Z
}

TEST(Caps, OpenCapAndCreditBack) {
  Router r("rule \"r\" when true cap 2 open", {Rep("a")});
  Decision first = r.DecideOnly({});
  r.state().Apply(*first.delta);
  EXPECT_EQ(r.Assign({}), "a");
  const Decision blocked = r.DecideOnly({});
  EXPECT_EQ(blocked.outcome, Outcome::kUnassigned);
  EXPECT_EQ(RemovalMessage(blocked.explanation, blocked.explanation.rules[0],
                           blocked.explanation.rules[0].candidates[0]),
            "cap 2 open reached (2 of 2)");
  r.state().Apply(Closed(*first.delta));
  EXPECT_EQ(r.Assign({}), "a");
}

TEST(Caps, CreditBackReopensTheDailyCap) {
  Router r("rule \"r\" when true cap 1/day", {Rep("a")});
  const Decision d = r.DecideOnly({}, 1767261600);
  r.state().Apply(*d.delta);
  EXPECT_EQ(r.Assign({}), "");
  r.state().Apply(CreditBack(*d.delta));
  EXPECT_EQ(r.Assign({}), "a");
}

// ---------------------------------------------------------------------------------------------
// Determinism

TEST(Determinism, SameInputsSameDecisions) {
  const std::string rules = R"(
rule "hot" when quality >= 80 prefer level distribute balanced(quality) cap 3/day
rule "rest" when true distribute least_loaded
)";
  const std::vector<RepInfo> reps = {Rep("a", {{"level", 2.0}}), Rep("b", {{"level", 3.0}}),
                                     Rep("c", {{"level", 3.0}}), Rep("d", {{"level", 1.0}})};
  Router one(rules, reps), two(rules, reps);
  for (int i = 0; i < 50; ++i) {
    const auto lead = Lead((i * 37) % 100);
    const Decision x = one.DecideOnly(lead), y = two.DecideOnly(lead);
    EXPECT_EQ(x.rep_id, y.rep_id);
    EXPECT_EQ(RenderExplanationJson(x.explanation), RenderExplanationJson(y.explanation));
    if (x.delta) one.state().Apply(*x.delta);
    if (y.delta) two.state().Apply(*y.delta);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(Decide, RosterBoundToAnotherProgramIsAnError) {
  Router a("rule \"a\" when true distribute round_robin", {Rep("x")});
  Router b("rule \"b\" when true distribute round_robin", {Rep("x")});
  InMemoryDecisionState state;
  DecisionWorkspace ws;
  const Record lead = a.program().BindLead({});
  EXPECT_THAT(
      Decide(a.program(), lead, b.roster(), state, DecisionTime{0, 1}, PeriodCalendar(), {}, ws),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another program")));
}

}  // namespace
}  // namespace leadrouter::dsl

namespace leadrouter::dsl {
namespace {

using testing::Rep;
using testing::Router;

// A rule with `review` proposes instead of assigning: the same pick, the same counts moved (so its
// caps hold while the proposal waits), the explanation marked; `review when` only for the leads
// its condition holds for; a rule without review assigns.
TEST(Review, AProposalPicksAndCountsLikeAnAssignment) {
  Router r(
      "rule \"big\" when source == \"big\" review when value >= 1000 cap 1/day\n"
      "rule \"rest\" when true\n",
      {Rep("a"), Rep("b")});
  const Decision proposal = r.DecideOnly({{"source", std::string("big")}, {"value", 5000.0}});
  EXPECT_EQ(proposal.outcome, Outcome::kPendingReview);
  EXPECT_TRUE(PicksRep(proposal.outcome));
  ASSERT_TRUE(proposal.delta.has_value());
  EXPECT_FALSE(proposal.rep_id.empty());
  EXPECT_TRUE(proposal.explanation.rules.back().review);
  EXPECT_EQ(proposal.explanation.outcome, Outcome::kPendingReview);
  EXPECT_NE(SummaryText(proposal.explanation).find("pending review"), std::string::npos)
      << SummaryText(proposal.explanation);

  // Two proposals fill both reps' `cap 1/day`: a third big lead finds nobody under the cap and
  // falls through to "rest", which assigns.
  r.Assign({{"source", std::string("big")}, {"value", 5000.0}});
  r.Assign({{"source", std::string("big")}, {"value", 5000.0}});
  const Decision third = r.DecideOnly({{"source", std::string("big")}, {"value", 5000.0}});
  EXPECT_EQ(third.outcome, Outcome::kAssigned);
  EXPECT_EQ(third.rule_label, "rest");

  const Decision small = r.DecideOnly({{"source", std::string("web")}, {"value", 10.0}});
  EXPECT_EQ(small.outcome, Outcome::kAssigned);
  EXPECT_FALSE(small.explanation.rules.back().review);
}

TEST(Review, ReviewWhenFalseAssigns) {
  Router r("rule \"big\" when true review when value >= 1000\n", {Rep("a")});
  const Decision d = r.DecideOnly({{"value", 10.0}});
  EXPECT_EQ(d.outcome, Outcome::kAssigned);
  EXPECT_FALSE(d.explanation.rules.back().review);
}

}  // namespace
}  // namespace leadrouter::dsl
