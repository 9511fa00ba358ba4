// Calendar periods: days, weeks and months in a time zone, and instants read from text.
#include "dsl/decision/periods.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "decision_testing.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::HasSubstr;
using testing::Rep;
using testing::Router;

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

}  // namespace
}  // namespace leadrouter::dsl
