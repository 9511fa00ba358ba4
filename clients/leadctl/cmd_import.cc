// leadctl import: sends a whole lead file to the server in AssignBatch chunks and sums up what
// happened, safely re-runnable.
//
//   leadctl import examples/data/leads-x-education.csv --mapping examples/x-education.mapping.toml
//
// Each lead's idempotency key is made from its id (`<prefix>-<id>`), so running the same file again
// stores nothing twice: the server replays its first answers. Exit 0 when every lead was stored
// (assigned, proposed, or left unassigned by the rules: the summary counts them), 1 when the
// server refused any lead, 2 for unusable input (file, mapping, options) or a failing server.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/common/progress.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/common/text_table.h"
#include "clients/leadctl/commands.h"
#include "dsl/data/lead_mapping.h"
#include "dsl/decision/periods.h"
#include "leadrouter/v1/assignment.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct ImportArgs {
  client::ServerArgs server;
  std::string file;
  std::string mapping;
  std::string actor;
  std::string key_prefix = "import";
  std::string timezone = "UTC";
  int batch_size = 500;
  bool validate_only = false;
};

// The server keeps keys of at most 128 bytes; a longer prefix + id is shortened to a hash of the
// id, which is just as stable across runs.
std::string IdempotencyKey(const std::string& prefix, const std::string& id) {
  std::string key = absl::StrCat(prefix, "-", id);
  if (key.size() <= 128) return key;
  uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (const unsigned char c : id) hash = (hash ^ c) * 1099511628211ull;
  return absl::StrFormat("%s-%016x", prefix.substr(0, 100), hash);
}

struct ImportSummary {
  int64_t leads = 0;
  int64_t assigned = 0;
  int64_t pending_review = 0;
  int64_t already_assigned = 0;
  std::map<std::string, int64_t> unassigned;  // by reason
  int64_t replayed = 0;
  std::map<std::string, int64_t> refused;  // by status code
  int64_t unassigned_total() const {
    int64_t n = 0;
    for (const auto& [reason, count] : unassigned) n += count;
    return n;
  }
  int64_t refused_total() const {
    int64_t n = 0;
    for (const auto& [code, count] : refused) n += count;
    return n;
  }
};

void Count(ImportSummary& summary, const v1::AssignResponse& response) {
  if (response.replayed()) ++summary.replayed;
  const v1::Assignment& assignment = response.assignment();
  switch (assignment.outcome()) {
    case v1::OUTCOME_ASSIGNED:
      ++summary.assigned;
      break;
    case v1::OUTCOME_PENDING_REVIEW:
      ++summary.pending_review;
      break;
    case v1::OUTCOME_ALREADY_ASSIGNED:
      ++summary.already_assigned;
      break;
    default:
      ++summary.unassigned[client::EnumText(
          v1::UnassignedReason_Name(assignment.unassigned_reason()), "UNASSIGNED_REASON_")];
  }
}

void PrintSummary(const ImportSummary& summary, const ImportArgs& args) {
  if (args.server.json()) {
    nlohmann::ordered_json json = {
        {"leads", summary.leads},
        {"assigned", summary.assigned},
        {"pendingReview", summary.pending_review},
        {"alreadyAssigned", summary.already_assigned},
        {"unassigned", summary.unassigned_total()},
        {"unassignedByReason", summary.unassigned},
        {"replayed", summary.replayed},
        {"refused", summary.refused_total()},
        {"refusedByStatus", summary.refused},
        {"validateOnly", args.validate_only},
    };
    std::cout << json.dump(2) << '\n';
    return;
  }
  client::TextTable table({"RESULT", "LEADS"});
  table.AddRow({"assigned", absl::StrCat(summary.assigned)});
  table.AddRow({"pending review", absl::StrCat(summary.pending_review)});
  table.AddRow({"already assigned", absl::StrCat(summary.already_assigned)});
  table.AddRow({"unassigned", absl::StrCat(summary.unassigned_total())});
  for (const auto& [reason, count] : summary.unassigned) {
    table.AddRow({"  " + reason, absl::StrCat(count)});
  }
  table.AddRow({"refused", absl::StrCat(summary.refused_total())});
  for (const auto& [code, count] : summary.refused) {
    table.AddRow({"  " + code, absl::StrCat(count)});
  }
  std::cout << "imported " << summary.leads << " leads from " << args.file
            << (args.validate_only ? " (validate only: nothing was stored)" : "") << '\n'
            << table.Render();
  if (summary.replayed > 0) {
    std::cout << summary.replayed
              << " of them replayed: stored by an earlier run with the same keys, not decided "
                 "again\n";
  }
}

int RunImport(const ImportArgs& args) {
  absl::StatusOr<dsl::PeriodCalendar> calendar = dsl::PeriodCalendar::ForZone(args.timezone);
  if (!calendar.ok()) {
    std::cerr << "leadctl: " << calendar.status().message() << '\n';
    return client::kExitUnusable;
  }
  absl::StatusOr<std::vector<dsl::LeadRow>> rows =
      dsl::ReadLeadsWithMapping(args.file, args.mapping, calendar->zone());
  if (!rows.ok()) {
    std::cerr << "leadctl: " << rows.status().message() << '\n';
    return client::kExitUnusable;
  }
  if (rows->empty()) {
    std::cerr << "leadctl: " << args.file << ": no leads\n";
    return client::kExitUnusable;
  }
  // Every lead converts before anything is sent: a bad file changes nothing on the server.
  std::vector<v1::AssignBatchItem> items;
  items.reserve(rows->size());
  for (const dsl::LeadRow& row : *rows) {
    absl::StatusOr<v1::Lead> lead = client::LeadFromRow(row);
    if (!lead.ok()) {
      std::cerr << "leadctl: " << args.file << ": " << lead.status().message()
                << " (import makes each lead's idempotency key from its id)\n";
      return client::kExitUnusable;
    }
    v1::AssignBatchItem& item = items.emplace_back();
    item.set_idempotency_key(IdempotencyKey(args.key_prefix, row.id));
    *item.mutable_lead() = *std::move(lead);
  }

  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  ImportSummary summary;
  summary.leads = static_cast<int64_t>(items.size());
  constexpr int kShownRefusals = 10;
  int shown = 0;
  client::Progress progress("leads", items.size());
  for (size_t start = 0; start < items.size(); start += static_cast<size_t>(args.batch_size)) {
    const size_t end = std::min(items.size(), start + static_cast<size_t>(args.batch_size));
    v1::AssignBatchRequest request;
    request.set_actor(args.actor);
    request.set_validate_only(args.validate_only);
    for (size_t i = start; i < end; ++i) *request.add_items() = items[i];
    v1::AssignBatchResponse response;
    const grpc::Status status = client::Call(
        args.server, *stub, &v1::AssignmentService::Stub::AssignBatch, request, response);
    if (!status.ok()) {
      progress.Finish();
      client::ReportFailure("AssignBatch", status);
      std::cerr << "leadctl: stopped after " << start << " of " << items.size()
                << " leads; run the same command again to continue (the leads already stored "
                   "are replayed, not decided twice)\n";
      return client::kExitUnusable;
    }
    for (int r = 0; r < response.results_size(); ++r) {
      const v1::AssignBatchResult& result = response.results(r);
      if (result.has_response()) {
        Count(summary, result.response());
        continue;
      }
      const auto code = static_cast<grpc::StatusCode>(result.error().code());
      ++summary.refused[client::StatusCodeName(code)];
      if (shown++ < kShownRefusals) {
        progress.Finish();  // a message mid-bar would be overdrawn
        std::cerr << "leadctl: " << client::ShortName(items[start + r].lead().name())
                  << " refused: " << client::StatusCodeName(code) << ": "
                  << result.error().message() << '\n';
      }
    }
    progress.Update(end);
  }
  progress.Finish();
  if (shown > kShownRefusals) {
    std::cerr << "leadctl: ... and " << shown - kShownRefusals << " more refused\n";
  }
  PrintSummary(summary, args);
  return summary.refused_total() > 0 ? client::kExitNo : client::kExitOk;
}

}  // namespace

void AddImportCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* command = app.add_subcommand(
      "import",
      "Send a lead file to the server in batches and sum up the outcomes; safe to re-run "
      "(exit 0 all stored, 1 some refused, 2 unusable input or server)");
  command->add_option("file", args->file, "the leads: .csv (any columns, with --mapping) or .jsonl")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--mapping", args->mapping,
                   "a mapping file (.toml) from the file's columns to lead fields")
      ->check(CLI::ExistingFile);
  command->add_option("--actor", args->actor, "who is calling (default: the server's \"api\")");
  command
      ->add_option("--key-prefix", args->key_prefix,
                   "idempotency keys are <prefix>-<lead id>; a new prefix decides the leads anew")
      ->capture_default_str();
  command->add_option("--batch-size", args->batch_size, "leads per AssignBatch call")
      ->capture_default_str()
      ->check(CLI::Range(1, 500));
  command->add_option("--timezone", args->timezone, "IANA zone of times without an offset")
      ->capture_default_str();
  command->add_flag("--validate-only", args->validate_only,
                    "decide and sum up without storing anything");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunImport(*args); });
}

}  // namespace leadrouter::leadctl
