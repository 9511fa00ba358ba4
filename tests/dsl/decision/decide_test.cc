// Decide: filters, caps, strategies, periods and explanations on small rosters.
#include "dsl/decision/decide.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "decision_testing.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Lead;
using testing::Rep;
using testing::Router;

std::vector<RepInfo> ThreeReps() { return {Rep("a"), Rep("b"), Rep("c")}; }

RepInfo WithStatus(RepInfo rep, RepStatus status) {
  rep.status = status;
  return rep;
}

std::map<std::string, int> Count(const std::vector<std::string>& picks) {
  std::map<std::string, int> counts;
  for (const std::string& p : picks) ++counts[p];
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Round robin

TEST(RoundRobin, CyclesInAFixedOrder) {
  Router r("rule \"all\" when true distribute round_robin", ThreeReps());
  const std::vector<std::string> picks = r.AssignMany(9);
  EXPECT_EQ(std::set<std::string>(picks.begin(), picks.begin() + 3),
            (std::set<std::string>{"a", "b", "c"}));
  for (size_t i = 3; i < picks.size(); ++i) EXPECT_EQ(picks[i], picks[i % 3]) << i;
}

TEST(RoundRobin, IsTheDefaultStrategy) {
  Router explicit_rr("rule \"all\" when true distribute round_robin", ThreeReps());
  Router implicit_rr("rule \"all\" when true require true", ThreeReps());
  EXPECT_EQ(Count(implicit_rr.AssignMany(9)),
            (std::map<std::string, int>{{"a", 3}, {"b", 3}, {"c", 3}}));
}

TEST(RoundRobin, RosterOrderDoesNotMatter) {
  Router sorted("rule \"all\" when true distribute round_robin",
                {Rep("a"), Rep("b"), Rep("c"), Rep("d")});
  Router shuffled("rule \"all\" when true distribute round_robin",
                  {Rep("c"), Rep("a"), Rep("d"), Rep("b")});
  EXPECT_EQ(sorted.AssignMany(12), shuffled.AssignMany(12));
}

TEST(RoundRobin, NeverChosenTiesDependOnRuleNotOnListing) {
  // Two rules with different keys order never-chosen reps differently (hash of rep id and rule):
  // the first-listed rep is not systematically first.
  std::set<std::string> firsts;
  for (const std::string name : {"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"}) {
    Router r("rule \"" + name + "\" when true distribute round_robin", ThreeReps());
    firsts.insert(r.Assign({}));
  }
  EXPECT_GT(firsts.size(), 1u);
}

TEST(RoundRobin, AddingARepDoesNotResetTurns) {
  Router r("rule \"all\" when true distribute round_robin", ThreeReps());
  const std::vector<std::string> before = r.AssignMany(6);
  r.Rebind({Rep("a"), Rep("b"), Rep("c"), Rep("d")});
  const std::vector<std::string> after = r.AssignMany(8);
  // The newcomer has waited longest; then the old order continues where it was.
  EXPECT_THAT(after, ElementsAre("d", before[0], before[1], before[2], "d", before[0], before[1],
                                 before[2]));
}

TEST(RoundRobin, RemovingARepKeepsTheOthersOrder) {
  Router r("rule \"all\" when true distribute round_robin", ThreeReps());
  const std::vector<std::string> before = r.AssignMany(3);
  std::vector<RepInfo> rest;
  for (const std::string& id : {before[0], before[2]}) rest.push_back(Rep(id));
  r.Rebind(rest);
  EXPECT_THAT(r.AssignMany(4), ElementsAre(before[0], before[2], before[0], before[2]));
}

TEST(RoundRobin, ReturningRepIsNotFlooded) {
  Router r("rule \"all\" when true distribute round_robin", ThreeReps());
  r.AssignMany(3);
  r.Rebind({Rep("a"), WithStatus(Rep("b"), RepStatus::kAway), Rep("c")});
  const std::vector<std::string> away = r.AssignMany(20);
  EXPECT_EQ(Count(away).count("b"), 0u);
  r.Rebind(ThreeReps());
  const std::vector<std::string> back = r.AssignMany(9);
  EXPECT_EQ(back[0], "b");  // waited longest: one lead at once
  EXPECT_EQ(Count(back), (std::map<std::string, int>{{"a", 3}, {"b", 3}, {"c", 3}}));
}

TEST(RoundRobin, BulkArrivalsAtOneTimestampStillSpread) {
  Router r("rule \"all\" when true distribute round_robin", ThreeReps());
  std::vector<std::string> picks;
  for (int i = 0; i < 30; ++i) picks.push_back(r.Assign({}, /*at=*/1767261600));
  EXPECT_EQ(Count(picks), (std::map<std::string, int>{{"a", 10}, {"b", 10}, {"c", 10}}));
}

// ---------------------------------------------------------------------------------------------
// Other strategies

TEST(LeastLoaded, ThirtyLeadsToThreeIdenticalRepsGiveTenEach) {
  Router r("rule \"all\" when true distribute least_loaded", ThreeReps());
  Router shuffled("rule \"all\" when true distribute least_loaded", {Rep("c"), Rep("a"), Rep("b")});
  const std::vector<std::string> picks = r.AssignMany(30);
  EXPECT_EQ(Count(picks), (std::map<std::string, int>{{"a", 10}, {"b", 10}, {"c", 10}}));
  EXPECT_EQ(shuffled.AssignMany(30), picks);
}

TEST(LeastLoaded, PicksTheRepWithFewestOpenLeads) {
  Router r("rule \"all\" when true distribute least_loaded", ThreeReps());
  for (int i = 0; i < 4; ++i) {
    StateDelta d;
    d.rep_id = i < 3 ? "a" : "b";
    d.rule_key = "elsewhere";
    d.open = 1;
    r.state().Apply(d);
  }
  EXPECT_EQ(r.Assign({}), "c");
  EXPECT_EQ(r.Assign({}), "b");  // b 1, c 1: b waited longest (never chosen), c was just chosen
}

TEST(Balanced, EvensOutQualityNotCount) {
  Router r("rule \"all\" when true distribute balanced(quality)", {Rep("x"), Rep("y")});
  const std::string first = r.Assign(Lead(90));
  const std::string other = first == "x" ? "y" : "x";
  EXPECT_EQ(r.Assign(Lead(10)), other);  // 0 < 90
  EXPECT_EQ(r.Assign(Lead(10)), other);  // 10 < 90
  EXPECT_EQ(r.Assign(Lead(90)), other);  // 20 < 90
  EXPECT_EQ(r.Assign(Lead(50)), first);  // 90 < 110
}

TEST(Balanced, MissingQualityCountsZero) {
  Router r("rule \"all\" when true distribute balanced(quality)", {Rep("x"), Rep("y")});
  const std::string first = r.Assign({});
  EXPECT_NE(r.Assign({}), first);  // sums equal (0): round-robin order
}

TEST(Weighted, SmoothSharesFiveOneOne) {
  Router r("rule \"all\" when true distribute weighted(weight)",
           {Rep("a", {{"weight", 5.0}}), Rep("b", {{"weight", 1.0}}), Rep("c", {{"weight", 1.0}})});
  const std::vector<std::string> picks = r.AssignMany(14);
  std::string all;
  for (const std::string& p : picks) all += p;
  SCOPED_TRACE(all);
  for (const size_t i : {0, 1, 3, 5, 6, 7, 8, 10, 12, 13}) EXPECT_EQ(picks[i], "a") << i;
  EXPECT_EQ((std::set<std::string>{picks[2], picks[4]}), (std::set<std::string>{"b", "c"}));
  EXPECT_EQ((std::set<std::string>{picks[9], picks[11]}), (std::set<std::string>{"b", "c"}));
}

TEST(Weighted, ExactSharesOverManyCycles) {
  Router r("rule \"all\" when true distribute weighted(level)",
           {Rep("a", {{"level", 3.0}}), Rep("b", {{"level", 2.0}}), Rep("c", {{"level", 1.0}})});
  EXPECT_EQ(Count(r.AssignMany(600)),
            (std::map<std::string, int>{{"a", 300}, {"b", 200}, {"c", 100}}));
}

TEST(Weighted, RepWithoutPositiveWeightIsRemoved) {
  Router r("rule \"all\" when true distribute weighted(weight)",
           {Rep("a", {{"weight", 0.0}}), Rep("b"), Rep("c", {{"weight", 2.0}})});
  EXPECT_EQ(Count(r.AssignMany(5)), (std::map<std::string, int>{{"c", 5}}));
  const Decision d = r.DecideOnly({});
  ASSERT_EQ(d.explanation.rules.size(), 1u);
  EXPECT_EQ(d.explanation.rules[0].candidates[0].removed, RemovalReason::kNoWeight);
}

TEST(Sticky, OneAccountStaysWithOneRepAndRemovalMovesOnlyItsAccounts) {
  const std::string rules = "rule \"all\" when true distribute sticky(account)";
  std::vector<RepInfo> reps = {Rep("a"), Rep("b"), Rep("c"), Rep("d")};
  Router r(rules, reps);
  std::map<std::string, std::string> owner;
  for (int round = 0; round < 3; ++round) {
    for (int account = 0; account < 40; ++account) {
      const std::string name = "acct" + std::to_string(account);
      const std::string rep = r.Assign({{"account", name}});
      if (round == 0) owner[name] = rep;
      EXPECT_EQ(rep, owner[name]);
    }
  }
  EXPECT_EQ(Count([&] {
              std::vector<std::string> v;
              for (const auto& [k, rep] : owner) v.push_back(rep);
              return v;
            }())
                .size(),
            4u);
  Router without_b(rules, {Rep("a"), Rep("c"), Rep("d")});
  for (const auto& [account, rep] : owner) {
    const std::string now = without_b.Assign({{"account", account}});
    if (rep != "b") {
      EXPECT_EQ(now, rep) << account;
    }
    EXPECT_NE(now, "b");
  }
}

TEST(Sticky, NullKeyFallsBackToRoundRobin) {
  Router r("rule \"all\" when true distribute sticky(account)", ThreeReps());
  EXPECT_EQ(Count(r.AssignMany(9)), (std::map<std::string, int>{{"a", 3}, {"b", 3}, {"c", 3}}));
}

TEST(Prefer, HigherKeysFirstThenStrategyAmongTheBest) {
  Router r("rule \"all\" when true prefer level distribute round_robin",
           {Rep("a", {{"level", 3.0}}), Rep("b", {{"level", 5.0}}), Rep("c", {{"level", 5.0}})});
  EXPECT_EQ(Count(r.AssignMany(6)), (std::map<std::string, int>{{"b", 3}, {"c", 3}}));
}

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
// Caps and periods

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

TEST(Periods, ShanghaiMidnight) {
  absl::StatusOr<PeriodCalendar> shanghai = PeriodCalendar::ForZone("Asia/Shanghai");
  ASSERT_OK(shanghai);
  Router r("rule \"r\" when true cap 1/day", {Rep("a")}, *shanghai);
  EXPECT_EQ(r.Assign({}, 1767628740), "a");  // 2026-01-05T15:59:00Z = 23:59 in Shanghai
  EXPECT_EQ(r.Assign({}, 1767628860), "a");  // 16:01Z = 00:01 next day in Shanghai
  Router utc("rule \"r\" when true cap 1/day", {Rep("a")});
  EXPECT_EQ(utc.Assign({}, 1767628740), "a");
  EXPECT_EQ(utc.Assign({}, 1767628860), "");  // the same UTC day
}

TEST(Periods, NewYorkAcrossDstChanges) {
  absl::StatusOr<PeriodCalendar> ny = PeriodCalendar::ForZone("America/New_York");
  ASSERT_OK(ny);
  // Spring forward on 2026-03-08: 23:59 EST on the 7th and 00:01 EST on the 8th.
  Router spring("rule \"r\" when true cap 1/day", {Rep("a")}, *ny);
  EXPECT_EQ(spring.Assign({}, 1772945940), "a");  // 2026-03-08T04:59:00Z
  EXPECT_EQ(spring.Assign({}, 1772946060), "a");  // 2026-03-08T05:01:00Z
  EXPECT_EQ(spring.Assign({}, 1773028740), "");   // 2026-03-09T03:59:00Z = 23:59 EDT on the 8th
  // Fall back on 2026-11-01: that local day lasts 25 hours.
  Router fall("rule \"r\" when true cap 1/day", {Rep("a")}, *ny);
  EXPECT_EQ(fall.Assign({}, 1793505540), "a");  // 2026-11-01T03:59:00Z = 23:59 EDT on Oct 31
  EXPECT_EQ(fall.Assign({}, 1793505660), "a");  // 04:01Z = 00:01 EDT on Nov 1
  EXPECT_EQ(fall.Assign({}, 1793593800), "");   // 2026-11-02T04:30:00Z = 23:30 EST on Nov 1
  EXPECT_EQ(fall.Assign({}, 1793595660), "a");  // 2026-11-02T05:01:00Z = 00:01 EST on Nov 2
}

TEST(Periods, WeeksStartOnMonday) {
  const PeriodCalendar utc;
  const PeriodIds sunday = utc.Locate(1767571140);  // Sun 2026-01-04
  const PeriodIds monday = utc.Locate(1767571260);  // Mon 2026-01-05
  EXPECT_EQ(monday.week, monday.day);
  EXPECT_EQ(sunday.week, monday.week - 7);
}

TEST(Periods, UnknownZoneIsAnError) {
  EXPECT_THAT(PeriodCalendar::ForZone("Mars/Olympus_Mons"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Mars/Olympus_Mons")));
  EXPECT_THAT(PeriodCalendar::ForZone(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown")));
}

TEST(Periods, ParseInstant) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(*ParseInstant("2026-01-05T00:01:00Z", utc), 1767571260);
  EXPECT_EQ(*ParseInstant("2026-01-05T08:01:00+08:00", utc), 1767571260);
  EXPECT_EQ(*ParseInstant("2026-01-05 00:01", utc), 1767571260);
  EXPECT_EQ(*ParseInstant("1767571260", utc), 1767571260);
  EXPECT_FALSE(ParseInstant("yesterday", utc).ok());
}

// ---------------------------------------------------------------------------------------------
// Determinism and explanations

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

TEST(Roster, RejectsDuplicateAndEmptyIds) {
  auto program = testing::CompileOrDie("rule \"a\" when true distribute round_robin");
  EXPECT_THAT(Roster::Bind(program, {Rep("x"), Rep("x")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  EXPECT_THAT(Roster::Bind(program, {Rep("")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

}  // namespace
}  // namespace leadrouter::dsl
