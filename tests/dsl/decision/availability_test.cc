// Availability: a rep's status and own caps, as the decision and the manual reassign both see them;
// and the delta of an assignment, manual or decided.
#include "dsl/decision/availability.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "decision_testing.h"
#include "dsl/decision/decision_state.h"

namespace leadrouter::dsl {
namespace {

using testing::Lead;
using testing::Rep;
using testing::Router;

RepInfo Capped(std::optional<int64_t> daily_cap, std::optional<int64_t> max_open,
               RepStatus status = RepStatus::kActive) {
  RepInfo rep = Rep("ana");
  rep.daily_cap = daily_cap;
  rep.max_open = max_open;
  rep.status = status;
  return rep;
}

RepCounters Counts(int64_t today, int64_t open) {
  RepCounters counters;
  counters.assigned_day = today;
  counters.open = open;
  return counters;
}

TEST(Availability, AnActiveRepWithoutCapsIsAvailable) {
  const Availability availability = CheckAvailability(Capped({}, {}), Counts(500, 500));
  EXPECT_TRUE(availability.available());
  EXPECT_EQ(AvailabilityMessage(availability), "");
}

TEST(Availability, AwayAndOffAreUnavailableWhateverTheCounters) {
  const Availability away = CheckAvailability(Capped({}, {}, RepStatus::kAway), Counts(0, 0));
  EXPECT_EQ(away.reason, RemovalReason::kStatusAway);
  EXPECT_EQ(AvailabilityMessage(away), "status away");
  const Availability off = StatusAvailability(Capped({}, {}, RepStatus::kOff));
  EXPECT_EQ(off.reason, RemovalReason::kStatusOff);
  EXPECT_EQ(AvailabilityMessage(off), "status off");
  // The status comes first: an away rep at its cap is reported away.
  EXPECT_EQ(CheckAvailability(Capped(1, 1, RepStatus::kAway), Counts(1, 1)).reason,
            RemovalReason::kStatusAway);
}

TEST(Availability, DailyCapIsReachedAtTheLimit) {
  EXPECT_TRUE(CheckAvailability(Capped(3, {}), Counts(2, 0)).available());
  const Availability reached = CheckAvailability(Capped(3, {}), Counts(3, 0));
  EXPECT_EQ(reached.reason, RemovalReason::kCapReached);
  EXPECT_EQ(reached.cap_detail, kRepDailyCapDetail);
  EXPECT_EQ(reached.count, 3);
  EXPECT_EQ(reached.limit, 3);
  EXPECT_EQ(AvailabilityMessage(reached), "rep daily_cap reached (3 of 3 today)");
  const CapTrace cap = reached.cap();
  EXPECT_EQ(cap.limit, 3);
  EXPECT_EQ(cap.unit, CapUnit::kDay);
  EXPECT_EQ(cap.scope, CapScope::kRep);
  EXPECT_EQ(CapText(cap), "rep daily_cap 3");
}

TEST(Availability, MaxOpenIsReachedAtTheLimitAndComesAfterTheDailyCap) {
  EXPECT_TRUE(CheckAvailability(Capped({}, 40), Counts(0, 39)).available());
  const Availability reached = CapAvailability(Capped({}, 40), Counts(0, 41));
  EXPECT_EQ(reached.reason, RemovalReason::kCapReached);
  EXPECT_EQ(reached.cap_detail, kRepMaxOpenDetail);
  EXPECT_EQ(AvailabilityMessage(reached), "rep max_open reached (41 of 40 open)");
  EXPECT_EQ(reached.cap().unit, CapUnit::kOpen);
  EXPECT_EQ(CapText(reached.cap()), "rep max_open 40");
  // Both reached: the daily cap is the one reported.
  EXPECT_EQ(CheckAvailability(Capped(2, 2), Counts(2, 2)).cap_detail, kRepDailyCapDetail);
}

TEST(Availability, ADecisionSaysWhatTheCheckSays) {
  RepInfo capped = Capped(1, {});
  RepInfo away = Rep("bo");
  away.status = RepStatus::kAway;
  Router router("rule \"a\" when true distribute round_robin", {capped, away});
  ASSERT_EQ(router.Assign(Lead(10)), "ana");
  const Decision second = router.DecideOnly(Lead(10));
  EXPECT_EQ(second.outcome, Outcome::kUnassigned);
  const RuleTrace& trace = second.explanation.rules.at(0);
  ASSERT_EQ(trace.candidates.size(), 2u);
  EXPECT_EQ(RemovalMessage(second.explanation, trace, trace.candidates[0]),
            AvailabilityMessage(CheckAvailability(capped, Counts(1, 1))));
  EXPECT_EQ(RemovalMessage(second.explanation, trace, trace.candidates[1]),
            AvailabilityMessage(CheckAvailability(away, Counts(0, 0))));
}

TEST(AssignmentDelta, CountsOneLeadAndItsQuality) {
  const PeriodIds periods{20'000, 19'998, 24'312};
  const StateDelta delta = AssignmentDelta("ana", "vip", periods, 42.5);
  EXPECT_EQ(delta.rep_id, "ana");
  EXPECT_EQ(delta.rule_key, "vip");
  EXPECT_EQ(delta.periods, periods);
  EXPECT_EQ(delta.assigned, 1);
  EXPECT_EQ(delta.open, 1);
  EXPECT_EQ(delta.quality, 42.5);
  EXPECT_EQ(delta.balanced, 0);
  EXPECT_FALSE(delta.last_chosen_sequence);
  EXPECT_FALSE(delta.weighted_pass);
  EXPECT_FALSE(delta.weighted_virtual_time);
  EXPECT_EQ(AssignmentDelta("ana", "vip", periods, std::nullopt).quality, 0);
  EXPECT_EQ(AssignmentDelta("ana", "vip", periods, -3).quality, 0);
  EXPECT_EQ(AssignmentDelta("ana", "vip", periods, std::nan("")).quality, 0);
  EXPECT_EQ(AssignmentDelta("ana", "vip", periods, std::numeric_limits<double>::infinity()).quality,
            0);
}

TEST(AssignmentDelta, ManualCountsUnderTheManualKeyLikeADecision) {
  Router router("rule \"a\" when true distribute least_loaded", {Rep("ana")});
  const Decision decision = router.DecideOnly(Lead(70));
  ASSERT_TRUE(decision.delta);
  const StateDelta manual = ManualAssignmentDelta("ana", decision.delta->periods, 70);
  EXPECT_EQ(manual.rule_key, kManualRuleKey);
  EXPECT_EQ(manual.rep_id, decision.delta->rep_id);
  EXPECT_EQ(manual.assigned, decision.delta->assigned);
  EXPECT_EQ(manual.open, decision.delta->open);
  EXPECT_EQ(manual.quality, decision.delta->quality);
  // It counts towards the rep's own caps, as any assignment does.
  InMemoryDecisionState state;
  state.Apply(manual);
  RepCounters counters;
  const std::string_view ids[] = {"ana"};
  ASSERT_TRUE(state.ReadRepCounters(ids, manual.periods, {&counters, 1}).ok());
  EXPECT_EQ(counters.assigned_day, 1);
  EXPECT_EQ(counters.open, 1);
  EXPECT_EQ(counters.quality_day, 70);
}

}  // namespace
}  // namespace leadrouter::dsl
