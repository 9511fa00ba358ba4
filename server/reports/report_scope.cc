#include "server/reports/report_scope.h"

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/errors.h"
#include "server/api/validation.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;

constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;

bool GivesAnOwner(v1::AssignmentKind kind) {
  switch (kind) {
    case v1::ASSIGNMENT_KIND_ASSIGN:
    case v1::ASSIGNMENT_KIND_REASSIGN:
    case v1::ASSIGNMENT_KIND_MANUAL:
    case v1::ASSIGNMENT_KIND_SLA_BREACH:
    case v1::ASSIGNMENT_KIND_REVIEW:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<ReportScope> CheckReportScope(const v1::ReportFilter& filter, v1::GroupBy group_by,
                                             v1::Interval interval, const RosterCache& roster,
                                             int64_t now_us) {
  ReportScope scope;
  if (!v1::GroupBy_IsValid(group_by)) return InvalidField("group_by", "unknown grouping");
  if (group_by != v1::GROUP_BY_UNSPECIFIED) scope.group_by = group_by;
  if (!v1::Interval_IsValid(interval)) return InvalidField("interval", "unknown interval");
  scope.interval = interval;

  if (!filter.time_range().has_start_time()) {
    return InvalidField("filter.time_range.start_time", "is required");
  }
  ASSIGN_OR_RETURN(const MicrosRange range,
                   CheckTimeRange(filter.time_range(), "filter.time_range"));
  scope.start_us = range.start_us;
  scope.end_us = filter.time_range().has_end_time() ? range.end_us : now_us;
  if (scope.end_us < scope.start_us) {
    return InvalidField("filter.time_range.end_time", "is before start_time (unset end: now)");
  }
  if (scope.end_us - scope.start_us > kMaxReportDays * kMicrosPerDay) {
    return InvalidField("filter.time_range",
                        absl::StrCat("spans more than ", kMaxReportDays, " days"));
  }

  for (int i = 0; i < filter.reps_size(); ++i) {
    const std::string field = absl::StrCat("filter.reps[", i, "]");
    RETURN_IF_ERROR(ParseName(filter.reps(i), "reps", field).status());
    if (!roster.Find(filter.reps(i)).has_value()) {
      return InvalidField(field, absl::StrCat("unknown rep ", filter.reps(i)));
    }
    scope.reps.insert(filter.reps(i));
  }
  scope.team = filter.team();
  scope.sources.insert(filter.sources().begin(), filter.sources().end());
  scope.rules.insert(filter.rules().begin(), filter.rules().end());
  scope.rule_versions.insert(filter.rule_versions().begin(), filter.rule_versions().end());
  for (int i = 0; i < filter.kinds_size(); ++i) {
    const auto kind = static_cast<v1::AssignmentKind>(filter.kinds(i));
    if (!v1::AssignmentKind_IsValid(kind) || !GivesAnOwner(kind)) {
      return InvalidField(absl::StrCat("filter.kinds[", i, "]"),
                          "must be ASSIGN, REASSIGN, MANUAL, SLA_BREACH or REVIEW");
    }
    scope.kinds.insert(kind);
  }
  if (scope.kinds.empty()) {
    for (const v1::AssignmentKind kind :
         {v1::ASSIGNMENT_KIND_ASSIGN, v1::ASSIGNMENT_KIND_REASSIGN, v1::ASSIGNMENT_KIND_MANUAL,
          v1::ASSIGNMENT_KIND_SLA_BREACH, v1::ASSIGNMENT_KIND_REVIEW}) {
      scope.kinds.insert(kind);
    }
  }
  return scope;
}

}  // namespace leadrouter::server
