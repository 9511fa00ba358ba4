// Deadlines and elapsed working time, one calendar day at a time: each day's working intervals are
// its weekly blocks turned into instants in the schedule's zone, less holidays and time off.
#include "dsl/decision/working_time.h"

#include <algorithm>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace leadrouter::dsl {
namespace {

struct Interval {
  absl::Time begin;
  absl::Time end;
};

// A local wall-clock time as an instant. One that does not exist (the hour skipped when clocks go
// forward) is the moment of the change; one that occurs twice (clocks go back) is its first
// occurrence.
absl::Time LocalToInstant(const absl::CivilSecond& local, const absl::TimeZone& zone) {
  const absl::TimeZone::TimeInfo info = zone.At(local);
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

bool IsHoliday(absl::CivilDay day, const WorkSchedule& schedule) {
  return std::binary_search(schedule.holidays.begin(), schedule.holidays.end(), day);
}

// `interval` less every time off, appended to `out` in order.
void AppendLessTimeOff(Interval interval, const WorkSchedule& schedule,
                       std::vector<Interval>& out) {
  // The first time off that ends after the interval begins.
  auto off =
      std::upper_bound(schedule.time_off.begin(), schedule.time_off.end(), interval.begin,
                       [](absl::Time t, const TimeOff& time_off) { return t < time_off.end; });
  for (; off != schedule.time_off.end() && off->begin < interval.end; ++off) {
    if (off->begin > interval.begin) out.push_back({interval.begin, off->begin});
    interval.begin = std::max(interval.begin, off->end);
    if (interval.begin >= interval.end) return;
  }
  if (interval.begin < interval.end) out.push_back(interval);
}

// The working intervals of local date `day`, in order.
std::vector<Interval> WorkingIntervals(absl::CivilDay day, const WorkSchedule& schedule) {
  std::vector<Interval> out;
  if (IsHoliday(day, schedule)) return out;
  const auto& blocks = schedule.week[static_cast<size_t>(absl::GetWeekday(day))];
  const absl::CivilSecond midnight(day);
  for (const WorkBlock& block : blocks) {
    const absl::Time begin = LocalToInstant(midnight + block.begin_minute * 60, schedule.zone);
    const absl::Time end = LocalToInstant(midnight + block.end_minute * 60, schedule.zone);
    if (begin < end) AppendLessTimeOff({begin, end}, schedule, out);
  }
  return out;
}

bool HasWeeklyHours(const WorkSchedule& schedule) {
  return std::any_of(schedule.week.begin(), schedule.week.end(),
                     [](const auto& blocks) { return !blocks.empty(); });
}

absl::Status NoWorkingTime(const WorkSchedule& schedule) {
  return absl::FailedPreconditionError(
      absl::StrCat("the schedule in ", schedule.zone_name, " has no working hours"));
}

absl::Status TooFar(const WorkTimeLimits& limits) {
  return absl::OutOfRangeError(absl::StrCat("the deadline is more than ", limits.max_days,
                                            " days ahead in this schedule's working time"));
}

// The instant at which `amount` of working time is done, counting from `start`.
absl::StatusOr<absl::Time> AfterWorkingTime(absl::Time start, absl::Duration amount,
                                            const WorkSchedule& schedule,
                                            const WorkTimeLimits& limits) {
  absl::CivilDay day = absl::ToCivilDay(start, schedule.zone);
  for (int i = 0; i <= limits.max_days; ++i, ++day) {
    for (const Interval& interval : WorkingIntervals(day, schedule)) {
      const absl::Time from = std::max(interval.begin, start);
      if (from >= interval.end) continue;
      if (amount <= interval.end - from) return from + amount;
      amount -= interval.end - from;
    }
  }
  return TooFar(limits);
}

// The instant at which `amount` of the working time of `intervals` (one day's) is done; the
// day's end when it has less.
absl::Time IntoDay(const std::vector<Interval>& intervals, absl::Duration amount) {
  for (const Interval& interval : intervals) {
    if (amount <= interval.end - interval.begin) return interval.begin + amount;
    amount -= interval.end - interval.begin;
  }
  return intervals.back().end;
}

absl::StatusOr<absl::Time> AfterWorkingDays(absl::Time start, int64_t days,
                                            const WorkSchedule& schedule,
                                            const WorkTimeLimits& limits) {
  // The start's working day, and the working time already done on it.
  absl::CivilDay day = absl::ToCivilDay(start, schedule.zone);
  absl::Duration done;
  int walked = 0;
  for (;; ++day, ++walked) {
    if (walked > limits.max_days) return TooFar(limits);
    const std::vector<Interval> intervals = WorkingIntervals(day, schedule);
    if (intervals.empty() || intervals.back().end <= start) continue;
    for (const Interval& interval : intervals) {
      if (interval.begin < start) done += std::min(interval.end, start) - interval.begin;
    }
    break;
  }
  // No work done yet: the same point is the end of the (N-1)-th working day after it.
  const int64_t target = done == absl::ZeroDuration() ? days - 1 : days;
  for (int64_t counted = 0;; ++day, ++walked) {
    if (walked > limits.max_days) return TooFar(limits);
    const std::vector<Interval> intervals = WorkingIntervals(day, schedule);
    if (intervals.empty()) continue;
    if (counted == target) {
      return done == absl::ZeroDuration() ? intervals.back().end : IntoDay(intervals, done);
    }
    ++counted;
  }
}

}  // namespace

absl::StatusOr<absl::Time> Deadline(absl::Time start, const WorkDuration& duration,
                                    const WorkSchedule& schedule, const WorkTimeLimits& limits) {
  if (duration.amount < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("a deadline needs a duration of zero or more, not ", duration.amount));
  }
  switch (duration.kind) {
    case DurationKind::kWallClock:
      return start + absl::Seconds(duration.amount);
    case DurationKind::kWorkingTime:
      if (duration.amount == 0) return start;
      if (!HasWeeklyHours(schedule)) return NoWorkingTime(schedule);
      if (duration.amount > int64_t{limits.max_days} * 86400) return TooFar(limits);
      return AfterWorkingTime(start, absl::Seconds(duration.amount), schedule, limits);
    case DurationKind::kWorkingDays:
      if (duration.amount == 0) return start;
      if (!HasWeeklyHours(schedule)) return NoWorkingTime(schedule);
      if (duration.amount > limits.max_days) return TooFar(limits);
      return AfterWorkingDays(start, duration.amount, schedule, limits);
  }
  return absl::InvalidArgumentError("unknown kind of duration");
}

absl::StatusOr<absl::Duration> WorkingTimeBetween(absl::Time from, absl::Time to,
                                                  const WorkSchedule& schedule,
                                                  const WorkTimeLimits& limits) {
  if (to <= from) return absl::ZeroDuration();
  absl::CivilDay day = absl::ToCivilDay(from, schedule.zone);
  const absl::CivilDay last = absl::ToCivilDay(to, schedule.zone);
  if (last - day > limits.max_days) {
    return absl::OutOfRangeError(
        absl::StrCat("the span is more than ", limits.max_days, " days long"));
  }
  absl::Duration total;
  for (; day <= last; ++day) {
    for (const Interval& interval : WorkingIntervals(day, schedule)) {
      const absl::Time begin = std::max(interval.begin, from);
      const absl::Time end = std::min(interval.end, to);
      if (begin < end) total += end - begin;
    }
  }
  return total;
}

bool IsWorkingTime(absl::Time t, const WorkSchedule& schedule) {
  for (const Interval& interval : WorkingIntervals(absl::ToCivilDay(t, schedule.zone), schedule)) {
    if (interval.begin <= t && t < interval.end) return true;
  }
  return false;
}

}  // namespace leadrouter::dsl
