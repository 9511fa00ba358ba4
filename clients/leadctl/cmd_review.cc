// leadctl review LEAD: a manager's verdict on a proposal waiting for review
// (AssignmentService.Review).
//
//   leadctl review L1 --approve [--reason "checked"]
//   leadctl review L1 --reject --reason "wrong region" [--to ana [--force]]
//
// Exit 0 decided, 1 the server refused (not in review, another proposal, rep unavailable), 2
// unusable input or server.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/common/text_table.h"
#include "clients/leadctl/commands.h"
#include "leadrouter/v1/assignment.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct ReviewArgs {
  client::ServerArgs server;
  std::string lead;
  bool approve = false;
  bool reject = false;
  std::string to;
  bool force = false;
  std::string proposal;
  std::string actor;
  std::string reason;
  std::string idempotency_key;
};

int RunReview(const ReviewArgs& args) {
  if (args.approve == args.reject) {
    return client::ReportUnusable(
        absl::InvalidArgumentError("give exactly one of --approve and --reject"));
  }
  v1::ReviewRequest request;
  request.set_lead(client::LeadName(args.lead));
  request.set_decision(args.approve ? v1::REVIEW_DECISION_APPROVE : v1::REVIEW_DECISION_REJECT);
  if (!args.to.empty()) request.set_rep(client::RepName(args.to));
  request.set_force(args.force);
  if (!args.proposal.empty()) {
    request.set_proposal(absl::StrCat(request.lead(), "/assignments/", args.proposal));
  }
  request.set_actor(args.actor);
  request.set_reason(args.reason);
  request.set_idempotency_key(args.idempotency_key);

  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  v1::ReviewResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::AssignmentService::Stub::Review, request, response);
  if (!status.ok()) return client::ReportFailure("Review", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
    return client::kExitOk;
  }
  const v1::Lead& lead = response.lead();
  std::cout << client::RenderKeyValues({
      {"lead", lead.name()},
      {"state", client::EnumText(v1::LeadState_Name(lead.state()), "LEAD_STATE_")},
      {"owner", lead.owner().empty() ? "(none)" : std::string(client::ShortName(lead.owner()))},
      {"assignment", std::string(client::ShortName(response.assignment().name()))},
      {"kind",
       client::EnumText(v1::AssignmentKind_Name(response.assignment().kind()), "ASSIGNMENT_KIND_")},
      {"summary", response.assignment().explanation().text()},
  });
  return client::kExitOk;
}

}  // namespace

void AddReviewCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReviewArgs>();
  CLI::App* command = app.add_subcommand(
      "review", "Approve or reject a proposal that a rule with `review` made (manager)");
  command->add_option("lead", args->lead, "the lead id (or leads/ID)")->required();
  command->add_flag("--approve", args->approve, "the proposed rep becomes the owner");
  command->add_flag("--reject", args->reject,
                    "drop the proposal: the lead goes to --to, or becomes unassigned");
  command->add_option("--to", args->to, "with --reject: the rep to assign instead (id or reps/ID)");
  command->add_flag("--force", args->force, "with --to: assign even if that rep is unavailable");
  command->add_option("--proposal", args->proposal,
                      "the proposal's assignment id you reviewed: refused if it changed since");
  command->add_option("--actor", args->actor, "who decides (recorded in the history)")
      ->envname("LEADCTL_ACTOR")
      ->required();
  command->add_option("--reason", args->reason, "why (required with --reject)");
  command->add_option("--idempotency-key", args->idempotency_key, "makes retries safe");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunReview(*args); });
}

}  // namespace leadrouter::leadctl
