#include "dsl/decision/periods.h"

#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace leadrouter::dsl {
namespace {

const absl::CivilDay kEpochDay(1970, 1, 1);

absl::Time FromSeconds(int64_t unix_seconds) { return absl::FromUnixSeconds(unix_seconds); }

}  // namespace

PeriodCalendar::PeriodCalendar() : zone_name_("UTC"), zone_(absl::UTCTimeZone()) {}

absl::StatusOr<PeriodCalendar> PeriodCalendar::ForZone(std::string_view name) {
  PeriodCalendar calendar;
  const std::string zone_name(name);
  if (zone_name.empty() || !absl::LoadTimeZone(zone_name, &calendar.zone_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", zone_name,
                     "\" (an IANA name such as Europe/Paris; is tzdata installed?)"));
  }
  calendar.zone_name_ = zone_name;
  return calendar;
}

PeriodIds PeriodCalendar::Locate(int64_t unix_seconds) const {
  const absl::CivilDay day = absl::ToCivilDay(FromSeconds(unix_seconds), zone_);
  PeriodIds ids;
  ids.day = day - kEpochDay;
  // absl::Weekday numbers Monday 0 .. Sunday 6: the distance back to the week's Monday.
  ids.week = ids.day - static_cast<int64_t>(absl::GetWeekday(day));
  ids.month = day.year() * 12 + (day.month() - 1);
  return ids;
}

void PeriodCalendar::DayBounds(int64_t unix_seconds, int64_t& begin, int64_t& end) const {
  const absl::CivilDay day = absl::ToCivilDay(FromSeconds(unix_seconds), zone_);
  // The first instant of a civil day; a day skipped or repeated by a DST change is still bounded
  // by the instants its midnights map to (kPre picks the earliest).
  begin = absl::ToUnixSeconds(zone_.At(absl::CivilSecond(day)).pre);
  end = absl::ToUnixSeconds(zone_.At(absl::CivilSecond(day + 1)).pre);
  if (begin > unix_seconds || end <= unix_seconds) {  // exotic transitions: do not cache
    begin = unix_seconds;
    end = unix_seconds;
  }
}

PeriodIds PeriodCache::Locate(const PeriodCalendar& calendar, int64_t unix_seconds) {
  if (calendar_ == &calendar && unix_seconds >= begin_ && unix_seconds < end_) return ids_;
  calendar_ = &calendar;
  ids_ = calendar.Locate(unix_seconds);
  calendar.DayBounds(unix_seconds, begin_, end_);
  return ids_;
}

std::string FormatUtc(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromSeconds(unix_seconds), absl::UTCTimeZone());
}

absl::StatusOr<int64_t> ParseInstant(std::string_view text, const absl::TimeZone& zone) {
  const std::string input(text);
  if (input.empty()) return absl::InvalidArgumentError("empty time");
  {  // whole Unix seconds
    int64_t seconds = 0;
    const auto [ptr, ec] = std::from_chars(input.data(), input.data() + input.size(), seconds);
    if (ec == std::errc() && ptr == input.data() + input.size()) return seconds;
  }
  static constexpr const char* kFormats[] = {
      "%Y-%m-%d%ET%H:%M:%E*S%Ez",
      "%Y-%m-%d%ET%H:%M:%E*SZ",
      "%Y-%m-%d %H:%M:%E*S%Ez",
      "%Y-%m-%d %H:%M:%E*SZ",
      "%Y-%m-%d%ET%H:%M%Ez",
      "%Y-%m-%d%ET%H:%MZ",
      "%Y-%m-%d%ET%H:%M:%E*S",
      "%Y-%m-%d %H:%M:%E*S",
      "%Y-%m-%d%ET%H:%M",
      "%Y-%m-%d %H:%M",
      "%Y-%m-%d",
  };
  for (const char* format : kFormats) {
    absl::Time t;
    std::string error;
    if (absl::ParseTime(format, input, zone, &t, &error)) return absl::ToUnixSeconds(t);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "not a time: \"", input, "\" (use RFC 3339, e.g. 2026-03-08T09:30:00Z, or Unix seconds)"));
}

}  // namespace leadrouter::dsl
