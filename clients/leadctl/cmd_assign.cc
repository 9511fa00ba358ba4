// leadctl assign: upserts leads and has the server decide their owners (AssignmentService.Assign).
//
//   leadctl assign --lead-file lead.json
//   leadctl assign --id L1 --field source=ads --field quality=85
//
// Exit 0 when every lead has (or is proposed to) an owner, 1 when a decision left a lead
// unassigned or the server refused a lead, 2 for unusable input or an unreachable server.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/leadctl/assignment_view.h"
#include "clients/leadctl/commands.h"
#include "leadrouter/v1/assignment.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct AssignArgs {
  client::ServerArgs server;
  std::string lead_file;
  std::vector<std::string> fields;
  std::string id;
  std::string actor;
  std::string idempotency_key;
  std::string update_mask;
  bool validate_only = false;
};

int RunAssign(const AssignArgs& args) {
  std::vector<v1::Lead> leads;
  if (!args.lead_file.empty()) {
    if (!args.fields.empty() || !args.id.empty()) {
      std::cerr << "leadctl: give the lead either with --lead-file or with --id / --field\n";
      return client::kExitUnusable;
    }
    absl::StatusOr<std::vector<v1::Lead>> read = client::ReadLeads(args.lead_file);
    if (!read.ok()) return client::ReportUnusable(read.status());
    leads = *std::move(read);
    if (leads.empty()) {
      std::cerr << "leadctl: " << args.lead_file << ": no leads\n";
      return client::kExitUnusable;
    }
  } else {
    if (args.id.empty() && args.fields.empty()) {
      std::cerr
          << "leadctl: give the lead with --lead-file FILE, or --id ID and --field NAME=VALUE\n";
      return client::kExitUnusable;
    }
    absl::StatusOr<v1::Lead> lead = client::LeadFromFields(args.fields, args.id);
    if (!lead.ok()) return client::ReportUnusable(lead.status());
    leads.push_back(*std::move(lead));
  }

  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  client::TextTable table = DecisionTable();
  std::vector<v1::AssignResponse> responses;
  int exit_code = client::kExitOk;
  for (const v1::Lead& lead : leads) {
    v1::AssignRequest request;
    *request.mutable_lead() = lead;
    request.set_actor(args.actor);
    request.set_validate_only(args.validate_only);
    if (!args.idempotency_key.empty()) {
      // One key per lead: the file's leads are separate requests.
      request.set_idempotency_key(leads.size() == 1 ? args.idempotency_key
                                                    : absl::StrCat(args.idempotency_key, "-",
                                                                   client::ShortName(lead.name())));
    }
    for (const absl::string_view path : absl::StrSplit(args.update_mask, ',', absl::SkipEmpty())) {
      request.mutable_update_mask()->add_paths(std::string(path));
    }
    v1::AssignResponse response;
    const grpc::Status status =
        client::Call(args.server, *stub, &v1::AssignmentService::Stub::Assign, request, response);
    if (!status.ok()) {
      exit_code = std::max(exit_code, client::ReportFailure("Assign", status));
      if (client::IsServerFailure(status.error_code())) return client::kExitUnusable;
      continue;
    }
    exit_code = std::max(exit_code, DecisionExitCode(response.assignment()));
    AddDecisionRow(table, response.assignment());
    responses.push_back(std::move(response));
  }

  if (args.server.json()) {
    if (leads.size() == 1) {
      if (!responses.empty()) std::cout << client::ToJson(responses.front());
    } else {
      std::cout << "[";
      for (size_t i = 0; i < responses.size(); ++i) {
        std::string json = client::ToJson(responses[i]);
        json.pop_back();
        std::cout << (i == 0 ? "\n" : ",\n") << json;
      }
      std::cout << "\n]\n";
    }
    return exit_code;
  }
  if (table.rows() > 0) std::cout << table.Render();
  if (responses.size() == 1) {
    const v1::AssignResponse& response = responses.front();
    if (!response.assignment().explanation().text().empty()) {
      std::cout << "why: " << response.assignment().explanation().text() << '\n';
    }
    if (response.replayed()) std::cout << "(replayed: the stored answer to an earlier call)\n";
  }
  if (args.validate_only) std::cout << "(validate only: nothing was stored)\n";
  return exit_code;
}

}  // namespace

void AddAssignCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AssignArgs>();
  CLI::App* command = app.add_subcommand(
      "assign",
      "Send leads to the server and print who got them (exit 0 assigned, 1 unassigned or "
      "refused, 2 unusable input or server)");
  command
      ->add_option("--lead-file", args->lead_file,
                   "a lead (.json object or array) or leads (.jsonl, .csv) with dataset columns")
      ->check(CLI::ExistingFile);
  command->add_option("--id", args->id, "the lead's id (its CRM or form id)");
  command->add_option("--field", args->fields,
                      "NAME=VALUE, repeatable: source=ads, quality=85, value=1200, region=emea, "
                      "industry=..., channel=phone, account=..., created_at=..., or any custom "
                      "attribute");
  command->add_option("--actor", args->actor, "who is calling (default: the server's \"api\")");
  command->add_option("--idempotency-key", args->idempotency_key,
                      "makes retries safe; with several leads, -<lead id> is appended per lead");
  command->add_option(
      "--update-mask", args->update_mask,
      "for an existing lead, the fields to replace, e.g. quality,attributes.budget");
  command->add_flag("--validate-only", args->validate_only,
                    "decide and show the result without storing anything");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunAssign(*args); });
}

}  // namespace leadrouter::leadctl
