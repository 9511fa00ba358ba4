#include "server/reports/report_keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

absl::string_view RuleKey(const storage::SpanFact& span, std::string& scratch) {
  if (!span.has_rule()) return "manual";
  if (!span.rule().name().empty()) return span.rule().name();
  scratch = absl::StrCat("#", span.rule().index(), "@v", span.rule().version());
  return scratch;
}

}  // namespace

absl::string_view ChannelKey(v1::Channel channel) {
  if (channel == v1::CHANNEL_UNSPECIFIED) return "";
  // Channel_Name returns the descriptor's static name (empty for a number it does not know).
  return absl::StripPrefix(v1::Channel_Name(channel), "CHANNEL_");
}

GroupValue RepGroup(const v1::Rep& rep) {
  return {rep.name(), rep.display_name().empty() ? rep.name() : rep.display_name()};
}

CurrentReps::CurrentReps(const RosterCache& roster) {
  for (v1::Rep& rep : roster.List()) {
    std::string name = rep.name();
    reps_.emplace(std::move(name), std::move(rep));
  }
}

const v1::Rep* CurrentReps::Find(const std::string& name) const {
  const auto it = reps_.find(name);
  return it == reps_.end() ? nullptr : &it->second;
}

GroupValue GroupOf(const storage::SpanFact& span, v1::GroupBy group_by, const CurrentReps& reps,
                   std::string& scratch) {
  const auto plain = [](absl::string_view value) { return GroupValue{value, value}; };
  switch (group_by) {
    case v1::GROUP_BY_SOURCE:
      return plain(span.source());
    case v1::GROUP_BY_RULE:
      return plain(RuleKey(span, scratch));
    case v1::GROUP_BY_CHANNEL:
      return plain(ChannelKey(span.preferred_channel()));
    case v1::GROUP_BY_TEAM:
      return plain(span.rep_known() ? absl::string_view(span.team()) : absl::string_view());
    case v1::GROUP_BY_REGION:
      return plain(span.region());
    case v1::GROUP_BY_INDUSTRY:
      return plain(span.industry());
    case v1::GROUP_BY_REP_LEVEL:
      if (!span.rep_known()) return plain("");
      scratch = absl::StrCat(span.level());
      return plain(scratch);
    default: {
      const v1::Rep* const rep = reps.Find(span.rep());
      if (rep != nullptr) return RepGroup(*rep);
      return plain(span.rep());
    }
  }
}

std::optional<int64_t> BucketStart(v1::Interval interval, int64_t at_us,
                                   const absl::TimeZone& zone) {
  const absl::Time at = absl::FromUnixMicros(at_us);
  switch (interval) {
    case v1::INTERVAL_DAY:
      return absl::ToUnixMicros(absl::FromCivil(absl::ToCivilDay(at, zone), zone));
    case v1::INTERVAL_WEEK: {
      const absl::CivilDay day = absl::ToCivilDay(at, zone);
      // absl::Weekday counts from Monday = 0.
      const absl::CivilDay monday = day - static_cast<int>(absl::GetWeekday(day));
      return absl::ToUnixMicros(absl::FromCivil(monday, zone));
    }
    case v1::INTERVAL_MONTH:
      return absl::ToUnixMicros(absl::FromCivil(absl::ToCivilMonth(at, zone), zone));
    default:
      return std::nullopt;
  }
}

absl::Status TooManyReportRows() {
  return TooLarge("group_by",
                  absl::StrCat("the report would have more than ", kMaxReportRows,
                               " rows: use a coarser interval or a narrower filter"),
                  "TOO_MANY_ROWS");
}

v1::GroupKey ToGroupKey(v1::GroupBy group_by, const RowKey& key, const std::string& label) {
  v1::GroupKey out;
  out.set_group_by(group_by);
  out.set_value(key.first);
  out.set_label(label);
  if (key.second.has_value()) {
    *out.mutable_bucket_start() = TimeUtil::MicrosecondsToTimestamp(*key.second);
  }
  return out;
}

}  // namespace leadrouter::server
