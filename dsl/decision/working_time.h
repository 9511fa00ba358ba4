// Working time: an owner's schedule, the deadline of a (working or wall-clock) duration, and the
// working time between two instants. Pure: reads no file and no clock; every instant is an
// argument, and the only time zone used is the schedule's (never the process's local zone).
//
//   ASSIGN_OR_RETURN(WorkSchedule schedule,
//                    ParseWorkSchedule("Asia/Shanghai", "mon-fri 09:00-12:00,13:00-18:00"));
//   ASSIGN_OR_RETURN(absl::Time due,
//                    Deadline(assigned_at, WorkDuration::WorkingSeconds(4 * 3600), schedule));
//
// The meaning of `N working hours` and `N working days` is written out for users in
// docs/language.md ("Working time"); in short:
// - working minutes/hours: the earliest instant by which the schedule has had that much working
//   time since the start;
// - working days: the same point in working time N working days later (the working time done on
//   the start's working day, done again on the N-th working day after it, or that day's end when
//   it is shorter); a start with no working time done yet on its day is due at the end of the
//   (N-1)-th working day after it.
// Wall-clock durations ignore the schedule: start + seconds.
//
// Cost: one step per calendar day (a handful of time-zone conversions), never per minute, and at
// most WorkTimeLimits::max_days days: a deadline further away, or a schedule with no working
// time, is an error value.
//
// Thread safety: WorkSchedule is a value; every function here is pure and may run concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "dsl/base/work_duration.h"

namespace leadrouter::dsl {

// One block of working time in a day, in local wall-clock minutes since midnight: [begin, end),
// 0 <= begin < end <= 1440 (24:00).
struct WorkBlock {
  int begin_minute = 0;
  int end_minute = 0;
  friend bool operator==(const WorkBlock&, const WorkBlock&) = default;
};

// An interval of time off, [begin, end).
struct TimeOff {
  absl::Time begin;
  absl::Time end;
};

// The working blocks of each weekday, Monday first (absl::Weekday order), each day's blocks
// sorted and not overlapping.
using WeeklyHours = std::array<std::vector<WorkBlock>, 7>;

struct WorkSchedule {
  std::string zone_name = "UTC";  // IANA name, e.g. "America/New_York"
  absl::TimeZone zone = absl::UTCTimeZone();
  WeeklyHours week;
  // Dates in `zone` without working time, sorted, without duplicates.
  std::vector<absl::CivilDay> holidays;
  // Sorted by begin, merged so that no two overlap or touch.
  std::vector<TimeOff> time_off;
};

struct WorkTimeLimits {
  // The most calendar days a search walks: a deadline or a span further than this is OutOfRange.
  // Default: 3660 (about 10 years)
  int max_days = 3660;
};

// `mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00`: groups separated by `;`, each a list of
// days or day ranges (`mon`, `mon-fri`, `sun-thu` wraps over the weekend; separated by `,`),
// blanks, then a list of blocks `HH:MM-HH:MM` (separated by `,`; `24:00` ends a block at midnight).
// A day in two groups, or blocks of one day that overlap, are errors. InvalidArgument naming the
// position (1-based byte column) and the problem.
absl::StatusOr<WeeklyHours> ParseWeeklyHours(std::string_view text);

// A schedule from its parts: an IANA zone name, weekly hours as ParseWeeklyHours reads them,
// holidays as `YYYY-MM-DD` dates, and time off intervals (end after begin). InvalidArgument naming
// the part. (Weekly hours always have some working time; a default WorkSchedule has none, and
// Deadline says so with FailedPrecondition.)
absl::StatusOr<WorkSchedule> ParseWorkSchedule(std::string_view zone_name,
                                               std::string_view weekly_hours,
                                               const std::vector<std::string>& holidays = {},
                                               std::vector<TimeOff> time_off = {});

// The same from JSON, as the server's configuration and a rep's fields hold it:
//   {"time_zone": "Asia/Shanghai", "hours": "mon-fri 09:00-18:00",
//    "holidays": ["2026-10-01"],
//    "time_off": [{"from": "2026-12-24T00:00:00+08:00", "to": "2026-12-28T00:00:00+08:00"}]}
// `time_zone` and `hours` are required; times are RFC 3339. Errors name the field
// (`time_off[1].to: ...`).
absl::StatusOr<WorkSchedule> ParseWorkScheduleJson(std::string_view json);

// When `duration` after `start` is due. Wall-clock: start + seconds, whatever the schedule.
// Working time: as the header comment says. FailedPrecondition for a schedule without working
// time; OutOfRange when the deadline is more than limits.max_days days ahead; InvalidArgument
// for a negative duration (zero is `start`).
absl::StatusOr<absl::Time> Deadline(absl::Time start, const WorkDuration& duration,
                                    const WorkSchedule& schedule,
                                    const WorkTimeLimits& limits = {});

// The schedule's working time in [from, to): zero when to <= from. OutOfRange when the span is
// more than limits.max_days days. (Time to first contact in working time, for reports.)
absl::StatusOr<absl::Duration> WorkingTimeBetween(absl::Time from, absl::Time to,
                                                  const WorkSchedule& schedule,
                                                  const WorkTimeLimits& limits = {});

// Whether `t` falls in the schedule's working time.
bool IsWorkingTime(absl::Time t, const WorkSchedule& schedule);

// The weekly hours written back as ParseWeeklyHours reads them, one group per day with blocks:
// `mon 09:00-18:00; tue 09:00-18:00`. For messages and round trips.
std::string WeeklyHoursText(const WeeklyHours& week);

}  // namespace leadrouter::dsl
