// The manager's report as one self-contained HTML page (`leadctl report --html`) and the backtest's
// real and backtested distributions side by side (`leadctl backtest --html`). Built from the
// reports' messages alone (proto/leadrouter/v1/reports.proto, rules.proto), so the same page comes
// out of a server's answers or a test's fixture. What each chart shows: docs/reports.md.
#pragma once

#include <string>
#include <string_view>

#include "leadrouter/v1/reports.pb.h"
#include "leadrouter/v1/rules.pb.h"

namespace leadrouter::leadctl {

// The reports one page is drawn from, all over the same time range and filters.
struct ReportPage {
  std::string title;                             // e.g. "Leads 1–30 Nov 2026"
  v1::DistributionResponse distribution;         // group_by REP, no interval
  v1::DistributionResponse distribution_by_day;  // group_by REP, INTERVAL_DAY (fairness_by_bucket)
  v1::FollowUpsResponse followups;               // group_by REP
  v1::ConversionResponse conversion_by_source;   // group_by SOURCE
  v1::ConversionResponse conversion_by_rule;     // group_by RULE
};

// The page: headline numbers, leads and their quality per rep, fairness per day, time to first
// contact, SLA compliance per rep, conversion by source and by rule. Without leads, a page that
// says so instead of empty charts.
std::string RenderReportHtml(const ReportPage& page);

// The real and the backtested distribution of the same leads, per rep, with both Gini indexes and
// the leads whose rep would change.
std::string RenderBacktestHtml(const v1::BacktestResponse& backtest, std::string_view title);

}  // namespace leadrouter::leadctl
