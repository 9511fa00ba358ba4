// Reading a WorkSchedule from text and JSON: the one place the forms of weekly hours, holidays
// and time off are read, so the server's configuration and a rep's fields are checked alike.
#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"
#include "dsl/decision/working_time.h"

namespace leadrouter::dsl {
namespace {

// Monday first, as absl::Weekday.
constexpr std::array<std::string_view, 7> kDayNames = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};

// A cursor over the weekly-hours text; errors name the 1-based column.
class HoursReader {
 public:
  explicit HoursReader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipBlanks() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  size_t pos() const { return pos_; }
  // At the cursor: what was expected there.
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("weekly hours, column ", pos_ + 1, ": ",
                                                   Piece(what), AtEnd() ? " (at the end)" : ""));
  }
  // At an earlier position (a block's or a group's start): what is wrong with it as a whole.
  absl::Status ErrorAt(size_t at, std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("weekly hours, column ", at + 1, ": ", Piece(what)));
  }

  // `mon`..`sun`, lower or upper case: the weekday's index.
  absl::StatusOr<int> Day() {
    if (pos_ + 3 <= text_.size()) {
      std::string word(text_.substr(pos_, 3));
      for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (size_t i = 0; i < kDayNames.size(); ++i) {
        if (word == kDayNames[i]) {
          pos_ += 3;
          return static_cast<int>(i);
        }
      }
    }
    return Error("expected a day: mon, tue, wed, thu, fri, sat or sun");
  }

  // `HH:MM`, 00:00 to 24:00: minutes since midnight.
  absl::StatusOr<int> TimeOfDay() {
    const auto digit = [&](size_t at) {
      return at < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at]));
    };
    if (!(digit(pos_) && digit(pos_ + 1) && pos_ + 2 < text_.size() && text_[pos_ + 2] == ':' &&
          digit(pos_ + 3) && digit(pos_ + 4))) {
      return Error("expected a time as HH:MM, e.g. 09:00");
    }
    const int hours = (text_[pos_] - '0') * 10 + (text_[pos_ + 1] - '0');
    const int minutes = (text_[pos_ + 3] - '0') * 10 + (text_[pos_ + 4] - '0');
    if (hours > 24 || minutes > 59 || (hours == 24 && minutes != 0)) {
      return Error(
          absl::StrFormat("%02d:%02d is not a time of day (00:00 to 24:00)", hours, minutes));
    }
    pos_ += 5;
    return hours * 60 + minutes;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

absl::StatusOr<std::vector<int>> ReadDays(HoursReader& in) {
  std::vector<int> days;
  do {
    in.SkipBlanks();
    ASSIGN_OR_RETURN(const int first, in.Day());
    int last = first;
    if (in.Consume('-')) {
      ASSIGN_OR_RETURN(last, in.Day());
    }
    // `sun-thu` wraps over the end of the week.
    for (int day = first;; day = (day + 1) % 7) {
      days.push_back(day);
      if (day == last) break;
    }
    in.SkipBlanks();
  } while (in.Consume(','));
  return days;
}

absl::StatusOr<std::vector<WorkBlock>> ReadBlocks(HoursReader& in) {
  std::vector<WorkBlock> blocks;
  do {
    in.SkipBlanks();
    const size_t block_begin = in.pos();
    ASSIGN_OR_RETURN(const int begin, in.TimeOfDay());
    if (!in.Consume('-')) return in.Error("expected `-` between a block's start and end");
    ASSIGN_OR_RETURN(const int end, in.TimeOfDay());
    if (end <= begin) {
      return in.ErrorAt(block_begin, "a block must end after it starts, e.g. 09:00-18:00");
    }
    blocks.push_back({begin, end});
    in.SkipBlanks();
  } while (in.Consume(','));
  return blocks;
}

absl::StatusOr<absl::CivilDay> ReadDate(std::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(Piece(text), &day) || absl::FormatCivilTime(day) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", Piece(text), "\" is not a date as YYYY-MM-DD"));
  }
  return day;
}

// Sorted and merged, so that the day walk can search it.
absl::StatusOr<std::vector<TimeOff>> NormalizeTimeOff(std::vector<TimeOff> time_off) {
  for (size_t i = 0; i < time_off.size(); ++i) {
    if (!(time_off[i].begin < time_off[i].end)) {
      return absl::InvalidArgumentError(
          absl::StrCat("time off ", i + 1, " does not end after it begins"));
    }
  }
  std::sort(time_off.begin(), time_off.end(),
            [](const TimeOff& a, const TimeOff& b) { return a.begin < b.begin; });
  std::vector<TimeOff> merged;
  for (const TimeOff& off : time_off) {
    if (!merged.empty() && off.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, off.end);
    } else {
      merged.push_back(off);
    }
  }
  return merged;
}

absl::Status Prefixed(std::string_view field, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(Piece(field), ": ", status.message()));
}

absl::StatusOr<absl::Time> ReadInstant(const nlohmann::json& value, const std::string& field) {
  if (!value.is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected an RFC 3339 time string"));
  }
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not an RFC 3339 time (2026-12-24T00:00:00+08:00): ", error));
  }
  return t;
}

}  // namespace

absl::StatusOr<WeeklyHours> ParseWeeklyHours(std::string_view text) {
  WeeklyHours week;
  std::array<bool, 7> seen{};
  HoursReader in(text);
  in.SkipBlanks();
  if (in.AtEnd()) return in.Error("no working hours given");
  do {
    in.SkipBlanks();
    const size_t group_begin = in.pos();
    ASSIGN_OR_RETURN(const std::vector<int> days, ReadDays(in));
    if (in.AtEnd()) return in.Error("expected the blocks after the days (mon-fri 09:00-18:00)");
    ASSIGN_OR_RETURN(std::vector<WorkBlock> blocks, ReadBlocks(in));
    std::sort(blocks.begin(), blocks.end(), [](const WorkBlock& a, const WorkBlock& b) {
      return a.begin_minute < b.begin_minute;
    });
    for (size_t i = 1; i < blocks.size(); ++i) {
      if (blocks[i].begin_minute < blocks[i - 1].end_minute) {
        return in.ErrorAt(group_begin, "two blocks of one day overlap");
      }
    }
    for (const int day : days) {
      if (seen[day]) {
        return in.ErrorAt(group_begin, absl::StrCat(Piece(kDayNames[day]), " is given twice"));
      }
      seen[day] = true;
      week[day] = blocks;
    }
    in.SkipBlanks();
  } while (in.Consume(';'));
  if (!in.AtEnd()) return in.Error("expected `;` before the next group of days");
  return week;
}

absl::StatusOr<WorkSchedule> ParseWorkSchedule(std::string_view zone_name,
                                               std::string_view weekly_hours,
                                               const std::vector<std::string>& holidays,
                                               std::vector<TimeOff> time_off) {
  WorkSchedule schedule;
  schedule.zone_name = std::string(zone_name);
  if (zone_name.empty() || !absl::LoadTimeZone(schedule.zone_name, &schedule.zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "time zone \"", Piece(zone_name), "\" is not an IANA time zone (e.g. America/New_York)"));
  }
  ASSIGN_OR_RETURN(schedule.week, ParseWeeklyHours(weekly_hours));
  for (const std::string& holiday : holidays) {
    absl::StatusOr<absl::CivilDay> day = ReadDate(holiday);
    if (!day.ok()) return Prefixed("holiday", day.status());
    schedule.holidays.push_back(*day);
  }
  std::sort(schedule.holidays.begin(), schedule.holidays.end());
  schedule.holidays.erase(std::unique(schedule.holidays.begin(), schedule.holidays.end()),
                          schedule.holidays.end());
  ASSIGN_OR_RETURN(schedule.time_off, NormalizeTimeOff(std::move(time_off)));
  return schedule;
}

absl::StatusOr<WorkSchedule> ParseWorkScheduleJson(std::string_view json) {
  const nlohmann::json doc =
      nlohmann::json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("a schedule is a JSON object");
  }
  for (const auto& item : doc.items()) {
    const std::string& key = item.key();
    if (key != "time_zone" && key != "hours" && key != "holidays" && key != "time_off") {
      return absl::InvalidArgumentError(absl::StrCat("unknown schedule field \"", key,
                                                     "\" (time_zone, hours, holidays, time_off)"));
    }
  }
  const auto text_field = [&](const char* name) -> absl::StatusOr<std::string> {
    const auto it = doc.find(name);
    if (it == doc.end() || !it->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": required, a string"));
    }
    return it->get<std::string>();
  };
  ASSIGN_OR_RETURN(const std::string zone, text_field("time_zone"));
  ASSIGN_OR_RETURN(const std::string hours, text_field("hours"));
  std::vector<std::string> holidays;
  if (const auto it = doc.find("holidays"); it != doc.end()) {
    if (!it->is_array()) return absl::InvalidArgumentError("holidays: expected an array of dates");
    for (size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) {
        return absl::InvalidArgumentError(absl::StrCat("holidays[", i, "]: expected a date"));
      }
      holidays.push_back((*it)[i].get<std::string>());
    }
  }
  std::vector<TimeOff> time_off;
  if (const auto it = doc.find("time_off"); it != doc.end()) {
    if (!it->is_array()) return absl::InvalidArgumentError("time_off: expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const nlohmann::json& item = (*it)[i];
      const std::string where = absl::StrCat("time_off[", i, "]");
      if (!item.is_object() || !item.contains("from") || !item.contains("to")) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": expected {\"from\", \"to\"}"));
      }
      ASSIGN_OR_RETURN(const absl::Time from, ReadInstant(item["from"], where + ".from"));
      ASSIGN_OR_RETURN(const absl::Time to, ReadInstant(item["to"], where + ".to"));
      if (!(from < to)) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": `to` is not after `from`"));
      }
      time_off.push_back({from, to});
    }
  }
  absl::StatusOr<WorkSchedule> schedule = ParseWorkSchedule(zone, hours, holidays, time_off);
  if (!schedule.ok() && absl::StrContains(schedule.status().message(), "weekly hours")) {
    return Prefixed("hours", schedule.status());
  }
  return schedule;
}

std::string WeeklyHoursText(const WeeklyHours& week) {
  std::string out;
  for (size_t day = 0; day < week.size(); ++day) {
    if (week[day].empty()) continue;
    absl::StrAppend(&out, out.empty() ? "" : "; ", Piece(kDayNames[day]), " ");
    for (size_t i = 0; i < week[day].size(); ++i) {
      const WorkBlock& block = week[day][i];
      absl::StrAppend(
          &out, i > 0 ? "," : "",
          absl::StrFormat("%02d:%02d-%02d:%02d", block.begin_minute / 60, block.begin_minute % 60,
                          block.end_minute / 60, block.end_minute % 60));
    }
  }
  return out;
}

}  // namespace leadrouter::dsl
