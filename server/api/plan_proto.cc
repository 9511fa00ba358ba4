#include "server/api/plan_proto.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsl/base/escalation_target.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/validation.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

// At most this many holidays and time-off intervals per schedule: a rep's record stays small, and
// a deadline's search stays one step per day.
constexpr int kMaxScheduleEntries = 1000;

v1::SlaAction ToActionProto(dsl::SlaAction action) {
  switch (action) {
    case dsl::SlaAction::kReassign:
      return v1::SLA_ACTION_REASSIGN;
    case dsl::SlaAction::kEscalate:
      return v1::SLA_ACTION_ESCALATE;
    case dsl::SlaAction::kNotify:
      return v1::SLA_ACTION_NOTIFY;
  }
  return v1::SLA_ACTION_UNSPECIFIED;
}

absl::StatusOr<dsl::SlaAction> FromActionProto(v1::SlaAction action) {
  switch (action) {
    case v1::SLA_ACTION_REASSIGN:
      return dsl::SlaAction::kReassign;
    case v1::SLA_ACTION_ESCALATE:
      return dsl::SlaAction::kEscalate;
    case v1::SLA_ACTION_NOTIFY:
      return dsl::SlaAction::kNotify;
    default:
      return absl::DataLossError(absl::StrCat("stored SLA step with action ", action));
  }
}

v1::DurationUnit ToUnitProto(dsl::DurationKind kind) {
  switch (kind) {
    case dsl::DurationKind::kWallClock:
      return v1::DURATION_UNIT_SECONDS;
    case dsl::DurationKind::kWorkingTime:
      return v1::DURATION_UNIT_WORKING_SECONDS;
    case dsl::DurationKind::kWorkingDays:
      return v1::DURATION_UNIT_WORKING_DAYS;
  }
  return v1::DURATION_UNIT_UNSPECIFIED;
}

absl::StatusOr<dsl::WorkDuration> FromDurationProto(int64_t after, v1::DurationUnit unit) {
  if (after <= 0) return absl::DataLossError(absl::StrCat("stored duration of ", after));
  switch (unit) {
    case v1::DURATION_UNIT_SECONDS:
      return dsl::WorkDuration::WallClock(after);
    case v1::DURATION_UNIT_WORKING_SECONDS:
      return dsl::WorkDuration::WorkingSeconds(after);
    case v1::DURATION_UNIT_WORKING_DAYS:
      return dsl::WorkDuration::WorkingDays(after);
    default:
      return absl::DataLossError(absl::StrCat("stored duration unit ", unit));
  }
}

// A working duration counted nominally: an hour of working time as 3600 s, a working day as a day.
int64_t NominalSeconds(const dsl::WorkDuration& duration) {
  return duration.kind == dsl::DurationKind::kWorkingDays ? duration.amount * 86400
                                                          : duration.amount;
}

absl::Status Under(absl::string_view field, absl::string_view part, const absl::Status& status) {
  return InvalidField(absl::StrCat(field, ".", part), status.message());
}

}  // namespace

v1::Sla ToSlaProto(const dsl::SlaPolicy& sla, bool server_default) {
  v1::Sla out;
  out.set_server_default(server_default);
  for (size_t i = 0; i < sla.steps.size(); ++i) {
    const dsl::SlaStep& step = sla.steps[i];
    v1::SlaStep& proto = *out.add_steps();
    proto.set_index(static_cast<int32_t>(i));
    proto.set_after(step.after.amount);
    proto.set_unit(ToUnitProto(step.after.kind));
    proto.set_action(ToActionProto(step.action));
    proto.set_target(dsl::EscalationTargetText(step.target));
  }
  if (!sla.steps.empty()) {
    out.set_within_seconds(NominalSeconds(sla.steps.front().after));
    out.set_action(ToActionProto(sla.steps.front().action));
  }
  return out;
}

google::protobuf::RepeatedPtrField<v1::FollowUpStep> ToFollowUpPlanProto(
    const std::vector<dsl::FollowupStep>& plan) {
  google::protobuf::RepeatedPtrField<v1::FollowUpStep> out;
  for (const dsl::FollowupStep& step : plan) {
    v1::FollowUpStep& proto = *out.Add();
    proto.set_channel(ChannelFromName(step.channel).value_or(v1::CHANNEL_UNSPECIFIED));
    proto.set_channel_name(step.channel);
    proto.set_within_seconds(NominalSeconds(step.within));
    proto.set_after(step.within.amount);
    proto.set_unit(ToUnitProto(step.within.kind));
  }
  return out;
}

absl::StatusOr<dsl::SlaPolicy> FromSlaProto(const v1::Sla& sla) {
  dsl::SlaPolicy policy;
  for (const v1::SlaStep& proto : sla.steps()) {
    dsl::SlaStep step;
    ASSIGN_OR_RETURN(step.after, FromDurationProto(proto.after(), proto.unit()));
    ASSIGN_OR_RETURN(step.action, FromActionProto(proto.action()));
    if (!proto.target().empty()) {
      absl::StatusOr<dsl::EscalationTarget> target = dsl::ParseEscalationTarget(proto.target());
      if (!target.ok()) {
        return absl::DataLossError(
            absl::StrCat("stored escalation target: ", target.status().message()));
      }
      step.target = *std::move(target);
    }
    policy.steps.push_back(std::move(step));
  }
  return policy;
}

absl::StatusOr<std::vector<dsl::FollowupStep>> FromFollowUpPlanProto(
    const google::protobuf::RepeatedPtrField<v1::FollowUpStep>& plan) {
  std::vector<dsl::FollowupStep> steps;
  for (const v1::FollowUpStep& proto : plan) {
    dsl::FollowupStep step;
    step.channel =
        proto.channel_name().empty() ? ChannelName(proto.channel()) : proto.channel_name();
    if (step.channel.empty()) return absl::DataLossError("stored follow-up step without a channel");
    ASSIGN_OR_RETURN(step.within, FromDurationProto(proto.after(), proto.unit()));
    steps.push_back(std::move(step));
  }
  return steps;
}

absl::StatusOr<dsl::WorkSchedule> FromWorkScheduleProto(const v1::WorkSchedule& proto,
                                                        absl::string_view field) {
  if (proto.time_zone().empty()) {
    return InvalidField(absl::StrCat(field, ".time_zone"),
                        "required: an IANA time zone, e.g. America/New_York");
  }
  if (proto.hours().empty()) {
    return InvalidField(absl::StrCat(field, ".hours"),
                        "required: weekly hours, e.g. \"mon-fri 09:00-18:00\"");
  }
  if (proto.holidays_size() > kMaxScheduleEntries) {
    return InvalidField(
        absl::StrCat(field, ".holidays"),
        absl::StrCat("at most ", kMaxScheduleEntries, " dates, got ", proto.holidays_size()));
  }
  if (proto.time_off_size() > kMaxScheduleEntries) {
    return InvalidField(
        absl::StrCat(field, ".time_off"),
        absl::StrCat("at most ", kMaxScheduleEntries, " intervals, got ", proto.time_off_size()));
  }
  // Each part alone first, so that the error names the one that is wrong.
  absl::StatusOr<dsl::WorkSchedule> zone_only =
      dsl::ParseWorkSchedule(proto.time_zone(), "mon 00:00-24:00");
  if (!zone_only.ok()) return Under(field, "time_zone", zone_only.status());
  absl::StatusOr<dsl::WeeklyHours> week = dsl::ParseWeeklyHours(proto.hours());
  if (!week.ok()) return Under(field, "hours", week.status());
  for (int i = 0; i < proto.holidays_size(); ++i) {
    absl::StatusOr<dsl::WorkSchedule> one =
        dsl::ParseWorkSchedule(proto.time_zone(), proto.hours(), {proto.holidays(i)});
    if (!one.ok()) return Under(field, absl::StrCat("holidays[", i, "]"), one.status());
  }
  std::vector<dsl::TimeOff> time_off;
  for (int i = 0; i < proto.time_off_size(); ++i) {
    const v1::TimeRange& range = proto.time_off(i);
    const std::string at = absl::StrCat("time_off[", i, "]");
    if (!range.has_start_time() || !range.has_end_time()) {
      return InvalidField(absl::StrCat(field, ".", at), "needs both start_time and end_time");
    }
    if (!(range.start_time() < range.end_time())) {
      return InvalidField(absl::StrCat(field, ".", at, ".end_time"), "must be after start_time");
    }
    time_off.push_back({absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(range.start_time())),
                        absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(range.end_time()))});
  }
  std::vector<std::string> holidays(proto.holidays().begin(), proto.holidays().end());
  absl::StatusOr<dsl::WorkSchedule> schedule =
      dsl::ParseWorkSchedule(proto.time_zone(), proto.hours(), holidays, std::move(time_off));
  if (!schedule.ok()) return InvalidField(field, schedule.status().message());
  return schedule;
}

v1::WorkSchedule ToWorkScheduleProto(const dsl::WorkSchedule& schedule) {
  v1::WorkSchedule out;
  out.set_time_zone(schedule.zone_name);
  out.set_hours(dsl::WeeklyHoursText(schedule.week));
  for (const absl::CivilDay& day : schedule.holidays) {
    out.add_holidays(absl::FormatCivilTime(day));
  }
  for (const dsl::TimeOff& off : schedule.time_off) {
    v1::TimeRange& range = *out.add_time_off();
    *range.mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(off.begin));
    *range.mutable_end_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(off.end));
  }
  return out;
}

}  // namespace leadrouter::server
