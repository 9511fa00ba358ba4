// leadctl check FILE... [--reps ROSTER] [--format text|json]: compiles rule files and prints every
// diagnostic; with --reps, also warns about skills, tags, teams and rep fields no rep of the roster
// has (dsl/decision/roster_lint.h), the check RuleService.Check makes with check_roster.
//
// Exit code: 0 when no file has errors (warnings are allowed), 1 when some file has errors, 2 when
// some file (or the roster) cannot be read (it wins over 1). Text goes to stdout as `file:line:col:
// ...` blocks, followed by a one-line summary on stderr. JSON is one array on stdout, with one
// object per diagnostic (dsl/base/diagnostics.h RenderJson), for editors and CI; an unreadable file
// appears as an object with code `unreadable-file`.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/leadctl/commands.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/base/vocabulary.h"
#include "dsl/compile/compiler.h"
#include "dsl/data/dataset.h"
#include "dsl/decision/roster_lint.h"

namespace leadrouter::leadctl {
namespace {

struct CheckArgs {
  std::vector<std::string> files;
  std::string reps_file;
  std::vector<std::string> channels;  // extra follow-up channels (--channel)
  std::string format = "text";
};

struct Tally {
  int errors = 0;
  int warnings = 0;
  bool unreadable = false;
};

void Count(const std::vector<dsl::Diagnostic>& diagnostics, Tally& tally) {
  for (const dsl::Diagnostic& d : diagnostics) {
    if (d.severity == dsl::Severity::kError) ++tally.errors;
    if (d.severity == dsl::Severity::kWarning) ++tally.warnings;
  }
}

int RunCheck(const CheckArgs& args) {
  const bool json = args.format == "json";
  std::optional<std::vector<dsl::RepInfo>> reps;
  if (!args.reps_file.empty()) {
    absl::StatusOr<std::vector<dsl::RepInfo>> read = dsl::ReadRepsFile(args.reps_file);
    if (!read.ok()) {
      std::cerr << "leadctl: cannot read roster " << args.reps_file << ": "
                << read.status().message() << '\n';
      return 2;
    }
    reps = *std::move(read);
  }
  dsl::CompileOptions options;
  options.extra_channels = args.channels;
  if (const absl::Status channels = dsl::CheckExtraChannels(options.extra_channels);
      !channels.ok()) {
    std::cerr << "leadctl: --channel: " << channels.message() << '\n';
    return 2;
  }
  Tally tally;
  std::vector<std::string> json_objects;
  for (const std::string& path : args.files) {
    absl::StatusOr<dsl::SourceFile> source = dsl::ReadSourceFile(path);
    if (!source.ok()) {
      tally.unreadable = true;
      if (json) {
        const dsl::SourceFile empty(path, "");
        json_objects.push_back(
            dsl::RenderJson(empty, dsl::Diagnostic{dsl::Severity::kError,
                                                   {},
                                                   "unreadable-file",
                                                   std::string(source.status().message()),
                                                   ""}));
      } else {
        std::cerr << "leadctl: cannot read " << path << ": " << source.status().message() << '\n';
      }
      continue;
    }
    dsl::CompileResult result = dsl::Compile(*source, options);
    if (reps && result.program != nullptr) {
      for (dsl::Diagnostic& d : dsl::LintRoster(*result.program, *reps)) {
        result.diagnostics.push_back(std::move(d));
      }
      dsl::SortDiagnostics(result.diagnostics);
    }
    Count(result.diagnostics, tally);
    if (json) {
      for (const dsl::Diagnostic& d : result.diagnostics) {
        json_objects.push_back(dsl::RenderJson(*source, d));
      }
    } else {
      std::cout << dsl::RenderText(*source, result.diagnostics);
    }
  }
  if (json) {
    std::cout << '[';
    for (size_t i = 0; i < json_objects.size(); ++i) {
      std::cout << (i == 0 ? "\n  " : ",\n  ") << json_objects[i];
    }
    std::cout << (json_objects.empty() ? "]\n" : "\n]\n");
  } else {
    std::cerr << args.files.size() << (args.files.size() == 1 ? " file" : " files") << ": "
              << tally.errors << (tally.errors == 1 ? " error" : " errors") << ", "
              << tally.warnings << (tally.warnings == 1 ? " warning" : " warnings") << '\n';
  }
  if (tally.unreadable) return 2;
  return tally.errors > 0 ? 1 : 0;
}

}  // namespace

void AddCheckCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* command = app.add_subcommand(
      "check", "Compile rule files and print every error and warning (exit 1 on errors)");
  command->add_option("files", args->files, "Rule files")->required()->expected(1, -1);
  command->add_option("--reps", args->reps_file,
                      "Roster (.csv or .jsonl): also warn about skills, tags, teams and rep fields "
                      "no rep has");
  command->add_option("--channel", args->channels,
                      "a follow-up channel besides the built-in ones, as the server is configured "
                      "(repeatable)");
  command->add_option("--format", args->format, "Output format: text, or json (one array)")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([args, &exit_code] { exit_code = RunCheck(*args); });
}

}  // namespace leadrouter::leadctl
