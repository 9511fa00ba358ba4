// Reports::Conversion: what became of each group's leads: converted, lost or still open with the
// owner, the value won, the time it took, and the model's prediction beside the outcome.
#include <string>

#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/reports/owner_spans.h"
#include "server/reports/report_keys.h"
#include "server/reports/report_scope.h"
#include "server/reports/reports.h"
#include "storage/read_view.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

struct Tally {
  int64_t leads = 0;
  int64_t converted = 0;
  int64_t lost = 0;
  double converted_value = 0;
  int64_t convert_us_sum = 0;
  double score_sum = 0;
  int64_t scored = 0;

  void Add(const Tally& other) {
    leads += other.leads;
    converted += other.converted;
    lost += other.lost;
    converted_value += other.converted_value;
    convert_us_sum += other.convert_us_sum;
    score_sum += other.score_sum;
    scored += other.scored;
  }
};

double Ratio(int64_t part, int64_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

v1::ConversionRow ToRow(const Tally& tally) {
  v1::ConversionRow row;
  row.set_leads(tally.leads);
  row.set_converted(tally.converted);
  row.set_lost(tally.lost);
  row.set_open(tally.leads - tally.converted - tally.lost);
  row.set_conversion_rate(Ratio(tally.converted, tally.leads));
  row.set_win_rate(Ratio(tally.converted, tally.converted + tally.lost));
  row.set_converted_value(tally.converted_value);
  if (tally.converted > 0) {
    *row.mutable_time_to_convert_mean() =
        TimeUtil::MicrosecondsToDuration(tally.convert_us_sum / tally.converted);
  }
  if (tally.scored > 0) row.set_predicted_rate(tally.score_sum / static_cast<double>(tally.scored));
  return row;
}

}  // namespace

absl::StatusOr<v1::ConversionResponse> Reports::Conversion(
    const v1::ConversionRequest& request) const {
  const int64_t now_us = absl::ToUnixMicros(clock_.Now());
  ASSIGN_OR_RETURN(const ReportScope scope, CheckReportScope(request.filter(), request.group_by(),
                                                             request.interval(), roster_, now_us));
  RowTable<Tally> table;
  const CurrentReps reps(roster_);
  std::string group_scratch;
  storage::DatabaseView view(db_);
  RETURN_IF_ERROR(ForEachOwnerSpan(view, scope, [&](const storage::SpanFact& span) -> absl::Status {
    ASSIGN_OR_RETURN(
        Tally* const tally,
        table.At(GroupOf(span, scope.group_by, reps, group_scratch),
                 BucketStart(scope.interval, span.decide_us(), options_.calendar.zone())));
    tally->leads += 1;
    // The outcome is the owner's when the lead closed in their hands.
    if (span.end_kind() == v1::ASSIGNMENT_KIND_CLOSE) {
      if (span.closed_state() == v1::LEAD_STATE_CONVERTED) {
        tally->converted += 1;
        tally->converted_value += span.has_closed_value() ? span.closed_value() : 0;
        tally->convert_us_sum += span.end_us() - span.decide_us();
      } else if (span.closed_state() == v1::LEAD_STATE_LOST) {
        tally->lost += 1;
      }
    }
    if (span.has_score()) {
      tally->score_sum += span.score();
      tally->scored += 1;
    }
    return absl::OkStatus();
  }));

  v1::ConversionResponse response;
  Tally total;
  for (const auto& [key, tally] : table.rows()) {
    total.Add(tally);
    v1::ConversionRow& row = *response.add_rows();
    row = ToRow(tally);
    *row.mutable_key() = ToGroupKey(scope.group_by, key, table.LabelOf(key.first));
  }
  *response.mutable_total() = ToRow(total);
  response.mutable_total()->mutable_key()->set_group_by(scope.group_by);
  return response;
}

}  // namespace leadrouter::server
