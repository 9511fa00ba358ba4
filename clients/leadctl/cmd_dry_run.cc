// leadctl dry-run: assigns leads from a file with a roster from a file, offline, and prints one
// line per lead and a summary (per-rep load and quality, unassigned reasons, rule hits, Gini).
// Exit 0 ok, 1 the rules have errors, 2 unreadable input.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "clients/leadctl/commands.h"
#include "clients/leadctl/dry_run_report.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "dsl/decision/dry_run.h"
#include "dsl/decision/periods.h"

namespace leadrouter::leadctl {
namespace {

struct DryRunArgs {
  std::string rules;
  std::string reps;
  std::string leads;
  std::string explain;
  std::string format = "table";
  std::string timezone = "UTC";
  double rate = 60;
  std::string start = "2026-01-05T09:00:00Z";
};

// Progress on stderr for large runs, only when a person is watching.
constexpr size_t kProgressThreshold = 10000;

void PrintProgress(size_t done, size_t total) {
  constexpr int kWidth = 40;
  const int filled = static_cast<int>(kWidth * done / (total == 0 ? 1 : total));
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %zu/%zu leads", bar.c_str(), done, total);
  if (done == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

int RunDryRunCommand(const DryRunArgs& args) {
  absl::StatusOr<dsl::PeriodCalendar> calendar = dsl::PeriodCalendar::ForZone(args.timezone);
  if (!calendar.ok()) {
    std::cerr << "leadctl: " << calendar.status().message() << '\n';
    return 2;
  }
  absl::StatusOr<int64_t> start = dsl::ParseInstant(args.start, calendar->zone());
  if (!start.ok()) {
    std::cerr << "leadctl: --start: " << start.status().message() << '\n';
    return 2;
  }
  if (!(args.rate > 0)) {
    std::cerr << "leadctl: --rate must be a positive number of leads per hour\n";
    return 2;
  }

  absl::StatusOr<dsl::SourceFile> source = dsl::ReadSourceFile(args.rules);
  if (!source.ok()) {
    std::cerr << "leadctl: " << source.status().message() << '\n';
    return 2;
  }
  const dsl::CompileResult compiled = dsl::Compile(*source);
  if (compiled.program == nullptr) {
    std::cerr << dsl::RenderText(*source, compiled.diagnostics);
    return 1;
  }

  absl::StatusOr<std::vector<dsl::RepInfo>> reps = dsl::ReadRepsFile(args.reps);
  if (!reps.ok()) {
    std::cerr << "leadctl: " << reps.status().message() << '\n';
    return 2;
  }
  absl::StatusOr<std::vector<dsl::LeadRow>> leads =
      dsl::ReadLeadsFile(args.leads, calendar->zone());
  if (!leads.ok()) {
    std::cerr << "leadctl: " << leads.status().message() << '\n';
    return 2;
  }

  dsl::DryRunOptions options;
  options.calendar = *calendar;
  options.start = *start;
  options.rate_per_hour = args.rate;
  if (!args.explain.empty()) options.explain_lead = args.explain;
  if (leads->size() > kProgressThreshold && isatty(STDERR_FILENO)) {
    options.progress = PrintProgress;
  }
  absl::StatusOr<dsl::DryRunResult> result =
      dsl::RunDryRun(compiled.program, *std::move(reps), *leads, options);
  if (!result.ok()) {
    std::cerr << "leadctl: " << result.status().message() << '\n';
    return 2;
  }
  if (!args.explain.empty() && !result->explanation) {
    std::cerr << "leadctl: --explain: no lead with id \"" << args.explain << "\" in " << args.leads
              << '\n';
    return 2;
  }

  const ReportFormat format = args.format == "json"  ? ReportFormat::kJson
                              : args.format == "csv" ? ReportFormat::kCsv
                                                     : ReportFormat::kTable;
  PrintDryRunReport(std::cout, *result, *leads, format);
  return 0;
}

}  // namespace

void AddDryRunCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DryRunArgs>();
  CLI::App* command = app.add_subcommand(
      "dry-run",
      "Assign leads from a file offline and print the assignments and a fairness summary "
      "(exit 0 ok, 1 rule errors, 2 unreadable input)");
  command->add_option("rules", args->rules, "the rule file")->required();
  command->add_option("--reps", args->reps, "the roster: .csv or .jsonl")->required();
  command->add_option("--leads", args->leads, "the leads, in arrival order: .csv or .jsonl")
      ->required();
  command->add_option("--explain", args->explain, "print the full explanation of this lead id");
  command->add_option("--format", args->format, "output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "csv"}));
  command->add_option("--timezone", args->timezone, "IANA zone of day/week/month periods")
      ->capture_default_str();
  command->add_option("--rate", args->rate, "leads per hour for leads without created_at")
      ->capture_default_str();
  command->add_option("--start", args->start, "arrival of the first lead without created_at")
      ->capture_default_str();
  command->callback([args, &exit_code] { exit_code = RunDryRunCommand(*args); });
}

}  // namespace leadrouter::leadctl
