// Working time: deadlines of working and wall-clock durations (table-driven), elapsed working
// time, and reading schedules. The tables name every instant in RFC 3339 with its local offset,
// so each row can be checked against a calendar.
#include "dsl/decision/working_time.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "rfc3339.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::At;

std::string InZone(absl::Time t, const WorkSchedule& schedule) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t, schedule.zone);
}

WorkSchedule MustSchedule(const std::string& zone, const std::string& hours,
                          const std::vector<std::string>& holidays = {},
                          std::vector<TimeOff> time_off = {}) {
  absl::StatusOr<WorkSchedule> schedule = ParseWorkSchedule(zone, hours, holidays, time_off);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return schedule.ok() ? *schedule : WorkSchedule{};
}

// New York office hours with a lunch break: 8 working hours a day.
const WorkSchedule& NewYork() {
  static const WorkSchedule* schedule = new WorkSchedule(
      MustSchedule("America/New_York", "mon-fri 09:00-12:00,13:00-18:00", {"2026-12-25"}));
  return *schedule;
}

struct DeadlineCase {
  std::string name;
  std::string start;
  WorkDuration duration;
  std::string due;  // in the schedule's zone
};

void ExpectDeadlines(const WorkSchedule& schedule, const std::vector<DeadlineCase>& cases) {
  for (const DeadlineCase& c : cases) {
    const absl::StatusOr<absl::Time> due = Deadline(At(c.start), c.duration, schedule);
    ASSERT_TRUE(due.ok()) << c.name << ": " << due.status();
    EXPECT_EQ(InZone(*due, schedule), c.due) << c.name;
  }
}

constexpr int64_t kHour = 3600;

TEST(DeadlineTest, WorkingHoursInNewYork) {
  ExpectDeadlines(
      NewYork(),
      {
          {"within a block", "2026-12-07T09:30:00-05:00", WorkDuration::WorkingSeconds(kHour),
           "2026-12-07T10:30:00-05:00"},
          {"ends exactly at a block's end, not at the next start", "2026-12-07T09:00:00-05:00",
           WorkDuration::WorkingSeconds(3 * kHour), "2026-12-07T12:00:00-05:00"},
          {"over lunch", "2026-12-07T11:50:00-05:00", WorkDuration::WorkingSeconds(20 * 60),
           "2026-12-07T13:10:00-05:00"},
          {"before opening counts from 09:00", "2026-12-07T06:00:00-05:00",
           WorkDuration::WorkingSeconds(kHour), "2026-12-07T10:00:00-05:00"},
          {"overnight", "2026-12-07T17:00:00-05:00", WorkDuration::WorkingSeconds(2 * kHour),
           "2026-12-08T10:00:00-05:00"},
          {"across a weekend", "2026-12-04T17:00:00-05:00", WorkDuration::WorkingSeconds(2 * kHour),
           "2026-12-07T10:00:00-05:00"},
          {"assigned on a Saturday", "2026-12-05T12:00:00-05:00",
           WorkDuration::WorkingSeconds(4 * kHour), "2026-12-07T14:00:00-05:00"},
          {"a holiday (Christmas, a Friday) does not count", "2026-12-24T17:00:00-05:00",
           WorkDuration::WorkingSeconds(2 * kHour), "2026-12-28T10:00:00-05:00"},
          {"a whole working week", "2026-12-07T09:00:00-05:00",
           WorkDuration::WorkingSeconds(40 * kHour), "2026-12-11T18:00:00-05:00"},
          {"zero is the start", "2026-12-05T12:00:00-05:00", WorkDuration::WorkingSeconds(0),
           "2026-12-05T12:00:00-05:00"},
      });
}

// Clocks go forward on Sunday 2026-03-08 and back on Sunday 2026-11-01 in New York: the Monday
// after keeps its 09:00 opening in local time, an hour earlier or later in UTC.
TEST(DeadlineTest, WorkingHoursAcrossDaylightSavingChangesInNewYork) {
  ExpectDeadlines(NewYork(),
                  {
                      {"March: Friday EST to Monday EDT", "2026-03-06T17:00:00-05:00",
                       WorkDuration::WorkingSeconds(2 * kHour), "2026-03-09T10:00:00-04:00"},
                      {"November: Friday EDT to Monday EST", "2026-10-30T17:00:00-04:00",
                       WorkDuration::WorkingSeconds(2 * kHour), "2026-11-02T10:00:00-05:00"},
                      {"March, working days", "2026-03-06T15:00:00-05:00",
                       WorkDuration::WorkingDays(1), "2026-03-09T15:00:00-04:00"},
                      {"November, working days", "2026-10-30T15:00:00-04:00",
                       WorkDuration::WorkingDays(1), "2026-11-02T15:00:00-05:00"},
                  });
  // The same in UTC: 14:00Z in March (EDT), 15:00Z in November (EST).
  EXPECT_EQ(
      *Deadline(At("2026-03-06T22:00:00Z"), WorkDuration::WorkingSeconds(2 * kHour), NewYork()),
      At("2026-03-09T14:00:00Z"));
  EXPECT_EQ(
      *Deadline(At("2026-10-30T21:00:00Z"), WorkDuration::WorkingSeconds(2 * kHour), NewYork()),
      At("2026-11-02T15:00:00Z"));
}

// A block that spans the change is as long as the clock says: 00:00-06:00 is 5 hours on the day
// clocks go forward and 7 on the day they go back.
TEST(DeadlineTest, ABlockSpanningTheChangeIsAsLongAsTheClockSays) {
  const WorkSchedule night = MustSchedule("America/New_York", "sun 00:00-06:00");
  EXPECT_EQ(
      *WorkingTimeBetween(At("2026-03-08T00:00:00-05:00"), At("2026-03-09T00:00:00-04:00"), night),
      absl::Hours(5));
  EXPECT_EQ(
      *WorkingTimeBetween(At("2026-11-01T00:00:00-04:00"), At("2026-11-02T00:00:00-05:00"), night),
      absl::Hours(7));
  ExpectDeadlines(night, {{"the skipped hour is not worked", "2026-03-08T01:00:00-05:00",
                           WorkDuration::WorkingSeconds(2 * kHour), "2026-03-08T04:00:00-04:00"},
                          {"the repeated hour is worked twice", "2026-11-01T00:00:00-04:00",
                           WorkDuration::WorkingSeconds(2 * kHour), "2026-11-01T01:00:00-05:00"}});
}

// A rep in Shanghai (UTC+8, no daylight saving) while the instants come in UTC: the deadline
// follows the rep's hours, not the server's zone.
TEST(DeadlineTest, ARepInShanghaiWithInstantsInUtc) {
  const WorkSchedule shanghai = MustSchedule("Asia/Shanghai", "mon-fri 09:00-18:00");
  EXPECT_EQ(
      *Deadline(At("2026-12-01T00:30:00Z"), WorkDuration::WorkingSeconds(4 * kHour), shanghai),
      At("2026-12-01T05:00:00Z"));  // 08:30 CST, counted from 09:00, due 13:00 CST
  // Friday 17:00 CST (09:00Z) + 2 working hours: Monday 10:00 CST, Monday 02:00Z.
  EXPECT_EQ(
      *Deadline(At("2026-12-04T09:00:00Z"), WorkDuration::WorkingSeconds(2 * kHour), shanghai),
      At("2026-12-07T02:00:00Z"));
  // Monday 23:00Z is already Tuesday 07:00 in Shanghai: a working day counts from Tuesday.
  EXPECT_EQ(*Deadline(At("2026-12-07T23:00:00Z"), WorkDuration::WorkingDays(1), shanghai),
            At("2026-12-08T10:00:00Z"));  // Tuesday 18:00 CST
}

TEST(DeadlineTest, WorkingDays) {
  ExpectDeadlines(
      NewYork(),
      {
          {"from the opening: the end of that day", "2026-12-07T09:00:00-05:00",
           WorkDuration::WorkingDays(1), "2026-12-07T18:00:00-05:00"},
          {"before the opening: the end of that day", "2026-12-07T07:00:00-05:00",
           WorkDuration::WorkingDays(1), "2026-12-07T18:00:00-05:00"},
          {"mid-morning: the same point the next day", "2026-12-07T10:30:00-05:00",
           WorkDuration::WorkingDays(1), "2026-12-08T10:30:00-05:00"},
          {"at lunch: the same working time done, at the earliest", "2026-12-07T12:30:00-05:00",
           WorkDuration::WorkingDays(1), "2026-12-08T12:00:00-05:00"},
          {"Friday afternoon to Monday", "2026-12-04T15:00:00-05:00", WorkDuration::WorkingDays(1),
           "2026-12-07T15:00:00-05:00"},
          {"two days from Friday", "2026-12-04T15:00:00-05:00", WorkDuration::WorkingDays(2),
           "2026-12-08T15:00:00-05:00"},
          {"Friday after hours: the end of Monday", "2026-12-04T19:00:00-05:00",
           WorkDuration::WorkingDays(1), "2026-12-07T18:00:00-05:00"},
          {"Friday at closing: the end of Monday", "2026-12-04T18:00:00-05:00",
           WorkDuration::WorkingDays(1), "2026-12-07T18:00:00-05:00"},
          {"Saturday: the end of Monday", "2026-12-05T10:00:00-05:00", WorkDuration::WorkingDays(1),
           "2026-12-07T18:00:00-05:00"},
          {"over a holiday", "2026-12-24T10:00:00-05:00", WorkDuration::WorkingDays(1),
           "2026-12-28T10:00:00-05:00"},
          {"five days from Monday's opening: Friday's end", "2026-12-07T09:00:00-05:00",
           WorkDuration::WorkingDays(5), "2026-12-11T18:00:00-05:00"},
      });
}

TEST(DeadlineTest, AShorterDayEndsTheWorkingDay) {
  const WorkSchedule short_friday =
      MustSchedule("Europe/Berlin", "mon-thu 09:00-18:00; fri 09:00-13:00");
  ExpectDeadlines(short_friday,
                  {{"7 hours done on Thursday; Friday has 4", "2026-12-03T16:00:00+01:00",
                    WorkDuration::WorkingDays(1), "2026-12-04T13:00:00+01:00"},
                   {"2 hours done on Friday; Monday has them", "2026-12-04T11:00:00+01:00",
                    WorkDuration::WorkingDays(1), "2026-12-07T11:00:00+01:00"}});
}

TEST(DeadlineTest, TimeOffIsNotWorkingTime) {
  const WorkSchedule away =
      MustSchedule("America/New_York", "mon-fri 09:00-12:00,13:00-18:00", {},
                   {{At("2026-12-07T09:00:00-05:00"), At("2026-12-07T14:00:00-05:00")},
                    {At("2026-12-09T00:00:00-05:00"), At("2026-12-10T00:00:00-05:00")}});
  ExpectDeadlines(away, {{"a morning off", "2026-12-07T08:00:00-05:00",
                          WorkDuration::WorkingSeconds(kHour), "2026-12-07T15:00:00-05:00"},
                         {"a whole day off is not a working day", "2026-12-08T10:00:00-05:00",
                          WorkDuration::WorkingDays(1), "2026-12-10T10:00:00-05:00"}});
  EXPECT_FALSE(IsWorkingTime(At("2026-12-07T10:00:00-05:00"), away));
  EXPECT_TRUE(IsWorkingTime(At("2026-12-07T15:00:00-05:00"), away));
}

TEST(DeadlineTest, WallClockIgnoresTheSchedule) {
  EXPECT_EQ(*Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WallClock(24 * kHour), NewYork()),
            At("2026-12-06T12:00:00Z"));
  EXPECT_EQ(*Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WallClock(90), WorkSchedule{}),
            At("2026-12-05T12:01:30Z"));
}

TEST(DeadlineTest, NoWorkingTimeIsAnErrorNotALoop) {
  const WorkSchedule none;  // no weekly hours at all
  EXPECT_EQ(
      Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WorkingSeconds(60), none).status().code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WorkingDays(1), none).status().code(),
      absl::StatusCode::kFailedPrecondition);
  // Hours on the books, but time off for twenty years: the search stops at its limit.
  const WorkSchedule retired = MustSchedule(
      "UTC", "mon-fri 09:00-17:00", {}, {{At("2026-01-01T00:00:00Z"), At("2046-01-01T00:00:00Z")}});
  EXPECT_EQ(Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WorkingSeconds(60), retired)
                .status()
                .code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(
      Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WorkingDays(3), retired).status().code(),
      absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WorkingDays(1'000'000), NewYork())
                .status()
                .code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(
      Deadline(At("2026-12-05T12:00:00Z"), WorkDuration::WallClock(-1), NewYork()).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(DeadlineTest, ALongWayAheadIsStillCheap) {
  // 1000 working days walk about 1400 calendar days, one step each.
  const absl::StatusOr<absl::Time> due =
      Deadline(At("2026-12-07T09:00:00-05:00"), WorkDuration::WorkingDays(1000), NewYork());
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_GT(*due, At("2030-01-01T00:00:00Z"));
}

TEST(WorkingTimeBetweenTest, CountsOnlyWorkingTime) {
  struct Case {
    std::string from, to;
    absl::Duration expected;
  };
  const std::vector<Case> cases = {
      {"2026-12-07T10:00:00-05:00", "2026-12-07T11:00:00-05:00", absl::Hours(1)},
      {"2026-12-07T11:00:00-05:00", "2026-12-07T14:00:00-05:00", absl::Hours(2)},
      {"2026-12-04T17:00:00-05:00", "2026-12-07T10:00:00-05:00", absl::Hours(2)},
      {"2026-12-05T00:00:00-05:00", "2026-12-06T23:59:59-05:00", absl::ZeroDuration()},
      {"2026-12-07T00:00:00-05:00", "2026-12-12T00:00:00-05:00", absl::Hours(40)},
      {"2026-03-06T17:00:00-05:00", "2026-03-09T10:00:00-04:00", absl::Hours(2)},
      {"2026-12-07T11:00:00-05:00", "2026-12-07T10:00:00-05:00", absl::ZeroDuration()},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<absl::Duration> between =
        WorkingTimeBetween(At(c.from), At(c.to), NewYork());
    ASSERT_TRUE(between.ok()) << between.status();
    EXPECT_EQ(*between, c.expected) << c.from << " .. " << c.to;
  }
  EXPECT_EQ(WorkingTimeBetween(At("2000-01-01T00:00:00Z"), At("2030-01-01T00:00:00Z"), NewYork())
                .status()
                .code(),
            absl::StatusCode::kOutOfRange);
}

TEST(WorkingTimeBetweenTest, IsTheInverseOfDeadline) {
  for (const int64_t minutes : {1, 59, 180, 181, 481, 2400, 10'000}) {
    const absl::Time start = At("2026-12-04T16:17:00-05:00");
    const absl::Time due = *Deadline(start, WorkDuration::WorkingSeconds(minutes * 60), NewYork());
    EXPECT_EQ(*WorkingTimeBetween(start, due, NewYork()), absl::Minutes(minutes)) << minutes;
  }
}

TEST(ParseWeeklyHoursTest, Forms) {
  const WeeklyHours week = *ParseWeeklyHours("mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00");
  EXPECT_EQ(week[0], (std::vector<WorkBlock>{{540, 720}, {780, 1080}}));
  EXPECT_EQ(week[4], week[0]);
  EXPECT_EQ(week[5], (std::vector<WorkBlock>{{600, 840}}));
  EXPECT_TRUE(week[6].empty());
  // A range may wrap over the weekend; days may be listed; case does not matter; 24:00 ends a day.
  const WeeklyHours gulf = *ParseWeeklyHours("Sun-Thu 08:00-16:00");
  EXPECT_FALSE(gulf[6].empty());
  EXPECT_FALSE(gulf[3].empty());
  EXPECT_TRUE(gulf[4].empty());
  EXPECT_EQ(WeeklyHoursText(*ParseWeeklyHours("mon,wed 22:00-24:00")),
            "mon 22:00-24:00; wed 22:00-24:00");
  EXPECT_EQ(WeeklyHoursText(week),
            "mon 09:00-12:00,13:00-18:00; tue 09:00-12:00,13:00-18:00; "
            "wed 09:00-12:00,13:00-18:00; thu 09:00-12:00,13:00-18:00; "
            "fri 09:00-12:00,13:00-18:00; sat 10:00-14:00");
}

TEST(ParseWeeklyHoursTest, ErrorsNameTheColumnAndTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "weekly hours, column 1: no working hours given (at the end)"},
      {"mon-fri 9:00-18:00", "weekly hours, column 9: expected a time as HH:MM, e.g. 09:00"},
      {"mon-fri",
       "weekly hours, column 8: expected the blocks after the days (mon-fri "
       "09:00-18:00) (at the end)"},
      {"xyz 09:00-10:00",
       "weekly hours, column 1: expected a day: mon, tue, wed, thu, fri, sat or sun"},
      {"mon 25:00-26:00", "weekly hours, column 5: 25:00 is not a time of day (00:00 to 24:00)"},
      {"mon 10:00-09:00",
       "weekly hours, column 5: a block must end after it starts, e.g. 09:00-18:00"},
      {"mon 10:00 11:00", "weekly hours, column 10: expected `-` between a block's start and end"},
      {"mon 09:00-12:00,11:00-13:00", "weekly hours, column 1: two blocks of one day overlap"},
      {"mon-fri 09:00-18:00; wed 19:00-20:00", "weekly hours, column 22: wed is given twice"},
      {"mon 09:00-18:00 tue",
       "weekly hours, column 17: expected `;` before the next group of days"},
  };
  for (const auto& [text, message] : cases) {
    const absl::StatusOr<WeeklyHours> week = ParseWeeklyHours(text);
    ASSERT_FALSE(week.ok()) << text;
    EXPECT_EQ(week.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(week.status().message(), message) << text;
  }
}

TEST(ParseWorkScheduleTest, ZoneHolidaysAndTimeOff) {
  EXPECT_EQ(ParseWorkSchedule("Mars/Olympus", "mon 09:00-10:00").status().message(),
            "time zone \"Mars/Olympus\" is not an IANA time zone (e.g. America/New_York)");
  EXPECT_EQ(ParseWorkSchedule("UTC", "mon 09:00-10:00", {"2026-13-01"}).status().message(),
            "holiday: \"2026-13-01\" is not a date as YYYY-MM-DD");
  EXPECT_EQ(ParseWorkSchedule("UTC", "mon 09:00-10:00", {},
                              {{At("2026-12-02T00:00:00Z"), At("2026-12-01T00:00:00Z")}})
                .status()
                .message(),
            "time off 1 does not end after it begins");
  // Overlapping time off is merged; holidays are sorted and unique.
  const WorkSchedule merged =
      MustSchedule("UTC", "mon 09:00-10:00", {"2026-12-25", "2026-01-01", "2026-12-25"},
                   {{At("2026-12-03T00:00:00Z"), At("2026-12-05T00:00:00Z")},
                    {At("2026-12-01T00:00:00Z"), At("2026-12-04T00:00:00Z")}});
  EXPECT_EQ(merged.holidays.size(), 2u);
  ASSERT_EQ(merged.time_off.size(), 1u);
  EXPECT_EQ(merged.time_off[0].end, At("2026-12-05T00:00:00Z"));
}

TEST(ParseWorkScheduleTest, Json) {
  const absl::StatusOr<WorkSchedule> schedule = ParseWorkScheduleJson(R"({
      "time_zone": "Asia/Shanghai", "hours": "mon-fri 09:00-18:00",
      "holidays": ["2026-10-01"],
      "time_off": [{"from": "2026-12-24T00:00:00+08:00", "to": "2026-12-28T00:00:00+08:00"}]})");
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->zone_name, "Asia/Shanghai");
  EXPECT_EQ(schedule->holidays.size(), 1u);
  EXPECT_EQ(schedule->time_off.size(), 1u);

  const std::vector<std::pair<std::string, std::string>> errors = {
      {"[]", "a schedule is a JSON object"},
      {"{", "a schedule is a JSON object"},
      {R"({"hours": "mon 09:00-10:00"})", "time_zone: required, a string"},
      {R"({"time_zone": "UTC"})", "hours: required, a string"},
      {R"({"time_zone": "UTC", "hours": "mon 9-10"})",
       "hours: weekly hours, column 5: expected a time as HH:MM, e.g. 09:00"},
      {R"({"time_zone": "UTC", "hours": "mon 09:00-10:00", "zone": "x"})",
       "unknown schedule field \"zone\" (time_zone, hours, holidays, time_off)"},
      {R"({"time_zone": "UTC", "hours": "mon 09:00-10:00", "holidays": [1]})",
       "holidays[0]: expected a date"},
      {R"({"time_zone": "UTC", "hours": "mon 09:00-10:00", "time_off": [{"from": "x", "to": 1}]})",
       "time_off[0].from: not an RFC 3339 time (2026-12-24T00:00:00+08:00): "},
  };
  for (const auto& [json, message] : errors) {
    const absl::StatusOr<WorkSchedule> bad = ParseWorkScheduleJson(json);
    ASSERT_FALSE(bad.ok()) << json;
    EXPECT_EQ(std::string(bad.status().message()).substr(0, message.size()), message)
        << bad.status().message();
  }
}

}  // namespace
}  // namespace leadrouter::dsl
