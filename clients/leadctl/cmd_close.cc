// leadctl close LEAD: closes a lead as won, lost or disqualified (AssignmentService.CloseLead);
// the owner's open-lead count is credited back.
//
//   leadctl close L1 --won --reason "signed" [--value 1200] [--at TIME]
//   leadctl close L1 --lost --reason "went with a competitor"
//   leadctl close L1 --disqualified --reason "spam"
//
// Exit 0 closed (or already closed so), 1 the server refused (closed otherwise, in review, no such
// lead), 2 unusable input or server.
#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <memory>
#include <optional>
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

using google::protobuf::util::TimeUtil;

struct CloseArgs {
  client::ServerArgs server;
  std::string lead;
  bool won = false;
  bool lost = false;
  bool disqualified = false;
  std::optional<double> value;
  std::string at;
  std::string actor;
  std::string reason;
  std::string idempotency_key;
};

int RunClose(const CloseArgs& args) {
  if (int{args.won} + int{args.lost} + int{args.disqualified} != 1) {
    return client::ReportUnusable(
        absl::InvalidArgumentError("give exactly one of --won, --lost and --disqualified"));
  }
  v1::CloseLeadRequest request;
  request.set_lead(client::LeadName(args.lead));
  request.set_resolution(args.won    ? v1::CLOSE_RESOLUTION_WON
                         : args.lost ? v1::CLOSE_RESOLUTION_LOST
                                     : v1::CLOSE_RESOLUTION_DISQUALIFIED);
  if (args.value.has_value()) request.set_value(*args.value);
  if (!args.at.empty() && !TimeUtil::FromString(args.at, request.mutable_close_time())) {
    return client::ReportUnusable(absl::InvalidArgumentError(
        absl::StrCat("--at ", args.at, ": not an RFC 3339 time (2026-03-01T09:30:00Z)")));
  }
  request.set_actor(args.actor);
  request.set_reason(args.reason);
  request.set_idempotency_key(args.idempotency_key);

  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  v1::CloseLeadResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::AssignmentService::Stub::CloseLead, request, response);
  if (!status.ok()) return client::ReportFailure("CloseLead", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
    return client::kExitOk;
  }
  const v1::Lead& lead = response.lead();
  std::cout << client::RenderKeyValues({
      {"lead", lead.name()},
      {"state", client::EnumText(v1::LeadState_Name(lead.state()), "LEAD_STATE_")},
      {"resolution",
       client::EnumText(v1::CloseResolution_Name(lead.close_resolution()), "CLOSE_RESOLUTION_")},
      {"owner", std::string(client::ShortName(lead.owner()))},
      {"closed", client::FormatTime(lead.close_time())},
      {"assignment", response.has_assignment()
                         ? std::string(client::ShortName(response.assignment().name()))
                         : "(already closed so: unchanged)"},
  });
  return client::kExitOk;
}

}  // namespace

void AddCloseCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CloseArgs>();
  CLI::App* command = app.add_subcommand(
      "close", "Close a lead as won, lost or disqualified; frees the owner's open-lead cap");
  command->add_option("lead", args->lead, "the lead id (or leads/ID)")->required();
  command->add_flag("--won", args->won, "the deal was won (the lead becomes CONVERTED)");
  command->add_flag("--lost", args->lost, "the deal was lost (LOST)");
  command->add_flag("--disqualified", args->disqualified, "never a real lead (LOST)");
  command->add_option("--value", args->value, "with --won: the final deal value");
  command->add_option("--at", args->at, "when it closed, RFC 3339 (default: now)");
  command->add_option("--actor", args->actor, "who closes it (recorded in the history)")
      ->envname("LEADCTL_ACTOR")
      ->required();
  command->add_option("--reason", args->reason, "why (recorded in the history)")->required();
  command->add_option("--idempotency-key", args->idempotency_key, "makes retries safe");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunClose(*args); });
}

}  // namespace leadrouter::leadctl
