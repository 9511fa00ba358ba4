// leadctl fmt FILE... [--check | --write]: rewrites rule files in the canonical layout
// (dsl/syntax/formatter.h).
//
// Without a flag the formatted text goes to stdout (with a `==> file <==` header per file when
// there are several). --write rewrites each file in place, only when it changes, through a
// temporary file renamed over it so that a crash never leaves half a file. --check changes nothing
// and lists the files that are not formatted, for CI.
//
// Exit code: 0 all good; 1 a file has syntax errors (printed on stderr, the file is left alone) or,
// with --check, is not formatted; 2 a file cannot be read or written (wins over 1).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/leadctl/commands.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/base/vocabulary.h"
#include "dsl/syntax/formatter.h"
#include "dsl/syntax/parser.h"

namespace leadrouter::leadctl {
namespace {

namespace fs = std::filesystem;

struct FmtArgs {
  std::vector<std::string> files;
  bool check = false;
  bool write = false;
  std::vector<std::string> channels;  // extra follow-up channels (--channel)
};

// Writes `text` to `path` through a temporary file in the same directory, keeping the file's
// permissions. Returns an error message, empty on success.
std::string WriteInPlace(const std::string& path, const std::string& text) {
  const fs::path target(path);
  fs::path temporary = target;
  temporary += ".leadctl-fmt.tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return absl::StrCat("cannot write ", temporary.string());
  }
  std::error_code error;
  const fs::perms perms = fs::status(target, error).permissions();
  if (!error) fs::permissions(temporary, perms, error);
  fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary, error);
    return absl::StrCat("cannot replace ", path, ": ", error.message());
  }
  return "";
}

int RunFmt(const FmtArgs& args) {
  bool syntax_errors = false;
  bool unformatted = false;
  bool unusable = false;
  dsl::ParseOptions options;
  options.extra_channels = args.channels;
  if (const absl::Status channels = dsl::CheckExtraChannels(options.extra_channels);
      !channels.ok()) {
    std::cerr << "leadctl fmt: --channel: " << channels.message() << '\n';
    return 2;
  }
  for (const std::string& path : args.files) {
    absl::StatusOr<dsl::SourceFile> source = dsl::ReadSourceFile(path);
    if (!source.ok()) {
      std::cerr << "leadctl fmt: " << source.status().message() << '\n';
      unusable = true;
      continue;
    }
    const dsl::ParseResult parsed = dsl::Parse(*source, options);
    if (dsl::HasErrors(parsed.diagnostics)) {
      std::cerr << dsl::RenderText(*source, parsed.diagnostics);
      syntax_errors = true;
      continue;
    }
    const std::string formatted = dsl::Format(parsed.file);
    // The formatter keeps the meaning by construction and by test; should it ever produce text
    // that does not parse, leave the user's file alone rather than break it.
    const dsl::SourceFile reparsed_source(path, formatted);
    if (dsl::HasErrors(dsl::Parse(reparsed_source, options).diagnostics)) {
      std::cerr << "leadctl fmt: internal error: the formatted " << path
                << " does not parse; the file is left unchanged\n";
      syntax_errors = true;
      continue;
    }
    const bool changed = formatted != source->text();
    if (args.check) {
      if (changed) {
        std::cout << path << '\n';
        unformatted = true;
      }
    } else if (args.write) {
      if (changed) {
        const std::string error = WriteInPlace(path, formatted);
        if (!error.empty()) {
          std::cerr << "leadctl fmt: " << error << '\n';
          unusable = true;
        } else {
          std::cerr << "formatted " << path << '\n';
        }
      }
    } else {
      if (args.files.size() > 1) {
        std::cout << (&path == &args.files.front() ? "" : "\n") << "==> " << path << " <==\n";
      }
      std::cout << formatted;
    }
  }
  if (unusable) return 2;
  return syntax_errors || unformatted ? 1 : 0;
}

}  // namespace

void AddFmtCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FmtArgs>();
  CLI::App* fmt = app.add_subcommand(
      "fmt", "Format rule files in the canonical layout (stdout, --write in place, or --check)");
  fmt->add_option("files", args->files, "Rule files to format")->required();
  fmt->add_option("--channel", args->channels,
                  "a follow-up channel besides the built-in ones (repeatable)");
  CLI::Option* check =
      fmt->add_flag("--check", args->check,
                    "Change nothing; list the files that are not formatted and exit 1 if any");
  CLI::Option* write =
      fmt->add_flag("--write,-w", args->write, "Rewrite each file in place when it changes");
  check->excludes(write);
  fmt->callback([args, &exit_code] { exit_code = RunFmt(*args); });
}

}  // namespace leadrouter::leadctl
