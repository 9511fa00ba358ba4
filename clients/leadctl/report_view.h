// How `leadctl report` shows a report: a terminal table (the rows, a total row, and for
// Distribution the fairness lines) or CSV (a header of snake_case names, one line per row, then
// the total; rates as fractions, durations in seconds). Each report's columns are listed once and
// both forms read them.
#pragma once

#include <string>

#include "clients/leadctl/report_format.h"
#include "leadrouter/v1/reports.pb.h"

namespace leadrouter::leadctl {

// `format` is kTable or kCsv (JSON is the response itself).
std::string RenderDistribution(const v1::DistributionResponse& response, ReportFormat format);
std::string RenderFollowUps(const v1::FollowUpsResponse& response, ReportFormat format);
std::string RenderConversion(const v1::ConversionResponse& response, ReportFormat format);

// A duration for people: "45s", "12m", "3h05m", "2d04h"; "-" when unset.
std::string FormatSpan(const google::protobuf::Duration& duration, bool set);

}  // namespace leadrouter::leadctl
