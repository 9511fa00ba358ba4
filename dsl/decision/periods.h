// Calendar periods (day, week, month) in a configured IANA time zone: what `cap N/day|week|month`
// and the per-period counters of dsl/decision/decision_state.h count in.
//
// A day is the local civil date; a week runs Monday to Sunday (ISO 8601); a month is the civil
// month. A lead at 23:59 and one at 00:01 local time fall in different days, also across a DST
// change (a local day is then 23 or 25 hours long). Zones come from the system's zoneinfo
// (Debian package `tzdata`) through Abseil.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dsl/decision/decision_state.h"

namespace leadrouter::dsl {

// Immutable; safe to share between threads.
class PeriodCalendar {
 public:
  // UTC.
  PeriodCalendar();

  // `name` is an IANA zone ("Asia/Shanghai", "America/New_York", "UTC"). InvalidArgument naming
  // the zone when it is unknown (or the zoneinfo files are missing).
  [[nodiscard]] static absl::StatusOr<PeriodCalendar> ForZone(std::string_view name);

  const std::string& zone_name() const { return zone_name_; }
  const absl::TimeZone& zone() const { return zone_; }

  // The periods `unix_seconds` falls in.
  PeriodIds Locate(int64_t unix_seconds) const;

  // The local day containing `unix_seconds` as the half-open range [begin, end) of Unix seconds,
  // so a caller can reuse one Locate() for every instant of the same day.
  void DayBounds(int64_t unix_seconds, int64_t& begin, int64_t& end) const;

 private:
  std::string zone_name_;
  absl::TimeZone zone_;
};

// Locate() with a one-day cache: decisions arrive in time order, so most calls hit. One per thread.
class PeriodCache {
 public:
  PeriodIds Locate(const PeriodCalendar& calendar, int64_t unix_seconds);

 private:
  const PeriodCalendar* calendar_ = nullptr;
  int64_t begin_ = 0;
  int64_t end_ = 0;  // empty range: nothing cached
  PeriodIds ids_;
};

// `2026-11-27T09:00:00Z` (UTC, second precision): how explanations and dry-run output print times.
std::string FormatUtc(int64_t unix_seconds);

// Parses an instant: RFC 3339 (`2026-03-08T01:59:00Z`, `...+08:00`), the same without an offset
// or with a space for `T` (`2026-03-08 01:59:00`, read in `zone`), a date alone (local midnight),
// or whole Unix seconds. InvalidArgument otherwise.
[[nodiscard]] absl::StatusOr<int64_t> ParseInstant(std::string_view text,
                                                   const absl::TimeZone& zone);

}  // namespace leadrouter::dsl
