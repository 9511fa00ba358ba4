// The distribute strategies (round robin, least loaded, balanced, weighted, sticky) and prefer
// keys, through Decide on small rosters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "decision_testing.h"
#include "dsl/decision/decision_strategy.h"

namespace leadrouter::dsl {
namespace {

using testing::Count;
using ::testing::ElementsAre;
using testing::Lead;
using testing::Rep;
using testing::Router;
using testing::ThreeReps;
using testing::WithStatus;

// ---------------------------------------------------------------------------------------------
// Round robin

TEST(RoundRobin, CyclesInAFixedOrder) {
  Router r("rule \"all\" when true distribute round_robin", ThreeReps());
  const std::vector<std::string> picks = r.AssignMany(9);
  EXPECT_EQ(std::set<std::string>(picks.begin(), picks.begin() + 3),
            (std::set<std::string>{"a", "b", "c"}));
  for (size_t i = 3; i < picks.size(); ++i) EXPECT_EQ(picks[i], picks[i % 3]) << i;
}

// Nine leads on ThreeReps() in a state where the strategies disagree: "a" already holds three open
// leads from another rule, and the first lead has quality 90, the other eight 10. Round robin reads
// neither, so it gives 3 each in a fixed cycle. By hand, least_loaded gives b and c the first six
// (until their open counts reach a's 3), then one each: a 1, b 4, c 4; balanced(quality) gives the
// rep that took the 90 nothing more while the other two climb to 40 each: 1, 4, 4.
std::vector<std::string> AssignWhereStrategiesDisagree(Router& r) {
  for (int i = 0; i < 3; ++i) {
    StateDelta d;
    d.rep_id = "a";
    d.rule_key = "elsewhere";
    d.open = 1;
    r.state().Apply(d);
  }
  std::vector<std::string> picks = {r.Assign(Lead(90))};
  for (int i = 1; i < 9; ++i) picks.push_back(r.Assign(Lead(10)));
  return picks;
}

void ExpectRoundRobin(const std::vector<std::string>& picks) {
  EXPECT_EQ(Count(picks), (std::map<std::string, int>{{"a", 3}, {"b", 3}, {"c", 3}}));
  for (size_t i = 3; i < picks.size(); ++i) EXPECT_EQ(picks[i], picks[i % 3]) << i;
}

TEST(RoundRobin, IsTheDefaultStrategy) {
  Router explicit_rr("rule \"all\" when true distribute round_robin", ThreeReps());
  Router implicit_rr("rule \"all\" when true require true", ThreeReps());
  const std::vector<std::string> picks = AssignWhereStrategiesDisagree(implicit_rr);
  ExpectRoundRobin(picks);
  EXPECT_EQ(picks, AssignWhereStrategiesDisagree(explicit_rr));
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
  ExpectRoundRobin(AssignWhereStrategiesDisagree(r));  // the leads have no account
}

// ---------------------------------------------------------------------------------------------
// Prefer keys: the tie group the strategy picks from

TEST(Prefer, HigherKeysFirstThenStrategyAmongTheBest) {
  Router r("rule \"all\" when true prefer level distribute round_robin",
           {Rep("a", {{"level", 3.0}}), Rep("b", {{"level", 5.0}}), Rep("c", {{"level", 5.0}})});
  EXPECT_EQ(Count(r.AssignMany(6)), (std::map<std::string, int>{{"b", 3}, {"c", 3}}));
}

}  // namespace
}  // namespace leadrouter::dsl
