// leadctl dry-run: assigns leads from a file with a roster from a file, offline, and prints one
// line per lead and a summary (per-rep load and quality, unassigned reasons, rule hits, Gini).
// Exit 0 ok, 1 the rules have errors, 2 unreadable input.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/common/progress.h"
#include "clients/common/rpc_status.h"
#include "clients/leadctl/commands.h"
#include "clients/leadctl/dry_run_report.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/vocabulary.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "dsl/data/lead_mapping.h"
#include "dsl/decision/dry_run.h"
#include "dsl/decision/periods.h"

namespace leadrouter::leadctl {
namespace {

struct DryRunArgs {
  std::string rules;
  std::string reps;
  std::string leads;
  std::string mapping;
  std::string explain;
  std::string format = "table";
  std::string timezone = "UTC";
  double rate = 60;
  std::string start = "2026-01-05T09:00:00Z";
  std::vector<std::string> channels;  // extra follow-up channels (--channel)
};

// Runs shorter than this finish before a bar would be read.
constexpr size_t kProgressThreshold = 10000;

// The exit code of a run that could read its input (0, or 1 for rule errors); an error for input
// it cannot use.
absl::StatusOr<int> DryRun(const DryRunArgs& args) {
  ASSIGN_OR_RETURN(const dsl::PeriodCalendar calendar, dsl::PeriodCalendar::ForZone(args.timezone));
  const absl::StatusOr<int64_t> start = dsl::ParseInstant(args.start, calendar.zone());
  if (!start.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--start: ", start.status().message()));
  }
  if (!(args.rate > 0)) {
    return absl::InvalidArgumentError("--rate must be a positive number of leads per hour");
  }

  ASSIGN_OR_RETURN(const dsl::SourceFile source, dsl::ReadSourceFile(args.rules));
  dsl::CompileOptions compile_options;
  compile_options.extra_channels = args.channels;
  if (const absl::Status channels = dsl::CheckExtraChannels(compile_options.extra_channels);
      !channels.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--channel: ", channels.message()));
  }
  const dsl::CompileResult compiled = dsl::Compile(source, compile_options);
  if (compiled.program == nullptr) {
    std::cerr << dsl::RenderText(source, compiled.diagnostics);
    return client::kExitNo;
  }
  ASSIGN_OR_RETURN(std::vector<dsl::RepInfo> reps, dsl::ReadRepsFile(args.reps));
  ASSIGN_OR_RETURN(const std::vector<dsl::LeadRow> leads,
                   dsl::ReadLeadsWithMapping(args.leads, args.mapping, calendar.zone()));

  dsl::DryRunOptions options;
  options.calendar = calendar;
  options.start = *start;
  options.rate_per_hour = args.rate;
  if (!args.explain.empty()) options.explain_lead = args.explain;
  client::Progress progress("leads", leads.size(), {.min_total = kProgressThreshold + 1});
  if (progress.enabled()) {
    options.progress = [&progress](size_t done, size_t) { progress.Update(done); };
  }
  const absl::Time decide_start = absl::Now();
  absl::StatusOr<dsl::DryRunResult> run =
      dsl::RunDryRun(compiled.program, std::move(reps), leads, options);
  const absl::Duration deciding = absl::Now() - decide_start;
  progress.Finish();
  ASSIGN_OR_RETURN(const dsl::DryRunResult result, std::move(run));
  if (!args.explain.empty() && !result.explanation) {
    return absl::InvalidArgumentError(
        absl::StrCat("--explain: no lead with id \"", args.explain, "\" in ", args.leads));
  }

  const ReportFormat format = args.format == "json"  ? ReportFormat::kJson
                              : args.format == "csv" ? ReportFormat::kCsv
                                                     : ReportFormat::kTable;
  PrintDryRunReport(std::cout, std::cerr, result, leads, format, deciding);
  return client::kExitOk;
}

int RunDryRunCommand(const DryRunArgs& args) {
  const absl::StatusOr<int> exit_code = DryRun(args);
  if (!exit_code.ok()) return client::ReportUnusable(exit_code.status());
  return *exit_code;
}

}  // namespace

void AddDryRunCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DryRunArgs>();
  CLI::App* command = app.add_subcommand(
      "dry-run",
      "Assign leads from a file offline and print the assignments and a fairness summary "
      "(exit 0 the run finished, 1 rule errors, 2 unreadable input)");
  command->add_option("rules", args->rules, "the rule file")->required();
  command->add_option("--reps", args->reps, "the roster: .csv or .jsonl")->required();
  command->add_option("--leads", args->leads, "the leads, in arrival order: .csv or .jsonl")
      ->required();
  command
      ->add_option("--mapping", args->mapping,
                   "a mapping file (.toml) from the lead file's columns to lead fields")
      ->check(CLI::ExistingFile);
  command->add_option("--channel", args->channels,
                      "a follow-up channel besides the built-in ones (repeatable)");
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
