// What a report covers: its ReportFilter, grouping and interval, checked once (INVALID_ARGUMENT
// naming the field) and in the form the scan tests entries against.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "leadrouter/v1/reports.pb.h"
#include "server/roster/roster_cache.h"

namespace leadrouter::server {

// Reports cover at most this many days of decisions (ReportFilter.time_range).
inline constexpr int64_t kMaxReportDays = 400;

struct ReportScope {
  // Decisions in [start_us, end_us); an unset end is the call's "now".
  int64_t start_us = 0;
  int64_t end_us = 0;
  leadrouter::v1::GroupBy group_by = leadrouter::v1::GROUP_BY_REP;
  leadrouter::v1::Interval interval = leadrouter::v1::INTERVAL_UNSPECIFIED;
  // Empty sets do not filter.
  std::set<std::string> reps;
  std::string team;
  std::set<std::string> sources;
  std::set<std::string> rules;
  std::set<int64_t> rule_versions;
  // Never empty: the request's kinds, or every kind that gives a lead an owner.
  std::set<int> kinds;
};

// The scope of a request: `filter` (field prefix "filter."), `group_by` and `interval`. Reps
// must be in the roster (`filter.reps[i]`: unknown rep), kinds must be kinds that give a lead
// an owner.
[[nodiscard]] absl::StatusOr<ReportScope> CheckReportScope(
    const leadrouter::v1::ReportFilter& filter, leadrouter::v1::GroupBy group_by,
    leadrouter::v1::Interval interval, const RosterCache& roster, int64_t now_us);

}  // namespace leadrouter::server
