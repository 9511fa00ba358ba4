// leadctl report: the manager reports of ReportService, as a table, JSON or CSV.
//
//   leadctl report distribution|followups|conversion --from 2026-11-01 [--to 2026-12-01]
//                  [--group-by rep|team|source|rule|channel|region|industry|rep-level]
//                  [--interval none|day|week|month] [--rep ana ...] [--team north]
//                  [--source web ...] [--rule vip ...] [--high-quality 80]
//                  [--format table|json|csv]
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

// Runs `method` with the request and prints the response in the chosen form.
template <typename Request, typename Response>
int RunReport(const ReportArgs& args, Request request,
              grpc::Status (v1::ReportService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                              Response*),
              std::string (*render)(const Response&, ReportFormat), const char* rpc) {
  absl::StatusOr<v1::ReportFilter> filter = FilterOf(args);
  if (!filter.ok()) return client::ReportUnusable(filter.status());
  *request.mutable_filter() = *std::move(filter);
  request.set_group_by(Groupings().at(args.group_by));
  request.set_interval(Intervals().at(args.interval));
  auto stub = v1::ReportService::NewStub(client::Connect(args.server));
  Response response;
  const grpc::Status status = client::Call(args.server, *stub, method, request, response);
  if (!status.ok()) return client::ReportFailure(rpc, status);
  if (args.format == "json") {
    std::cout << client::ToJson(response);
  } else {
    std::cout << render(response, args.format == "csv" ? ReportFormat::kCsv : ReportFormat::kTable);
  }
  return client::kExitOk;
}

template <typename Map>
std::vector<std::string> KeysOf(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

CLI::App* AddReport(CLI::App& report, const std::string& name, const std::string& description,
                    const std::shared_ptr<ReportArgs>& args) {
  CLI::App* command = report.add_subcommand(name, description);
  command->add_option("--from", args->from, "start of the range of assignments (required)")
      ->required();
  command->add_option("--to", args->to, "end of the range (exclusive); default now");
  command->add_option("--group-by", args->group_by, "what rows are keyed by")
      ->capture_default_str()
      ->check(CLI::IsMember(KeysOf(Groupings())));
  command->add_option("--interval", args->interval, "time buckets of the rows")
      ->capture_default_str()
      ->check(CLI::IsMember(KeysOf(Intervals())));
  command->add_option("--rep", args->reps, "only leads of this rep (repeatable)");
  command->add_option("--team", args->team, "only leads of reps of this team");
  command->add_option("--source", args->sources, "only leads from this source (repeatable)");
  command->add_option("--rule", args->rules, "only decisions of this rule (repeatable)");
  command->add_option("--format", args->format, "table, json or csv")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "csv"}));
  client::AddServerOptions(*command, args->server, /*with_format=*/false);
  return command;
}

}  // namespace

void AddReportCommand(CLI::App& app, int& exit_code) {
  CLI::App* report = app.add_subcommand(
      "report", "Manager reports: distribution and fairness, follow-up speed, conversion");
  report->require_subcommand(1);

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
