// leadctl reassign: moves a lead to a named rep or has the rules re-decide it
// (AssignmentService.Reassign).
//
//   leadctl reassign L1 --to ana --actor maria --reason "customer asked for her" [--force]
//   leadctl reassign L1 --by-rule --actor maria --reason "owner left the account"
//
// Exit 0 when the lead got an owner, 1 when nobody was eligible (by rule) or the server refused
// (pinned, closed, rep off, ...), 2 for unusable input or an unreachable server.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/leadctl/assignment_view.h"
#include "clients/leadctl/commands.h"
#include "leadrouter/v1/assignment.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct ReassignArgs {
  client::ServerArgs server;
  std::string lead;
  std::string to;
  bool by_rule = false;
  std::vector<std::string> exclude;
  bool exclude_previous = false;
  bool release_if_none = false;
  std::string actor;
  std::string reason;
  bool force = false;
  bool pin = false;
  bool override_pin = false;
  std::string expect;
  std::string idempotency_key;
};

int RunReassign(const ReassignArgs& args) {
  if (args.to.empty() == !args.by_rule) {
    std::cerr << "leadctl: give exactly one of --to REP and --by-rule\n";
    return client::kExitUnusable;
  }
  v1::ReassignRequest request;
  request.set_lead(client::LeadName(args.lead));
  if (args.by_rule) {
    v1::ReassignByRule& by_rule = *request.mutable_by_rule();
    for (const std::string& rep : args.exclude) by_rule.add_exclude_reps(client::RepName(rep));
    by_rule.set_exclude_previous_owners(args.exclude_previous);
    by_rule.set_release_if_none(args.release_if_none);
  } else {
    request.set_rep(client::RepName(args.to));
  }
  request.set_actor(args.actor);
  request.set_reason(args.reason);
  request.set_force(args.force);
  request.set_pin(args.pin);
  request.set_override_pin(args.override_pin);
  if (!args.expect.empty()) {
    request.set_expected_assignment(args.expect.find('/') == std::string::npos
                                        ? absl::StrCat(request.lead(), "/assignments/", args.expect)
                                        : args.expect);
  }
  request.set_idempotency_key(args.idempotency_key);

  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  v1::ReassignResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::AssignmentService::Stub::Reassign, request, response);
  if (!status.ok()) return client::ReportFailure("Reassign", status);

  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    client::TextTable table = DecisionTable();
    AddDecisionRow(table, response.assignment());
    std::cout << table.Render();
    if (!response.assignment().previous_rep().empty()) {
      std::cout << "from: " << client::ShortName(response.assignment().previous_rep()) << '\n';
    }
    if (!response.assignment().explanation().text().empty()) {
      std::cout << "why: " << response.assignment().explanation().text() << '\n';
    }
  }
  return DecisionExitCode(response.assignment());
}

}  // namespace

void AddReassignCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReassignArgs>();
  CLI::App* command = app.add_subcommand(
      "reassign",
      "Move a lead to a rep (--to) or let the rules pick another one (--by-rule); exit 1 when "
      "nobody is eligible or the server refuses");
  command->add_option("lead", args->lead, "the lead id (or leads/ID)")->required();
  command->add_option("--to", args->to, "the rep to give the lead to (a manager's decision)");
  command->add_flag("--by-rule", args->by_rule,
                    "re-decide by the active rules, the current owner excluded");
  command->add_option("--exclude", args->exclude, "with --by-rule: reps not to consider too");
  command->add_flag("--exclude-previous", args->exclude_previous,
                    "with --by-rule: also exclude every earlier owner");
  command->add_flag("--release-if-none", args->release_if_none,
                    "with --by-rule: leave the lead without owner when nobody else is eligible "
                    "(default: keep the current owner)");
  command->add_option("--actor", args->actor, "who decides (recorded in the history)")
      ->envname("LEADCTL_ACTOR")
      ->required();
  command->add_option("--reason", args->reason, "why (recorded in the history)")->required();
  command->add_flag("--force", args->force,
                    "with --to: assign even if the rep is away or at a cap");
  command->add_flag("--pin", args->pin, "pin the lead to its new owner");
  command->add_flag("--override-pin", args->override_pin, "allow moving a pinned lead");
  command->add_option("--expect", args->expect,
                      "the assignment id you last saw; refused (exit 1) if the lead moved since");
  command->add_option("--idempotency-key", args->idempotency_key, "makes retries safe");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunReassign(*args); });
}

}  // namespace leadrouter::leadctl
