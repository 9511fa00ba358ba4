// leadctl backtest [NEW.rules]: replays past leads with other rules and compares them with what
// really happened (docs/backtest.md). Against the server (RuleService.Backtest) with --from/--to,
// or offline with --leads, --reps and --history (a `leadctl history --format json` export): then
// the same replay (dsl::RunBacktest) and the same response (storage::ToBacktestResponse) run
// here. Exit 0, 1 rule errors, 2 unusable input or server.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/leadctl/backtest_report.h"
#include "clients/leadctl/commands.h"
#include "clients/leadctl/html_page.h"
#include "clients/leadctl/report_html.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/base/status_macros.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "dsl/data/lead_mapping.h"
#include "dsl/decision/backtest.h"
#include "dsl/decision/periods.h"
#include "google/protobuf/util/json_util.h"
#include "leadrouter/v1/assignment.pb.h"
#include "leadrouter/v1/rules.grpc.pb.h"
#include "storage/backtest_response.h"

namespace leadrouter::leadctl {
namespace {

namespace v1 = leadrouter::v1;

struct BacktestArgs {
  client::ServerArgs server;
  std::string rules;  // empty: the active version (server), required offline
  int64_t version = 0;
  std::string from;
  std::string to;
  std::string timezone = "UTC";
  int max_leads = 0;
  int max_changes = 0;
  // Offline.
  std::string leads;
  std::string reps;
  std::string history;
  std::string mapping;
  // Also draw the two distributions side by side in this HTML file.
  std::string html;
};

int Print(const BacktestArgs& args, const v1::BacktestResponse& response, absl::Duration took) {
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    PrintBacktestTables(std::cout, response);
    PrintBacktestSummaryLine(std::cout, response, took);
  }
  if (args.html.empty()) return client::kExitOk;
  const std::string title =
      args.rules.empty() ? std::string("Backtest") : absl::StrCat("Backtest of ", args.rules);
  if (absl::Status written = html::WritePage(args.html, RenderBacktestHtml(response, title));
      !written.ok()) {
    return client::ReportUnusable(written);
  }
  // The JSON on stdout stays one document: the note goes to stderr.
  std::cerr << "page written to " << args.html << '\n';
  return client::kExitOk;
}

absl::StatusOr<int64_t> Instant(const std::string& text, const std::string& flag,
                                const absl::TimeZone& zone) {
  absl::StatusOr<int64_t> at = dsl::ParseInstant(text, zone);
  if (!at.ok()) return absl::InvalidArgumentError(absl::StrCat(flag, ": ", at.status().message()));
  return at;
}

int RunOnServer(const BacktestArgs& args, const absl::TimeZone& zone) {
  v1::BacktestRequest request;
  if (!args.rules.empty()) {
    absl::StatusOr<dsl::SourceFile> source = dsl::ReadSourceFile(args.rules);
    if (!source.ok()) return client::ReportUnusable(source.status());
    request.set_source(std::string(source->text()));
    request.set_file_name(args.rules);
  } else if (args.version > 0) {
    request.set_version(args.version);
  }
  for (const auto& [text, flag, field] :
       {std::tuple{args.from, "--from", request.mutable_decide_time()->mutable_start_time()},
        std::tuple{args.to, "--to", request.mutable_decide_time()->mutable_end_time()}}) {
    if (text.empty()) continue;
    const absl::StatusOr<int64_t> at = Instant(text, flag, zone);
    if (!at.ok()) return client::ReportUnusable(at.status());
    field->set_seconds(*at);
  }
  if (args.from.empty() && args.to.empty()) request.clear_decide_time();
  if (!args.from.empty() && args.to.empty()) request.mutable_decide_time()->clear_end_time();
  if (args.from.empty() && !args.to.empty()) request.mutable_decide_time()->clear_start_time();
  request.set_max_leads(args.max_leads);
  request.set_max_changes(args.max_changes);
  auto stub = v1::RuleService::NewStub(client::Connect(args.server));
  v1::BacktestResponse response;
  const absl::Time start = absl::Now();
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::RuleService::Stub::Backtest, request, response);
  if (!status.ok()) return client::ReportFailure("Backtest", status);
  return Print(args, response, absl::Now() - start);
  return client::kExitOk;
}

// The assignment's sequence: its name's last segment, in hex (storage/keys.h).
absl::StatusOr<uint64_t> SequenceOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  uint64_t sequence = 0;
  if (slash == std::string::npos || !absl::SimpleHexAtoi(name.substr(slash + 1), &sequence)) {
    return absl::InvalidArgumentError(absl::StrCat("--history: bad assignment name ", name));
  }
  return sequence;
}

absl::StatusOr<v1::ListAssignmentsResponse> ReadHistory(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--history: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  v1::ListAssignmentsResponse history;
  const auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &history);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--history: ", path, ": ", std::string(parsed.message())));
  }
  return history;
}

// The candidate rules as the API names them (name, index, range).
std::vector<v1::RuleRef> RuleRefs(const dsl::Program& program, const dsl::SourceFile& source) {
  std::vector<v1::RuleRef> refs;
  const auto add = [&](const std::string& name, dsl::SourceSpan span, bool otherwise) {
    v1::RuleRef& ref = refs.emplace_back();
    ref.set_name(name);
    ref.set_index(static_cast<int32_t>(refs.size()));
    ref.set_otherwise(otherwise);
    const dsl::LineColumn at = source.Locate(span.begin);
    ref.mutable_range()->set_file(source.name());
    ref.mutable_range()->set_line(static_cast<int32_t>(at.line));
    ref.mutable_range()->set_column(static_cast<int32_t>(at.column));
  };
  for (const dsl::Rule& rule : program.rules()) add(rule.named ? rule.label : "", rule.span, false);
  if (program.has_otherwise()) add("otherwise", program.otherwise_span(), true);
  return refs;
}

absl::StatusOr<int> RunOffline(const BacktestArgs& args, const absl::TimeZone& zone) {
  if (args.rules.empty())
    return absl::InvalidArgumentError("offline backtest: the rule file is required");
  if (args.leads.empty() || args.reps.empty()) {
    return absl::InvalidArgumentError("offline backtest: --history needs --leads and --reps");
  }
  ASSIGN_OR_RETURN(const dsl::PeriodCalendar calendar, dsl::PeriodCalendar::ForZone(args.timezone));
  ASSIGN_OR_RETURN(const dsl::SourceFile source, dsl::ReadSourceFile(args.rules));
  const dsl::CompileResult compiled = dsl::Compile(source);
  if (compiled.program == nullptr) {
    std::cerr << dsl::RenderText(source, compiled.diagnostics);
    return client::kExitNo;
  }
  ASSIGN_OR_RETURN(std::vector<dsl::RepInfo> reps, dsl::ReadRepsFile(args.reps));
  ASSIGN_OR_RETURN(std::vector<dsl::LeadRow> rows,
                   dsl::ReadLeadsWithMapping(args.leads, args.mapping, zone));
  std::map<std::string, const dsl::LeadRow*> by_id;
  for (const dsl::LeadRow& row : rows) by_id[row.id] = &row;
  ASSIGN_OR_RETURN(v1::ListAssignmentsResponse history, ReadHistory(args.history));
  int64_t from = std::numeric_limits<int64_t>::min();
  int64_t to = std::numeric_limits<int64_t>::max();
  if (!args.from.empty()) {
    ASSIGN_OR_RETURN(from, Instant(args.from, "--from", zone));
  }
  if (!args.to.empty()) {
    ASSIGN_OR_RETURN(to, Instant(args.to, "--to", zone));
  }

  // Each lead's first ASSIGN entry in the range, in sequence (commit) order.
  std::vector<std::pair<uint64_t, v1::Assignment>> first;
  std::map<std::string, uint64_t> first_of;
  for (v1::Assignment& entry : *history.mutable_assignments()) {
    if (entry.kind() != v1::ASSIGNMENT_KIND_ASSIGN) continue;
    ASSIGN_OR_RETURN(const uint64_t sequence, SequenceOf(entry.name()));
    const auto [it, inserted] = first_of.emplace(entry.lead(), sequence);
    if (!inserted && it->second < sequence) continue;
    it->second = sequence;
    first.emplace_back(sequence, std::move(entry));
  }
  std::erase_if(first, [&](const auto& e) {
    const int64_t at = e.second.decide_time().seconds();
    return first_of[e.second.lead()] != e.first || at < from || at >= to;
  });
  std::sort(first.begin(), first.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const size_t max_leads = args.max_leads > 0 ? static_cast<size_t>(args.max_leads) : 10000;
  const bool truncated = first.size() > max_leads;
  if (truncated) first.resize(max_leads);

  std::vector<dsl::BacktestStep> timeline;
  timeline.emplace_back(dsl::BacktestRoster{std::move(reps)});
  std::vector<v1::Assignment> actual;
  for (auto& [sequence, entry] : first) {
    const std::string id(absl::StripPrefix(entry.lead(), "leads/"));
    const auto row = by_id.find(id);
    if (row == by_id.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--leads: ", args.leads, " has no lead ", id, " (named by --history)"));
    }
    dsl::BacktestLead lead;
    lead.id = id;
    lead.attributes = row->second->attributes;
    lead.time = entry.decide_time().seconds();
    lead.sequence = sequence;
    lead.actual = storage::BacktestActualOf(entry);
    timeline.emplace_back(std::move(lead));
    actual.push_back(std::move(entry));
  }
  storage::BacktestNaming naming;
  naming.candidate_rules = RuleRefs(*compiled.program, source);
  naming.summarize = [](const dsl::Explanation& ex) {
    v1::ExplanationSummary summary;
    summary.set_text(dsl::SummaryText(ex));
    summary.set_rules_tried(static_cast<int32_t>(ex.rules.size()));
    return summary;
  };
  dsl::BacktestOptions options;
  options.calendar = calendar;
  if (args.max_changes > 0) options.max_changes = static_cast<size_t>(args.max_changes);
  dsl::InMemoryDecisionState state;
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(const dsl::BacktestResult result,
                   dsl::RunBacktest(compiled.program, timeline, state, options));
  const absl::Duration took = absl::Now() - start;
  v1::BacktestResponse response = storage::ToBacktestResponse(result, actual, naming);
  response.set_truncated(truncated);
  for (const dsl::Diagnostic& d : compiled.diagnostics) {
    std::cerr << dsl::RenderText(source, {d});
  }
  return Print(args, response, took);
}

int RunBacktestCommand(const BacktestArgs& args) {
  const absl::StatusOr<dsl::PeriodCalendar> calendar = dsl::PeriodCalendar::ForZone(args.timezone);
  if (!calendar.ok()) return client::ReportUnusable(calendar.status());
  if (args.history.empty()) return RunOnServer(args, calendar->zone());
  const absl::StatusOr<int> exit_code = RunOffline(args, calendar->zone());
  if (!exit_code.ok()) return client::ReportUnusable(exit_code.status());
  return *exit_code;
}

}  // namespace

void AddBacktestCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BacktestArgs>();
  CLI::App* command = app.add_subcommand(
      "backtest",
      "Replay past leads with other rules and compare with what happened: on the server, or "
      "offline with --history (exit 0, 1 rule errors, 2 unusable input or server)");
  command->add_option("rules", args->rules,
                      "the rule file to replay (default on the server: the active version)");
  command->add_option("--version", args->version, "replay this stored version instead");
  command->add_option("--from", args->from,
                      "replay leads first decided at or after this instant (default: 30 days ago)");
  command->add_option("--to", args->to, "... and before this one (default: now)");
  command
      ->add_option("--timezone", args->timezone,
                   "IANA zone of --from/--to without an offset, and offline of periods")
      ->capture_default_str();
  command->add_option("--max-leads", args->max_leads, "replay at most this many (default 10000)");
  command->add_option("--max-changes", args->max_changes,
                      "list at most this many changed leads (default 1000)");
  command->add_option("--history", args->history,
                      "offline: the assignment history, `leadctl history --format json` output");
  command->add_option("--leads", args->leads, "offline: the leads, .csv or .jsonl");
  command->add_option("--reps", args->reps, "offline: the roster, .csv or .jsonl");
  command->add_option("--mapping", args->mapping, "offline: a mapping file (.toml) for the leads")
      ->check(CLI::ExistingFile);
  command->add_option("--html", args->html,
                      "also write the real and the backtested distributions as an HTML page");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunBacktestCommand(*args); });
}

}  // namespace leadrouter::leadctl
