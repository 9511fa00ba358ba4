// A duration as the clauses `sla` and `followup` write it: wall-clock (`4h`, `1d`) or working
// time (`4 working hours`, `90 working minutes`, `1 working day`).
//
// A wall-clock duration is a number of elapsed seconds and ignores every schedule. A working
// duration is counted in the working time of the lead's owner (dsl/decision/working_time.h):
// - `N working minutes` / `N working hours`: N*60 / N*3600 seconds of the owner's working time;
// - `N working days`: a count of working days, not of seconds (a working day's length depends on
//   the schedule); see Deadline in dsl/decision/working_time.h for its exact meaning.
// The definitions are written out for users in docs/language.md ("Working time").
#pragma once

#include <cstdint>
#include <string>

namespace leadrouter::dsl {

enum class DurationKind : uint8_t {
  kWallClock,    // `amount` is elapsed seconds
  kWorkingTime,  // `amount` is seconds of working time (`working minutes`, `working hours`)
  kWorkingDays,  // `amount` is a number of working days
};

struct WorkDuration {
  DurationKind kind = DurationKind::kWallClock;
  int64_t amount = 0;

  static constexpr WorkDuration WallClock(int64_t seconds) {
    return {DurationKind::kWallClock, seconds};
  }
  static constexpr WorkDuration WorkingSeconds(int64_t seconds) {
    return {DurationKind::kWorkingTime, seconds};
  }
  static constexpr WorkDuration WorkingDays(int64_t days) {
    return {DurationKind::kWorkingDays, days};
  }

  bool working() const { return kind != DurationKind::kWallClock; }
  bool positive() const { return amount > 0; }

  friend bool operator==(const WorkDuration&, const WorkDuration&) = default;
};

// The canonical text, as the Program dump and explanations write it: `4h`, `90s`,
// `4 working hours`, `90 working minutes`, `1 working day`, `3 working days`.
std::string WorkDurationText(const WorkDuration& duration);

// Whether two durations of one SLA chain can be ordered without knowing a schedule: wall-clock
// with wall-clock, working minutes/hours with each other, working days with working days.
bool Comparable(const WorkDuration& a, const WorkDuration& b);

}  // namespace leadrouter::dsl
