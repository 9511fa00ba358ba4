// The read side of ReportService: Distribution (distribution_report.cc), FollowUps
// (followups_report.cc) and Conversion (conversion_report.cc). Each call checks its scope
// (report_scope.h), reads one consistent snapshot of committed state (storage::DatabaseView) with
// one sequential scan of the range's span facts (owner_spans.h), and adds every span into rows
// keyed by group and bucket (report_keys.h). Nothing is written and the writer is never waited for.
//
// What counts, figure by figure, is in docs/reports.md.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <utility>

#include "absl/status/statusor.h"
#include "dsl/decision/periods.h"
#include "dsl/decision/working_time.h"
#include "leadrouter/v1/reports.pb.h"
#include "server/api/clock.h"
#include "server/roster/roster_cache.h"
#include "storage/database.h"

namespace leadrouter::server {

struct ReportOptions {
  // The calendar of buckets: the server's time zone, as caps count days.
  dsl::PeriodCalendar calendar;
  // The schedule of a rep without one: working time to first contact counts in it.
  dsl::WorkSchedule default_schedule;
  dsl::WorkTimeLimits work_time_limits;
};

class Reports {
 public:
  // `db`, `roster` and `clock` must outlive the reports.
  Reports(storage::Database& db, const RosterCache& roster, const Clock& clock,
          ReportOptions options)
      : db_(db), roster_(roster), clock_(clock), options_(std::move(options)) {}

  [[nodiscard]] absl::StatusOr<leadrouter::v1::DistributionResponse> Distribution(
      const leadrouter::v1::DistributionRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::FollowUpsResponse> FollowUps(
      const leadrouter::v1::FollowUpsRequest& request) const;
  [[nodiscard]] absl::StatusOr<leadrouter::v1::ConversionResponse> Conversion(
      const leadrouter::v1::ConversionRequest& request) const;

 private:
  storage::Database& db_;
  const RosterCache& roster_;
  const Clock& clock_;
  const ReportOptions options_;
};

}  // namespace leadrouter::server
