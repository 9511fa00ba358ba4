// leadctl admin backup DIR: an online backup of the whole server (AdminService.Backup).
// leadctl admin restore BACKUP --db DIR: puts a backup in place as a server's database directory,
// offline (storage::Restore); the server is then started with --db DIR.
// leadctl admin salvage DAMAGED NEW_DIR: a copy of a database whose write-ahead log is damaged,
// with a report of every change dropped (storage::Salvage).
//
// DIR is a path on the server's machine; a relative DIR is made absolute against leadctl's working
// directory (right when the server runs on the same machine, which is where backups are taken).
// The server writes a RocksDB checkpoint there while it keeps serving; `leadrouterd --db DIR`
// starts on it. Exit 0 written, 1 refused (DIR exists, its parent is missing), 2 unusable input or
// server.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "clients/common/progress.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/leadctl/commands.h"
#include "google/protobuf/util/json_util.h"
#include "leadrouter/v1/admin.grpc.pb.h"
#include "storage/backup.h"
#include "storage/salvage.h"

namespace leadrouter::leadctl {
namespace {

struct BackupArgs {
  client::ServerArgs server;
  std::string directory;
};

int RunBackup(const BackupArgs& args) {
  std::error_code error;
  const std::filesystem::path directory = std::filesystem::absolute(args.directory, error);
  if (error) {
    std::cerr << "leadctl: " << args.directory << ": " << error.message() << '\n';
    return client::kExitUnusable;
  }
  v1::BackupRequest request;
  request.set_directory(directory.lexically_normal().string());
  auto stub = v1::AdminService::NewStub(client::Connect(args.server));
  v1::BackupResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::AdminService::Stub::Backup, request, response);
  if (!status.ok()) return client::ReportFailure("Backup", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    std::cout << "backup written to " << response.directory() << " (as of "
              << client::FormatTime(response.backup_time()) << ", rule version "
              << response.active_rule_version() << ")\n";
  }
  return client::kExitOk;
}

struct RestoreArgs {
  std::string backup;
  std::string target;
};

// Exit 0 restored, 1 refused (the target is not empty, or is open by a running server), 2 the
// backup is missing or unusable.
int RunRestore(const RestoreArgs& args) {
  if (!std::filesystem::is_directory(args.backup)) {
    std::cerr << "leadctl: " << args.backup << " is not a backup directory\n";
    return client::kExitUnusable;
  }
  std::optional<client::Progress> progress;  // the total is known once Restore has listed the files
  const absl::Status status =
      storage::Restore(args.backup, args.target, [&progress](uint64_t done, uint64_t total) {
        if (!progress) progress.emplace("bytes", total);
        progress->Update(done);
      });
  if (progress) progress->Finish();
  if (!status.ok()) {
    std::cerr << "leadctl: restore of " << args.backup << " into " << args.target
              << " failed: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
              << '\n';
    return status.code() == absl::StatusCode::kFailedPrecondition ||
                   status.code() == absl::StatusCode::kAlreadyExists
               ? client::kExitNo
               : client::kExitUnusable;
  }
  std::cout << "restored " << args.backup << " into " << args.target
            << "; start the server with --db " << args.target << '\n';
  return client::kExitOk;
}

struct SalvageArgs {
  std::string damaged;
  std::string target;
};

// Exit 0 salvaged (the report on stdout names every change dropped), 1 refused (nothing to
// salvage, damaged table files, or a target in the way), 2 the source is unusable.
int RunSalvage(const SalvageArgs& args) {
  absl::StatusOr<storage::SalvageReport> report = storage::Salvage(args.damaged, args.target);
  if (!report.ok()) {
    std::cerr << "leadctl: salvage of " << args.damaged << " into " << args.target
              << " failed: " << absl::StatusCodeToString(report.status().code()) << ": "
              << report.status().message() << '\n';
    return report.status().code() == absl::StatusCode::kFailedPrecondition ||
                   report.status().code() == absl::StatusCode::kAlreadyExists
               ? client::kExitNo
               : client::kExitUnusable;
  }
  for (const std::string& damage : report->damage) std::cout << "damage: " << damage << '\n';
  std::cout << "kept every change through audit sequence " << report->kept_through << '\n';
  for (const storage::SequenceRange& range : report->unreadable) {
    std::cout << "unreadable (in the damaged bytes): sequences " << range.first << ".."
              << (range.last == 0 ? std::string("end") : std::to_string(range.last)) << '\n';
  }
  for (const storage::DroppedChange& change : report->dropped) {
    std::string audit_json;
    (void)google::protobuf::util::MessageToJsonString(change.audit, &audit_json);
    std::cout << "dropped: " << audit_json << '\n';
  }
  std::cout << "salvaged " << args.damaged << " into " << args.target << " ("
            << report->dropped.size()
            << " readable changes dropped, listed above); start the server with --db "
            << args.target << '\n';
  return client::kExitOk;
}

}  // namespace

void AddAdminCommand(CLI::App& app, int& exit_code) {
  CLI::App* admin = app.add_subcommand("admin", "Operate the server itself");
  admin->require_subcommand(1);
  auto args = std::make_shared<BackupArgs>();
  CLI::App* backup = admin->add_subcommand(
      "backup",
      "Write a consistent copy of the server's whole database to a new directory on the server's "
      "machine, while it keeps serving");
  backup
      ->add_option("dir", args->directory,
                   "the new directory (must not exist; relative paths are made absolute here)")
      ->required();
  client::AddServerOptions(*backup, args->server);
  backup->callback([args, &exit_code] { exit_code = RunBackup(*args); });

  auto restore_args = std::make_shared<RestoreArgs>();
  CLI::App* restore = admin->add_subcommand(
      "restore",
      "Put a backup in place as a database directory, offline; then start leadrouterd --db DIR");
  restore->add_option("backup", restore_args->backup, "a directory written by admin backup")
      ->required();
  restore->add_option("--db", restore_args->target, "the database directory to create")->required();
  restore->callback([restore_args, &exit_code] { exit_code = RunRestore(*restore_args); });

  auto salvage_args = std::make_shared<SalvageArgs>();
  CLI::App* salvage =
      admin->add_subcommand("salvage",
                            "Copy a database whose write-ahead log is damaged into a new "
                            "directory, offline: every change "
                            "before the damage is kept, every change dropped is reported");
  salvage->add_option("damaged", salvage_args->damaged, "the damaged database (only read)")
      ->required()
      ->check(CLI::ExistingDirectory);
  salvage->add_option("target", salvage_args->target, "the new database directory")->required();
  salvage->callback([salvage_args, &exit_code] { exit_code = RunSalvage(*salvage_args); });
}

}  // namespace leadrouter::leadctl
