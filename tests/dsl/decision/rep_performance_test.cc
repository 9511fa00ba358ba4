// Rep performance: the shrinkage toward team and organisation (hand-computed figures, k = 10),
// the ledger's window and SLA rules, and the decision reading the figures as rep fields.
#include "dsl/decision/rep_performance.h"

#include <gtest/gtest.h>

#include <vector>

#include "dsl/decision/performance_ledger.h"
#include "dsl/decision/performance_state.h"
#include "tests/dsl/decision/decision_testing.h"

namespace leadrouter::dsl {
namespace {

constexpr double kK = 10;
constexpr int64_t kHourUs = int64_t{3600} * 1'000'000;

OutcomeTally Closed(int64_t converted, int64_t closed) {
  OutcomeTally tally;
  tally.converted = converted;
  tally.closed = closed;
  return tally;
}

TEST(RepPerformanceTest, NewcomerWhoConvertedBothLeadsIsWellBelowHundredPercent) {
  const OutcomeTally newcomer = Closed(2, 2);
  const OutcomeTally veteran = Closed(10, 20);
  const std::vector<RepOutcomes> reps = {{"east", &newcomer}, {"east", &veteran}};
  const std::vector<RepPerformance> figures = PerformanceOf(reps, kK);
  // org  = (12 + 10 * 0.5) / (22 + 10)        = 17 / 32       = 0.53125
  // team = (12 + 10 * 0.53125) / (22 + 10)    = 17.3125 / 32  = 0.541015625
  // rep  = (2 + 10 * 0.541015625) / (2 + 10)  = 7.41015625 / 12
  EXPECT_NEAR(figures[0].conversion_rate, 7.41015625 / 12, 1e-12);
  EXPECT_LT(figures[0].conversion_rate, 0.62);
  // veteran = (10 + 5.41015625) / 30
  EXPECT_NEAR(figures[1].conversion_rate, 15.41015625 / 30, 1e-12);
}

TEST(RepPerformanceTest, NewcomerWhoLostBothLeadsIsWellAboveZero) {
  const OutcomeTally newcomer = Closed(0, 2);
  const OutcomeTally veteran = Closed(10, 20);
  const std::vector<RepOutcomes> reps = {{"east", &newcomer}, {"east", &veteran}};
  const std::vector<RepPerformance> figures = PerformanceOf(reps, kK);
  // org = 15 / 32 = 0.46875; team = (10 + 4.6875) / 32 = 0.458984375; rep = 4.58984375 / 12
  EXPECT_NEAR(figures[0].conversion_rate, 4.58984375 / 12, 1e-12);
  EXPECT_GT(figures[0].conversion_rate, 0.38);
}

TEST(RepPerformanceTest, NoFactsFallBackToTeamThenOrganisationThenNeutral) {
  const OutcomeTally east = Closed(8, 10);
  const std::vector<RepOutcomes> reps = {
      {"east", &east}, {"east", nullptr}, {"west", nullptr}, {"", nullptr}};
  const std::vector<RepPerformance> figures = PerformanceOf(reps, kK);
  const double org = (8 + 10 * 0.5) / 20.0;            // 0.65
  const double team = (8 + 10 * org) / 20.0;           // 0.725
  EXPECT_DOUBLE_EQ(figures[1].conversion_rate, team);  // no facts: the team's figure
  EXPECT_DOUBLE_EQ(figures[2].conversion_rate, org);   // a team without facts: the organisation's
  EXPECT_DOUBLE_EQ(figures[3].conversion_rate, org);   // no team: the organisation's
  // Nobody has SLA or contact facts: those stay neutral everywhere.
  EXPECT_DOUBLE_EQ(figures[0].sla_compliance, kNeutralPerformance.sla_compliance);
  EXPECT_DOUBLE_EQ(figures[0].median_first_contact_hours,
                   kNeutralPerformance.median_first_contact_hours);

  const std::vector<RepOutcomes> empty = {{"east", nullptr}};
  EXPECT_EQ(PerformanceOf(empty, kK)[0], kNeutralPerformance);
}

TEST(RepPerformanceTest, ShrinksMedianAndSlaTowardThePrior) {
  OutcomeTally own;
  own.first_contact_us = {5 * kHourUs, 1 * kHourUs, 3 * kHourUs};  // median 3 hours
  own.sla_met = 1;
  own.sla_decided = 2;
  const RepPerformance prior{0.5, 4.0, 0.9};
  const RepPerformance shrunk = Shrink(own, prior, kK);
  EXPECT_DOUBLE_EQ(shrunk.median_first_contact_hours, (3 * 3.0 + 10 * 4.0) / 13);
  EXPECT_DOUBLE_EQ(shrunk.sla_compliance, (1 + 10 * 0.9) / 12);
  EXPECT_DOUBLE_EQ(shrunk.conversion_rate, 0.5);  // no closed lead: the prior
  // k = 0: the raw figures.
  EXPECT_DOUBLE_EQ(Shrink(own, prior, 0).median_first_contact_hours, 3);
  EXPECT_DOUBLE_EQ(Shrink(own, prior, 0).sla_compliance, 0.5);
}

TEST(RepPerformanceTest, MedianIsTheReportsNearestRankLowerMiddle) {
  OutcomeTally own;
  own.first_contact_us = {4 * kHourUs, 2 * kHourUs};
  EXPECT_DOUBLE_EQ(Shrink(own, kNeutralPerformance, 0).median_first_contact_hours, 2);
}

TEST(PerformanceLedgerTest, CountsTheOwnersOutcomesInsideTheWindow) {
  PerformanceLedger ledger;
  const int64_t t0 = 1'000 * kHourUs;
  const int64_t window = 24 * kHourUs;
  ledger.Assigned("l1", "ann", t0, t0 + 2 * kHourUs);
  ledger.FirstContact("l1", "ann", t0 + kHourUs / 2, /*within_sla=*/true);
  ledger.Closed("l1", /*converted=*/true);
  ledger.Assigned("l2", "ann", t0, t0 + 2 * kHourUs);  // never contacted

  const auto before_deadline = ledger.TalliesAt(t0 + kHourUs, window);
  const OutcomeTally& ann = before_deadline.at("ann");
  EXPECT_EQ(ann.converted, 1);
  EXPECT_EQ(ann.closed, 1);
  EXPECT_EQ(ann.sla_met, 1);
  EXPECT_EQ(ann.sla_decided, 1);  // l2's deadline is still ahead
  EXPECT_EQ(ann.first_contact_us, std::vector<int64_t>{kHourUs / 2});
  EXPECT_EQ(ledger.NextChangeAfter(t0 + kHourUs, window), t0 + 2 * kHourUs);

  const auto after_deadline = ledger.TalliesAt(t0 + 2 * kHourUs, window);
  EXPECT_EQ(after_deadline.at("ann").sla_decided, 2);  // l2 missed it
  EXPECT_EQ(after_deadline.at("ann").sla_met, 1);

  // Both leads started at t0: out of the window just after t0 + window.
  EXPECT_EQ(ledger.NextChangeAfter(t0 + 2 * kHourUs, window), t0 + window + 1);
  EXPECT_TRUE(ledger.TalliesAt(t0 + window, window).contains("ann"));
  EXPECT_FALSE(ledger.TalliesAt(t0 + window + 1, window).contains("ann"));
  ledger.Forget(t0 + 1);
  EXPECT_EQ(ledger.span_count(), 0u);
}

TEST(PerformanceLedgerTest, AReassignedLeadCountsForItsNewOwnerOnly) {
  PerformanceLedger ledger;
  ledger.Assigned("l1", "ann", 0, std::nullopt);
  ledger.Assigned("l1", "bob", 10, std::nullopt);
  ledger.FirstContact("l1", "ann", 20, false);  // not ann's lead any more
  ledger.FirstContact("l1", "bob", 30, false);
  ledger.FirstContact("l1", "bob", 40, false);  // the first contact counts once
  ledger.Closed("l1", false);
  const auto tallies = ledger.TalliesAt(100, 1000);
  EXPECT_EQ(tallies.at("ann").closed, 0);
  EXPECT_TRUE(tallies.at("ann").first_contact_us.empty());
  EXPECT_EQ(tallies.at("bob").closed, 1);
  EXPECT_EQ(tallies.at("bob").converted, 0);
  EXPECT_EQ(tallies.at("bob").first_contact_us, std::vector<int64_t>{20});
}

TEST(WithPerformanceTest, TheDecisionReadsTheFiguresAsRepFields) {
  testing::Router router(
      "rule \"best\"\n  when true\n  require sla_compliance > 0.8\n  prefer conversion_rate\n",
      {testing::Rep("ann"), testing::Rep("bob"), testing::Rep("cid")});
  // Without figures every rep has the neutral ones: a tie, broken by the strategy.
  const std::vector<RepPerformance> figures = {
      {0.4, 1, 0.9}, {0.6, 1, 0.95}, {0.9, 1, 0.5}};  // cid converts best but misses SLAs
  WithPerformance state(router.state(), router.roster().id_list().generation, figures);
  DecisionWorkspace workspace;
  const Record lead = router.program().BindLead({});
  absl::StatusOr<Decision> d = Decide(router.program(), lead, router.roster(), state,
                                      DecisionTime{100, 1}, PeriodCalendar(), {}, workspace);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->rep_id, "bob");

  // The same workspace with a state that has no figures: the roster's (neutral) values again.
  absl::StatusOr<Decision> plain = Decide(router.program(), lead, router.roster(), router.state(),
                                          DecisionTime{101, 2}, PeriodCalendar(), {}, workspace);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->explanation.rules.at(0).candidates.size(), 3u);
}

}  // namespace
}  // namespace leadrouter::dsl
