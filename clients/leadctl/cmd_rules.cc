// leadctl rules push|get|versions|rollback|diff: publishes rule files as numbered versions and
// reads them back (RuleService).
//
//   leadctl rules push routing.rules --author maria --message "cap newcomers at 10/day"
//   leadctl rules get > active.rules
//   leadctl rules versions
//   leadctl rules rollback 3 --actor maria --reason "v4 starves the smb team"
//   leadctl rules diff            # the active version against the one before it
//   leadctl rules diff routing.rules   # the active version against a local file
//
// A rejected push prints the server's diagnostics exactly as `leadctl check` prints them (file,
// line, column, the source line and carets) and exits 1. `rules diff` exits like diff(1): 0 equal,
// 1 different, 2 trouble.
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/common/diagnostics_convert.h"
#include "clients/common/paging.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/common/text_table.h"
#include "clients/common/unified_diff.h"
#include "clients/leadctl/assignment_view.h"
#include "clients/leadctl/commands.h"
#include "dsl/base/diagnostics.h"
#include "dsl/base/source.h"
#include "dsl/base/status_macros.h"
#include "leadrouter/v1/rules.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

using client::kExitNo;
using client::kExitOk;
using client::kExitUnusable;

std::unique_ptr<v1::RuleService::Stub> RuleStub(const client::ServerArgs& server) {
  return v1::RuleService::NewStub(client::Connect(server));
}

// Diagnostics as `leadctl check` prints them: text blocks, or one JSON array.
void PrintDiagnostics(const dsl::SourceFile& source,
                      const std::vector<dsl::Diagnostic>& diagnostics, bool json,
                      std::ostream& out) {
  if (!json) {
    out << dsl::RenderText(source, diagnostics);
    return;
  }
  out << '[';
  for (size_t i = 0; i < diagnostics.size(); ++i) {
    out << (i == 0 ? "\n  " : ",\n  ") << dsl::RenderJson(source, diagnostics[i]);
  }
  out << (diagnostics.empty() ? "]\n" : "\n]\n");
}

std::string CountText(int n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

std::string ShortHash(const std::string& hash) {
  // "sha256:" and 12 hex digits are plenty to tell versions apart.
  return hash.size() > 19 ? hash.substr(0, 19) : hash;
}

// ---------------------------------------------------------------------------------------------
// push

struct PushArgs {
  client::ServerArgs server;
  std::string file;
  std::string file_name;
  std::string author;
  std::string message;
  std::optional<int64_t> expect_version;
  bool deny_warnings = false;
  bool validate_only = false;
};

int RunPush(const PushArgs& args) {
  absl::StatusOr<dsl::SourceFile> source = dsl::ReadSourceFile(args.file);
  if (!source.ok()) {
    std::cerr << "leadctl: cannot read " << args.file << ": " << source.status().message() << '\n';
    return kExitUnusable;
  }
  v1::PublishRequest request;
  request.set_source(source->text());
  request.set_file_name(args.file_name.empty()
                            ? std::filesystem::path(args.file).filename().string()
                            : args.file_name);
  request.set_author(args.author);
  request.set_message(args.message);
  if (args.expect_version.has_value()) request.set_expected_active_version(*args.expect_version);
  request.set_deny_warnings(args.deny_warnings);
  request.set_validate_only(args.validate_only);

  v1::PublishResponse response;
  const grpc::Status status = client::Call(args.server, *RuleStub(args.server),
                                           &v1::RuleService::Stub::Publish, request, response);
  if (!status.ok()) {
    const client::ErrorDetails details = client::DecodeErrorDetails(status);
    if (details.diagnostics.empty()) return client::ReportFailure("Publish", status);
    // Rejected for what the file says: show it like `leadctl check` does, then why.
    const std::vector<dsl::Diagnostic> diagnostics =
        client::FromProto(*source, details.diagnostics);
    PrintDiagnostics(*source, diagnostics, args.server.json(), std::cout);
    std::cerr << client::FormatRpcFailure("Publish", status);
    return kExitNo;
  }

  const std::vector<dsl::Diagnostic> warnings = client::FromProto(*source, response.diagnostics());
  if (args.server.json()) {
    std::cout << client::ToJson(response);
    return kExitOk;
  }
  std::cout << dsl::RenderText(*source, warnings);
  const v1::RuleVersion& version = response.version();
  if (response.unchanged()) {
    std::cout << "unchanged: version " << version.version()
              << " is already active with this source (" << ShortHash(version.content_hash())
              << ")\n";
  } else if (args.validate_only) {
    std::cout << "valid: would publish " << CountText(version.rule_count(), "rule", "rules")
              << " as the next version (nothing was stored)\n";
  } else {
    std::cout << "published version " << version.version() << ": "
              << CountText(version.rule_count(), "rule", "rules") << ", "
              << ShortHash(version.content_hash()) << ", active now\n";
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// get

struct GetArgs {
  client::ServerArgs server;
  std::string version;
  bool info = false;
};

// `version` empty or "active": the active version.
absl::StatusOr<std::string> VersionResourceName(const std::string& version) {
  if (version.empty() || version == "active") return std::string("rules/versions/active");
  ASSIGN_OR_RETURN(int64_t number, client::ParseVersion(version));
  return client::VersionName(number);
}

grpc::Status GetRules(v1::RuleService::Stub& stub, const client::ServerArgs& server,
                      const std::string& name, v1::GetRulesResponse& response) {
  v1::GetRulesRequest request;
  request.set_name(name);
  return client::Call(server, stub, &v1::RuleService::Stub::GetRules, request, response);
}

std::string CapsText(const v1::RuleInfo& rule) {
  std::vector<std::string> caps;
  for (const v1::Cap& cap : rule.caps()) {
    caps.push_back(absl::StrCat(cap.limit(), "/",
                                client::EnumText(v1::CapUnit_Name(cap.unit()), "CAP_UNIT_")));
  }
  return absl::StrJoin(caps, ", ");
}

void PrintRulesInfo(const v1::GetRulesResponse& response) {
  const v1::RuleVersion& version = response.version();
  std::cout << client::RenderKeyValues({
      {"version", absl::StrCat(version.version(), version.active() ? " (active)" : "")},
      {"file", version.file_name()},
      {"author", version.author()},
      {"message", version.message()},
      {"published", client::FormatTime(version.create_time())},
      {"restores", version.restored_from() == 0 ? "" : absl::StrCat(version.restored_from())},
      {"hash", version.content_hash()},
  });
  client::TextTable table({"#", "RULE", "WHEN", "TEAM", "REQUIRE", "STRATEGY", "CAPS", "REVIEW"});
  for (const v1::RuleInfo& rule : response.rules()) {
    std::string strategy = rule.strategy_text();
    if (rule.unassigned()) strategy = "unassigned";
    const std::string name = rule.rule().otherwise() ? "otherwise"
                             : rule.rule().name().empty()
                                 ? "(anonymous)"
                                 : absl::StrCat("\"", rule.rule().name(), "\"");
    table.AddRow({absl::StrCat(rule.rule().index()), name, rule.when(), rule.team(), rule.require(),
                  strategy, CapsText(rule), rule.review() ? "yes" : ""});
  }
  std::cout << '\n' << table.Render();
}

int RunGet(const GetArgs& args) {
  absl::StatusOr<std::string> name = VersionResourceName(args.version);
  if (!name.ok()) return client::ReportUnusable(name.status());
  auto stub = RuleStub(args.server);
  v1::GetRulesResponse response;
  const grpc::Status status = GetRules(*stub, args.server, *name, response);
  if (!status.ok()) return client::ReportFailure("GetRules", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else if (args.info) {
    PrintRulesInfo(response);
  } else {
    std::cout << response.version().source();  // byte for byte: `> file` gives the file back
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// versions

struct VersionsArgs {
  client::ServerArgs server;
  std::string author;
  int limit = 20;
};

int RunVersions(const VersionsArgs& args) {
  auto stub = RuleStub(args.server);
  v1::ListVersionsRequest request;
  request.set_author(args.author);
  v1::ListVersionsResponse all;
  const grpc::Status status = client::CollectPages(
      args.limit, 100,
      [&](int page_size, const std::string& token, v1::ListVersionsResponse& page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        grpc::Status called =
            client::Call(args.server, *stub, &v1::RuleService::Stub::ListVersions, request, page);
        all.set_active_version(page.active_version());
        return called;
      },
      [](v1::ListVersionsResponse& response) { return response.mutable_versions(); }, all);
  if (!status.ok()) return client::ReportFailure("ListVersions", status);
  if (args.server.json()) {
    std::cout << client::ToJson(all);
    return kExitOk;
  }
  if (all.versions_size() == 0) {
    std::cout << "no rule version published yet\n";
    return kExitOk;
  }
  client::TextTable table(
      {"VERSION", "ACTIVE", "PUBLISHED", "AUTHOR", "RULES", "HASH", "RESTORES", "MESSAGE"});
  for (const v1::RuleVersion& version : all.versions()) {
    table.AddRow({absl::StrCat(version.version()), version.active() ? "*" : "",
                  client::FormatTime(version.create_time()), version.author(),
                  absl::StrCat(version.rule_count()), ShortHash(version.content_hash()),
                  version.restored_from() == 0 ? "" : absl::StrCat(version.restored_from()),
                  version.message()});
  }
  std::cout << table.Render();
  if (!all.next_page_token().empty()) {
    std::cerr << "(newest " << args.limit << " versions; --limit 0 lists them all)\n";
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// rollback

struct RollbackArgs {
  client::ServerArgs server;
  std::string version;
  std::string actor;
  std::string reason;
  std::optional<int64_t> expect_version;
};

int RunRollback(const RollbackArgs& args) {
  absl::StatusOr<int64_t> target = client::ParseVersion(args.version);
  if (!target.ok()) return client::ReportUnusable(target.status());
  auto stub = RuleStub(args.server);
  v1::RollbackRequest request;
  request.set_name(client::VersionName(*target));
  request.set_actor(args.actor);
  request.set_reason(args.reason);
  if (args.expect_version.has_value()) request.set_expected_active_version(*args.expect_version);
  v1::RollbackResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::RuleService::Stub::Rollback, request, response);
  if (!status.ok()) {
    const client::ErrorDetails details = client::DecodeErrorDetails(status);
    if (!details.diagnostics.empty()) {
      // The old source no longer compiles: show where, against that version's source.
      v1::GetRulesResponse old;
      if (GetRules(*stub, args.server, request.name(), old).ok()) {
        const dsl::SourceFile source(old.version().file_name(), old.version().source());
        PrintDiagnostics(source, client::FromProto(source, details.diagnostics), args.server.json(),
                         std::cout);
      }
    }
    return client::ReportFailure("Rollback", status);
  }
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else if (response.unchanged()) {
    std::cout << "unchanged: version " << *target << "'s source is already active (version "
              << response.version().version() << ")\n";
  } else {
    std::cout << "rolled back: version " << response.version().version()
              << " is active now, with the source of version " << *target << " (was version "
              << response.previous().version() << ")\n";
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// diff

struct DiffArgs {
  client::ServerArgs server;
  std::vector<std::string> sides;
  int context = 3;
};

struct Side {
  std::string label;
  std::string text;
};

// A side of the diff: an existing file, "active", or a version number.
std::optional<Side> LoadSide(v1::RuleService::Stub& stub, const client::ServerArgs& server,
                             const std::string& spec, int& exit_code) {
  std::error_code error;
  if (spec != "active" && std::filesystem::is_regular_file(spec, error)) {
    absl::StatusOr<dsl::SourceFile> file = dsl::ReadSourceFile(spec);
    if (!file.ok()) {
      std::cerr << "leadctl: cannot read " << spec << ": " << file.status().message() << '\n';
      exit_code = kExitUnusable;
      return std::nullopt;
    }
    return Side{spec, file->text()};
  }
  absl::StatusOr<std::string> name = VersionResourceName(spec);
  if (!name.ok()) {
    std::cerr << "leadctl: " << spec << ": neither a file nor a rule version\n";
    exit_code = kExitUnusable;
    return std::nullopt;
  }
  v1::GetRulesResponse response;
  const grpc::Status status = GetRules(stub, server, *name, response);
  if (!status.ok()) {
    exit_code = client::ReportFailure("GetRules", status);
    if (exit_code == kExitNo) exit_code = kExitUnusable;  // a missing side is trouble, not "differ"
    return std::nullopt;
  }
  return Side{client::VersionName(response.version().version()), response.version().source()};
}

int RunDiff(const DiffArgs& args) {
  auto stub = RuleStub(args.server);
  std::vector<std::string> specs = args.sides;
  int exit_code = kExitOk;
  std::optional<Side> old_side;
  std::optional<Side> new_side;
  if (specs.empty()) {
    // The active version against the one before it: what the last publish changed.
    v1::GetRulesResponse active;
    const grpc::Status status = GetRules(*stub, args.server, "rules/versions/active", active);
    if (!status.ok()) {
      const int code = client::ReportFailure("GetRules", status);
      return code == kExitNo ? kExitUnusable : code;
    }
    new_side = Side{client::VersionName(active.version().version()), active.version().source()};
    const int64_t previous = active.version().version() - 1;
    if (previous < 1) {
      old_side = Side{"/dev/null", ""};
    } else {
      old_side = LoadSide(*stub, args.server, absl::StrCat(previous), exit_code);
    }
  } else if (specs.size() == 1) {
    // A file is compared with the active version (what pushing it would change); a version is
    // compared with the active one (what changed since).
    std::error_code error;
    const bool is_file = std::filesystem::is_regular_file(specs[0], error);
    old_side = LoadSide(*stub, args.server, is_file ? "active" : specs[0], exit_code);
    if (old_side) new_side = LoadSide(*stub, args.server, is_file ? specs[0] : "active", exit_code);
  } else {
    old_side = LoadSide(*stub, args.server, specs[0], exit_code);
    if (old_side) new_side = LoadSide(*stub, args.server, specs[1], exit_code);
  }
  if (!old_side || !new_side) return exit_code == kExitOk ? kExitUnusable : exit_code;

  const std::string diff = client::UnifiedDiff(old_side->text, new_side->text, old_side->label,
                                               new_side->label, args.context);
  if (args.server.json()) {
    const nlohmann::json json = {{"old", old_side->label},
                                 {"new", new_side->label},
                                 {"equal", diff.empty()},
                                 {"diff", diff}};
    std::cout << json.dump(2) << '\n';
  } else {
    std::cout << diff;
  }
  return diff.empty() ? kExitOk : kExitNo;
}

}  // namespace

void AddRulesCommand(CLI::App& app, int& exit_code) {
  CLI::App* rules = app.add_subcommand(
      "rules", "Publish rule files as versions on the server, read, list, diff and roll them back");
  rules->require_subcommand(1);

  {
    auto args = std::make_shared<PushArgs>();
    CLI::App* push = rules->add_subcommand(
        "push", "Publish a rule file as the next version (exit 1 with diagnostics if rejected)");
    push->add_option("file", args->file, "the rule file")->required();
    push->add_option("--author", args->author, "who publishes (recorded with the version)")
        ->envname("LEADCTL_ACTOR")
        ->required();
    push->add_option("--message", args->message, "why, like a commit message")->required();
    push->add_option("--file-name", args->file_name,
                     "the name recorded with the version (default: the file's base name)");
    push->add_option("--expect-version", args->expect_version,
                     "refuse (exit 1) unless this version is the active one (0: none yet)");
    push->add_flag("--deny-warnings", args->deny_warnings, "refuse a file with warnings too");
    push->add_flag("--validate-only", args->validate_only,
                   "check as a publish would, without publishing");
    client::AddServerOptions(*push, args->server);
    push->callback([args, &exit_code] { exit_code = RunPush(*args); });
  }
  {
    auto args = std::make_shared<GetArgs>();
    CLI::App* get = rules->add_subcommand(
        "get", "Print the source of the active version (or of VERSION), byte for byte");
    get->add_option("version", args->version, "a version number; default: the active one");
    get->add_flag("--info", args->info,
                  "print the version's author, message, time and its rules instead of the source");
    client::AddServerOptions(*get, args->server);
    get->callback([args, &exit_code] { exit_code = RunGet(*args); });
  }
  {
    auto args = std::make_shared<VersionsArgs>();
    CLI::App* versions = rules->add_subcommand("versions", "List rule versions, newest first");
    versions->add_option("--author", args->author, "only versions by this author");
    versions->add_option("--limit", args->limit, "at most this many; 0 for all")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    client::AddServerOptions(*versions, args->server);
    versions->callback([args, &exit_code] { exit_code = RunVersions(*args); });
  }
  {
    auto args = std::make_shared<RollbackArgs>();
    CLI::App* rollback = rules->add_subcommand(
        "rollback", "Make an earlier version's source active again, as a new version");
    rollback->add_option("version", args->version, "the version to restore")->required();
    rollback->add_option("--actor", args->actor, "who decides (recorded with the version)")
        ->envname("LEADCTL_ACTOR")
        ->required();
    rollback->add_option("--reason", args->reason, "why (recorded with the version)")->required();
    rollback->add_option("--expect-version", args->expect_version,
                         "refuse (exit 1) unless this version is the active one");
    client::AddServerOptions(*rollback, args->server);
    rollback->callback([args, &exit_code] { exit_code = RunRollback(*args); });
  }
  {
    auto args = std::make_shared<DiffArgs>();
    CLI::App* diff = rules->add_subcommand(
        "diff",
        "Unified diff of two versions, or of the active version and a local file (exit 0 equal, "
        "1 different, 2 trouble)");
    diff->add_option("sides", args->sides,
                     "none: the active version against the one before; V: V against the active "
                     "one; FILE: the active version against FILE; A B: A against B (versions, "
                     "files or `active`)")
        ->expected(0, 2);
    diff->add_option("--context", args->context, "lines of context around changes")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    client::AddServerOptions(*diff, args->server);
    diff->callback([args, &exit_code] { exit_code = RunDiff(*args); });
  }
}

}  // namespace leadrouter::leadctl
