#include "clients/leadctl/report_view.h"

#include <google/protobuf/util/time_util.h>

#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/common/proto_output.h"
#include "clients/common/text_table.h"

namespace leadrouter::leadctl {
namespace {

using google::protobuf::util::TimeUtil;

// One column: its table title, its CSV name, and its cell in each form.
template <typename Row>
struct Column {
  std::string title;
  std::string csv_name;
  std::function<std::string(const Row&)> table;
  std::function<std::string(const Row&)> csv;
};

std::string Percent(double fraction) { return absl::StrFormat("%.1f%%", 100 * fraction); }
std::string Fixed(double value) { return absl::StrFormat("%.1f", value); }
std::string Count(int64_t value) { return absl::StrCat(value); }
// Money in whole units: deal values are large and their cents are noise in a table.
std::string Money(double value) { return absl::StrFormat("%.0f", value); }
std::string Seconds(const google::protobuf::Duration& duration, bool set) {
  return set ? client::FormatNumber(
                   static_cast<double>(TimeUtil::DurationToMilliseconds(duration)) / 1000)
             : "";
}

// The table's group column: the label, with the value beside it when they differ.
std::string GroupText(const v1::GroupKey& key) {
  if (key.value().empty()) return "(none)";
  if (key.label().empty() || key.label() == key.value()) return key.value();
  return absl::StrCat(key.label(), " (", client::ShortName(key.value()), ")");
}

template <typename Row>
bool AnyBucket(const google::protobuf::RepeatedPtrField<Row>& rows) {
  for (const Row& row : rows) {
    if (row.key().has_bucket_start()) return true;
  }
  return false;
}

template <typename Row>
std::string Render(const google::protobuf::RepeatedPtrField<Row>& rows, const Row& total,
                   const std::vector<Column<Row>>& columns, ReportFormat format) {
  const bool buckets = AnyBucket(rows);
  if (format == ReportFormat::kCsv) {
    std::vector<std::string> header = {"group", "label", "bucket_start"};
    for (const Column<Row>& column : columns) header.push_back(column.csv_name);
    std::string out = absl::StrCat(absl::StrJoin(header, ","), "\n");
    const auto line = [&](const Row& row, const std::string& label) {
      std::vector<std::string> cells = {
          client::CsvField(row.key().value()), client::CsvField(label),
          row.key().has_bucket_start() ? client::FormatTime(row.key().bucket_start()) : ""};
      for (const Column<Row>& column : columns) cells.push_back(client::CsvField(column.csv(row)));
      absl::StrAppend(&out, absl::StrJoin(cells, ","), "\n");
    };
    for (const Row& row : rows) line(row, row.key().label());
    line(total, "total");
    return out;
  }
  std::vector<std::string> header = {"GROUP"};
  if (buckets) header.push_back("BUCKET");
  for (const Column<Row>& column : columns) header.push_back(column.title);
  client::TextTable table(header);
  const auto add = [&](const Row& row, const std::string& group) {
    std::vector<std::string> cells = {group};
    if (buckets) {
      cells.push_back(row.key().has_bucket_start() ? client::FormatTime(row.key().bucket_start())
                                                   : "");
    }
    for (const Column<Row>& column : columns) cells.push_back(column.table(row));
    table.AddRow(std::move(cells));
  };
  for (const Row& row : rows) add(row, GroupText(row.key()));
  add(total, "TOTAL");
  return table.Render();
}

const std::vector<Column<v1::DistributionRow>>& DistributionColumns() {
  using Row = v1::DistributionRow;
  static const std::vector<Column<Row>> columns = {
      {"LEADS", "leads", [](const Row& r) { return Count(r.leads()); },
       [](const Row& r) { return Count(r.leads()); }},
      {"SHARE", "share", [](const Row& r) { return Percent(r.share()); },
       [](const Row& r) { return client::FormatNumber(r.share()); }},
      {"QUALITY", "quality_mean", [](const Row& r) { return Fixed(r.quality_mean()); },
       [](const Row& r) { return client::FormatNumber(r.quality_mean()); }},
      {"QUALITY_SUM", "quality_sum", [](const Row& r) { return Fixed(r.quality_sum()); },
       [](const Row& r) { return client::FormatNumber(r.quality_sum()); }},
      {"HIGH", "high_quality_leads",
       [](const Row& r) {
         return absl::StrCat(r.high_quality_leads(), " (", Percent(r.high_quality_share()), ")");
       },
       [](const Row& r) { return Count(r.high_quality_leads()); }},
      {"VALUE", "value_sum", [](const Row& r) { return Money(r.value_sum()); },
       [](const Row& r) { return client::FormatNumber(r.value_sum()); }},
      {"MOVED_AWAY", "reassigned_away", [](const Row& r) { return Count(r.reassigned_away()); },
       [](const Row& r) { return Count(r.reassigned_away()); }},
  };
  return columns;
}

const std::vector<Column<v1::FollowUpsRow>>& FollowUpsColumns() {
  using Row = v1::FollowUpsRow;
  const auto span = [](const google::protobuf::Duration& (Row::*field)() const,
                       bool (Row::*has)() const) {
    return std::pair<std::function<std::string(const Row&)>,
                     std::function<std::string(const Row&)>>(
        [=](const Row& r) { return FormatSpan((r.*field)(), (r.*has)()); },
        [=](const Row& r) { return Seconds((r.*field)(), (r.*has)()); });
  };
  const auto mean = span(&Row::first_contact_mean, &Row::has_first_contact_mean);
  const auto median = span(&Row::first_contact_median, &Row::has_first_contact_median);
  const auto p90 = span(&Row::first_contact_p90, &Row::has_first_contact_p90);
  const auto working_median =
      span(&Row::first_contact_working_median, &Row::has_first_contact_working_median);
  const auto working_p90 =
      span(&Row::first_contact_working_p90, &Row::has_first_contact_working_p90);
  const auto count = [](int64_t (Row::*field)() const) {
    return [=](const Row& r) { return Count((r.*field)()); };
  };
  static const std::vector<Column<Row>> columns = {
      {"LEADS", "leads", count(&Row::leads), count(&Row::leads)},
      {"CONTACTED", "contacted",
       [](const Row& r) {
         return absl::StrCat(r.contacted(), " (", Percent(r.contact_rate()), ")");
       },
       count(&Row::contacted)},
      {"MEAN", "first_contact_mean_s", mean.first, mean.second},
      {"MEDIAN", "first_contact_median_s", median.first, median.second},
      {"P90", "first_contact_p90_s", p90.first, p90.second},
      {"WORK_MEDIAN", "first_contact_working_median_s", working_median.first,
       working_median.second},
      {"WORK_P90", "first_contact_working_p90_s", working_p90.first, working_p90.second},
      {"<1H", "first_contact_under_1h", count(&Row::first_contact_under_1h),
       count(&Row::first_contact_under_1h)},
      {"1-8H", "first_contact_1h_to_8h", count(&Row::first_contact_1h_to_8h),
       count(&Row::first_contact_1h_to_8h)},
      {"8-24H", "first_contact_8h_to_24h", count(&Row::first_contact_8h_to_24h),
       count(&Row::first_contact_8h_to_24h)},
      {">=24H", "first_contact_24h_or_more", count(&Row::first_contact_24h_or_more),
       count(&Row::first_contact_24h_or_more)},
      {"SLA_MET", "sla_met",
       [](const Row& r) {
         return absl::StrCat(r.sla_met(), "/", r.sla_leads(), " (", Percent(r.sla_compliance()),
                             ")");
       },
       count(&Row::sla_met)},
      {"SLA_LEADS", "sla_leads", nullptr, count(&Row::sla_leads)},
      {"BREACHES", "breaches",
       [](const Row& r) {
         return absl::StrCat(r.breaches(), " (", r.breaches_reassigned(), " reassigned, ",
                             r.breaches_escalated(), " escalated)");
       },
       count(&Row::breaches)},
      {"", "breaches_reassigned", nullptr, count(&Row::breaches_reassigned)},
      {"", "breaches_escalated", nullptr, count(&Row::breaches_escalated)},
      {"FOLLOWUPS", "followups", count(&Row::followups), count(&Row::followups)},
      {"TASKS_ON_TIME/LATE/OVERDUE", "tasks_done_on_time",
       [](const Row& r) {
         return absl::StrCat(r.tasks_done_on_time(), "/", r.tasks_done_late(), "/",
                             r.tasks_overdue());
       },
       count(&Row::tasks_done_on_time)},
      {"", "tasks_done_late", nullptr, count(&Row::tasks_done_late)},
      {"", "tasks_overdue", nullptr, count(&Row::tasks_overdue)},
  };
  return columns;
}

const std::vector<Column<v1::ConversionRow>>& ConversionColumns() {
  using Row = v1::ConversionRow;
  const auto count = [](int64_t (Row::*field)() const) {
    return [=](const Row& r) { return Count((r.*field)()); };
  };
  static const std::vector<Column<Row>> columns = {
      {"LEADS", "leads", count(&Row::leads), count(&Row::leads)},
      {"CONVERTED", "converted", count(&Row::converted), count(&Row::converted)},
      {"LOST", "lost", count(&Row::lost), count(&Row::lost)},
      {"OPEN", "open", count(&Row::open), count(&Row::open)},
      {"CONVERSION", "conversion_rate", [](const Row& r) { return Percent(r.conversion_rate()); },
       [](const Row& r) { return client::FormatNumber(r.conversion_rate()); }},
      {"WIN", "win_rate", [](const Row& r) { return Percent(r.win_rate()); },
       [](const Row& r) { return client::FormatNumber(r.win_rate()); }},
      {"WON_VALUE", "converted_value", [](const Row& r) { return Money(r.converted_value()); },
       [](const Row& r) { return client::FormatNumber(r.converted_value()); }},
      {"TIME_TO_CONVERT", "time_to_convert_mean_s",
       [](const Row& r) {
         return FormatSpan(r.time_to_convert_mean(), r.has_time_to_convert_mean());
       },
       [](const Row& r) {
         return Seconds(r.time_to_convert_mean(), r.has_time_to_convert_mean());
       }},
      {"PREDICTED", "predicted_rate",
       [](const Row& r) { return r.has_predicted_rate() ? Percent(r.predicted_rate()) : "-"; },
       [](const Row& r) {
         return r.has_predicted_rate() ? client::FormatNumber(r.predicted_rate()) : "";
       }},
  };
  return columns;
}

// The table form shows only the columns it has a cell for.
template <typename Row>
std::vector<Column<Row>> ForFormat(const std::vector<Column<Row>>& columns, ReportFormat format) {
  std::vector<Column<Row>> shown;
  for (const Column<Row>& column : columns) {
    if (format == ReportFormat::kCsv || column.table != nullptr) shown.push_back(column);
  }
  return shown;
}

}  // namespace

std::string FormatSpan(const google::protobuf::Duration& duration, bool set) {
  if (!set) return "-";
  const int64_t seconds = duration.seconds();
  if (seconds < 60) return absl::StrCat(seconds, "s");
  const int64_t minutes = seconds / 60;
  if (minutes < 60) return absl::StrCat(minutes, "m");
  const int64_t hours = minutes / 60;
  if (hours < 24) return absl::StrFormat("%dh%02dm", hours, minutes % 60);
  return absl::StrFormat("%dd%02dh", hours / 24, hours % 24);
}

std::string RenderDistribution(const v1::DistributionResponse& response, ReportFormat format) {
  std::string out =
      Render(response.rows(), response.total(), ForFormat(DistributionColumns(), format), format);
  if (format == ReportFormat::kCsv) return out;
  absl::StrAppend(
      &out, "\nfairness (Gini, 0 = even): count ", absl::StrFormat("%.3f", response.gini_count()),
      ", quality ", absl::StrFormat("%.3f", response.gini_quality()),
      "; high quality: quality >= ", client::FormatNumber(response.high_quality_threshold()), "\n");
  for (const v1::BucketFairness& bucket : response.fairness_by_bucket()) {
    absl::StrAppend(&out, "  ", client::FormatTime(bucket.bucket_start()), "  count ",
                    absl::StrFormat("%.3f", bucket.gini_count()), ", quality ",
                    absl::StrFormat("%.3f", bucket.gini_quality()), "\n");
  }
  return out;
}

std::string RenderFollowUps(const v1::FollowUpsResponse& response, ReportFormat format) {
  return Render(response.rows(), response.total(), ForFormat(FollowUpsColumns(), format), format);
}

std::string RenderConversion(const v1::ConversionResponse& response, ReportFormat format) {
  return Render(response.rows(), response.total(), ForFormat(ConversionColumns(), format), format);
}

}  // namespace leadrouter::leadctl
