// leadctl report: the manager reports of ReportService, as a table, JSON or CSV.
//
//   leadctl report distribution|followups|conversion --from 2026-11-01 [--to 2026-12-01]
//                  [--group-by rep|team|source|rule|channel|region|industry|rep-level]
//                  [--interval none|day|week|month] [--rep ana ...] [--team north]
//                  [--source web ...] [--rule vip ...] [--high-quality 80]
//                  [--format table|json|csv]
//   leadctl report --html FILE --from ... [--to ...] [filters]: all three as one page
//
// --from / --to: RFC 3339, a date alone (midnight UTC) or Unix seconds; no --to means now.
// Exit 0, or 2 for unusable input or server (the server names the bad field).
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/leadctl/commands.h"
#include "clients/leadctl/html_page.h"
#include "clients/leadctl/report_html.h"
#include "clients/leadctl/report_view.h"
#include "dsl/decision/periods.h"
#include "google/protobuf/util/time_util.h"
#include "leadrouter/v1/reports.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

using google::protobuf::util::TimeUtil;

struct ReportArgs {
  client::ServerArgs server;
  std::string format = "table";
  std::string from;
  std::string to;
  std::string group_by = "rep";
  std::string interval = "none";
  std::vector<std::string> reps;
  std::string team;
  std::vector<std::string> sources;
  std::vector<std::string> rules;
  std::optional<double> high_quality;
  std::string html;  // `report --html`: the page of all three reports
};

const std::map<std::string, v1::GroupBy>& Groupings() {
  static const std::map<std::string, v1::GroupBy> groupings = {
      {"rep", v1::GROUP_BY_REP},           {"team", v1::GROUP_BY_TEAM},
      {"source", v1::GROUP_BY_SOURCE},     {"rule", v1::GROUP_BY_RULE},
      {"channel", v1::GROUP_BY_CHANNEL},   {"region", v1::GROUP_BY_REGION},
      {"industry", v1::GROUP_BY_INDUSTRY}, {"rep-level", v1::GROUP_BY_REP_LEVEL},
  };
  return groupings;
}

const std::map<std::string, v1::Interval>& Intervals() {
  static const std::map<std::string, v1::Interval> intervals = {
      {"none", v1::INTERVAL_UNSPECIFIED},
      {"day", v1::INTERVAL_DAY},
      {"week", v1::INTERVAL_WEEK},
      {"month", v1::INTERVAL_MONTH},
  };
  return intervals;
}

// The filter the options say; an unusable time is an error naming its option.
absl::StatusOr<v1::ReportFilter> FilterOf(const ReportArgs& args) {
  v1::ReportFilter filter;
  const auto instant = [](const std::string& option,
                          const std::string& text) -> absl::StatusOr<google::protobuf::Timestamp> {
    const absl::StatusOr<int64_t> seconds = dsl::ParseInstant(text, absl::UTCTimeZone());
    if (!seconds.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(option, " ", text, ": ", seconds.status().message()));
    }
    return TimeUtil::SecondsToTimestamp(*seconds);
  };
  absl::StatusOr<google::protobuf::Timestamp> from = instant("--from", args.from);
  if (!from.ok()) return from.status();
  *filter.mutable_time_range()->mutable_start_time() = *from;
  if (!args.to.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> to = instant("--to", args.to);
    if (!to.ok()) return to.status();
    *filter.mutable_time_range()->mutable_end_time() = *to;
  }
  for (const std::string& rep : args.reps) filter.add_reps(client::RepName(rep));
  filter.set_team(args.team);
  for (const std::string& source : args.sources) filter.add_sources(source);
  for (const std::string& rule : args.rules) filter.add_rules(rule);
  return filter;
}

template <typename Request, typename Response>
using ReportMethod = grpc::Status (v1::ReportService::Stub::*)(grpc::ClientContext*, const Request&,
                                                               Response*);

// Sends `request` with the filter and the grouping to `method`.
template <typename Request, typename Response>
grpc::Status Fetch(const ReportArgs& args, v1::ReportService::Stub& stub,
                   ReportMethod<Request, Response> method, const v1::ReportFilter& filter,
                   v1::GroupBy group_by, v1::Interval interval, Request request,
                   Response& response) {
  *request.mutable_filter() = filter;
  request.set_group_by(group_by);
  request.set_interval(interval);
  return client::Call(args.server, stub, method, request, response);
}

// Runs `method` with the request and prints the response in the chosen form.
template <typename Request, typename Response>
int RunReport(const ReportArgs& args, Request request, ReportMethod<Request, Response> method,
              std::string (*render)(const Response&, ReportFormat), const char* rpc) {
  const absl::StatusOr<v1::ReportFilter> filter = FilterOf(args);
  if (!filter.ok()) return client::ReportUnusable(filter.status());
  auto stub = v1::ReportService::NewStub(client::Connect(args.server));
  Response response;
  const grpc::Status status = Fetch(args, *stub, method, *filter, Groupings().at(args.group_by),
                                    Intervals().at(args.interval), std::move(request), response);
  if (!status.ok()) return client::ReportFailure(rpc, status);
  if (args.format == "json") {
    std::cout << client::ToJson(response);
  } else {
    std::cout << render(response, args.format == "csv" ? ReportFormat::kCsv : ReportFormat::kTable);
  }
  return client::kExitOk;
}

// `leadctl report --html`: the five reports the page is drawn from, over one range and filter.
int WriteReportPage(const ReportArgs& args) {
  const absl::StatusOr<v1::ReportFilter> filter = FilterOf(args);
  if (!filter.ok()) return client::ReportUnusable(filter.status());
  auto stub = v1::ReportService::NewStub(client::Connect(args.server));
  ReportPage page;
  page.title =
      absl::StrCat("Leads from ", args.from, args.to.empty() ? " to now" : " to ", args.to);
  v1::DistributionRequest distribution;
  if (args.high_quality.has_value()) distribution.set_high_quality_threshold(*args.high_quality);
  // One report after the other: the first failure is the answer.
  if (const grpc::Status status =
          Fetch(args, *stub, &v1::ReportService::Stub::Distribution, *filter, v1::GROUP_BY_REP,
                v1::INTERVAL_UNSPECIFIED, distribution, page.distribution);
      !status.ok()) {
    return client::ReportFailure("Distribution", status);
  }
  if (const grpc::Status status =
          Fetch(args, *stub, &v1::ReportService::Stub::Distribution, *filter, v1::GROUP_BY_REP,
                v1::INTERVAL_DAY, distribution, page.distribution_by_day);
      !status.ok()) {
    return client::ReportFailure("Distribution", status);
  }
  if (const grpc::Status status =
          Fetch(args, *stub, &v1::ReportService::Stub::FollowUps, *filter, v1::GROUP_BY_REP,
                v1::INTERVAL_UNSPECIFIED, v1::FollowUpsRequest(), page.followups);
      !status.ok()) {
    return client::ReportFailure("FollowUps", status);
  }
  for (const auto& [group_by, response] :
       {std::pair{v1::GROUP_BY_SOURCE, &page.conversion_by_source},
        std::pair{v1::GROUP_BY_RULE, &page.conversion_by_rule}}) {
    if (const grpc::Status status =
            Fetch(args, *stub, &v1::ReportService::Stub::Conversion, *filter, group_by,
                  v1::INTERVAL_UNSPECIFIED, v1::ConversionRequest(), *response);
        !status.ok()) {
      return client::ReportFailure("Conversion", status);
    }
  }
  if (absl::Status written = html::WritePage(args.html, RenderReportHtml(page)); !written.ok()) {
    return client::ReportUnusable(written);
  }
  std::cout << "report written to " << args.html << '\n';
  return client::kExitOk;
}

template <typename Map>
std::vector<std::string> KeysOf(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

// The options of a report's range and filters, and the server's.
void AddRangeAndFilters(CLI::App& command, ReportArgs& args) {
  command.add_option("--from", args.from, "start of the range of assignments (required)");
  command.add_option("--to", args.to, "end of the range (exclusive); default now");
  command.add_option("--rep", args.reps, "only leads of this rep (repeatable)");
  command.add_option("--team", args.team, "only leads of reps of this team");
  command.add_option("--source", args.sources, "only leads from this source (repeatable)");
  command.add_option("--rule", args.rules, "only decisions of this rule (repeatable)");
  client::AddServerOptions(command, args.server, /*with_format=*/false);
}

CLI::App* AddReport(CLI::App& report, const std::string& name, const std::string& description,
                    const std::shared_ptr<ReportArgs>& args) {
  CLI::App* command = report.add_subcommand(name, description);
  AddRangeAndFilters(*command, *args);
  command->get_option("--from")->required();
  command->add_option("--group-by", args->group_by, "what rows are keyed by")
      ->capture_default_str()
      ->check(CLI::IsMember(KeysOf(Groupings())));
  command->add_option("--interval", args->interval, "time buckets of the rows")
      ->capture_default_str()
      ->check(CLI::IsMember(KeysOf(Intervals())));
  command->add_option("--format", args->format, "table, json or csv")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "csv"}));
  return command;
}

}  // namespace

void AddReportCommand(CLI::App& app, int& exit_code) {
  CLI::App* report = app.add_subcommand(
      "report", "Manager reports: distribution and fairness, follow-up speed, conversion");
  // Without a report's name, `--html FILE` writes the page of all three for the range.
  auto page_args = std::make_shared<ReportArgs>();
  report->add_option("--html", page_args->html,
                     "without a report's name: write the page of all three reports to this file");
  AddRangeAndFilters(*report, *page_args);
  report->add_option("--high-quality", page_args->high_quality,
                     "quality at or above which a lead is high quality; default 80");
  report->require_subcommand(0, 1);
  report->callback([report, page_args, &exit_code] {
    if (!report->get_subcommands().empty()) return;
    if (page_args->html.empty() || page_args->from.empty()) {
      exit_code = client::ReportUnusable(absl::InvalidArgumentError(
          "report: name a report (distribution, followups, conversion), or give --html FILE "
          "and --from"));
      return;
    }
    exit_code = WriteReportPage(*page_args);
  });

  auto distribution_args = std::make_shared<ReportArgs>();
  CLI::App* distribution =
      AddReport(*report, "distribution", "Leads, quality and value per group, and their Gini",
                distribution_args);
  distribution->add_option("--high-quality", distribution_args->high_quality,
                           "quality at or above which a lead is high quality; default 80");
  distribution->callback([distribution_args, &exit_code] {
    v1::DistributionRequest request;
    if (distribution_args->high_quality.has_value()) {
      request.set_high_quality_threshold(*distribution_args->high_quality);
    }
    exit_code = RunReport(*distribution_args, request, &v1::ReportService::Stub::Distribution,
                          &RenderDistribution, "Distribution");
  });

  auto followups_args = std::make_shared<ReportArgs>();
  AddReport(*report, "followups",
            "Time to first contact, SLA compliance and breaches, follow-ups and tasks",
            followups_args)
      ->callback([followups_args, &exit_code] {
        exit_code = RunReport(*followups_args, v1::FollowUpsRequest(),
                              &v1::ReportService::Stub::FollowUps, &RenderFollowUps, "FollowUps");
      });

  auto conversion_args = std::make_shared<ReportArgs>();
  AddReport(*report, "conversion", "Converted, lost and open leads, won value, time to convert",
            conversion_args)
      ->callback([conversion_args, &exit_code] {
        exit_code =
            RunReport(*conversion_args, v1::ConversionRequest(),
                      &v1::ReportService::Stub::Conversion, &RenderConversion, "Conversion");
      });
}

}  // namespace leadrouter::leadctl
