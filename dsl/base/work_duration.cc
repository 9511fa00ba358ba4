#include "dsl/base/work_duration.h"

#include "absl/strings/str_cat.h"
#include "dsl/base/text_util.h"
#include "dsl/base/value.h"
#include "dsl/base/vocabulary.h"

namespace leadrouter::dsl {

std::string WorkDurationText(const WorkDuration& duration) {
  if (!duration.working()) return FormatDuration(duration.amount);
  const WorkingUnit unit = duration.kind == DurationKind::kWorkingDays ? WorkingUnit::kDays
                           : duration.amount % 3600 == 0               ? WorkingUnit::kHours
                                                                       : WorkingUnit::kMinutes;
  const WorkingUnitWord& word = WorkingUnitWordOf(unit);
  const int64_t count =
      unit == WorkingUnit::kDays ? duration.amount : duration.amount / word.seconds;
  // A part of a minute cannot be written in the language; say it in seconds rather than round.
  if (unit == WorkingUnit::kMinutes && duration.amount % 60 != 0) {
    return absl::StrCat(duration.amount, " working seconds");
  }
  return absl::StrCat(count, " working ", Piece(count == 1 ? word.singular : word.name));
}

bool Comparable(const WorkDuration& a, const WorkDuration& b) { return a.kind == b.kind; }

}  // namespace leadrouter::dsl
