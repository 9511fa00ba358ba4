// leadctl leads: lists leads by owner, state, source and receive time, newest first
// (AssignmentService.ListLeads).
//
//   leadctl leads [--owner ana] [--state open --state contacted] [--source web]
//                 [--since TIME --until TIME] [--sla-overdue] [--limit N] [--format json]
//
// Exit 0, or 2 for unusable input or server.
#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/common/paging.h"
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

struct LeadsArgs {
  client::ServerArgs server;
  std::string owner;
  std::vector<std::string> states;
  std::string source;
  std::string since;
  std::string until;
  bool sla_overdue = false;
  int limit = 50;
};

int RunLeads(const LeadsArgs& args) {
  v1::ListLeadsRequest request;
  if (!args.owner.empty()) request.set_owner(client::RepName(args.owner));
  for (const std::string& text : args.states) {
    const std::string upper = absl::AsciiStrToUpper(text);
    v1::LeadState state = v1::LEAD_STATE_UNSPECIFIED;
    if (!v1::LeadState_Parse(upper, &state) &&
        !v1::LeadState_Parse("LEAD_STATE_" + upper, &state)) {
      return client::ReportUnusable(absl::InvalidArgumentError(absl::StrCat(
          "--state ", text,
          ": one of unassigned, pending_review, open, contacted, qualified, converted, lost")));
    }
    request.add_states(state);
  }
  request.set_source(args.source);
  for (const auto& [flag, text, time] :
       {std::tuple{"--since", &args.since, request.mutable_receive_time()->mutable_start_time()},
        std::tuple{"--until", &args.until, request.mutable_receive_time()->mutable_end_time()}}) {
    if (!text->empty() && !TimeUtil::FromString(*text, time)) {
      return client::ReportUnusable(absl::InvalidArgumentError(
          absl::StrCat(flag, " ", *text, ": not an RFC 3339 time (2026-03-01T09:30:00Z)")));
    }
  }
  if (args.since.empty()) request.mutable_receive_time()->clear_start_time();
  if (args.until.empty()) request.mutable_receive_time()->clear_end_time();
  if (args.since.empty() && args.until.empty()) request.clear_receive_time();
  request.set_sla_overdue(args.sla_overdue);

  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  v1::ListLeadsResponse all;
  const grpc::Status status = client::CollectPages(
      args.limit, 1000,
      [&](int page_size, const std::string& token, v1::ListLeadsResponse& page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        return client::Call(args.server, *stub, &v1::AssignmentService::Stub::ListLeads, request,
                            page);
      },
      [](v1::ListLeadsResponse& response) { return response.mutable_leads(); }, all);
  if (!status.ok()) return client::ReportFailure("ListLeads", status);
  if (args.server.json()) {
    std::cout << client::ToJson(all);
    return client::kExitOk;
  }
  client::TextTable table({"LEAD", "STATE", "OWNER", "SOURCE", "RECEIVED", "SLA DUE"});
  for (const v1::Lead& lead : all.leads()) {
    table.AddRow({std::string(client::ShortName(lead.name())),
                  client::EnumText(v1::LeadState_Name(lead.state()), "LEAD_STATE_"),
                  std::string(client::ShortName(lead.owner())), lead.source(),
                  client::FormatTime(lead.receive_time()),
                  client::FormatTime(lead.sla_deadline())});
  }
  std::cout << table.Render();
  if (!all.next_page_token().empty()) {
    std::cerr << "(first " << args.limit << " leads; --limit 0 lists them all)\n";
  }
  return client::kExitOk;
}

}  // namespace

void AddLeadsCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LeadsArgs>();
  CLI::App* command = app.add_subcommand(
      "leads", "List leads by owner, state, source and receive time, newest first");
  command->add_option("--owner", args->owner, "only leads of this rep");
  command->add_option("--state", args->states,
                      "only leads in this state (repeatable): unassigned, pending_review, open, "
                      "contacted, qualified, converted, lost");
  command->add_option("--source", args->source, "only leads from this source");
  command->add_option("--since", args->since, "only leads received at or after, RFC 3339");
  command->add_option("--until", args->until, "only leads received before, RFC 3339");
  command->add_flag("--sla-overdue", args->sla_overdue,
                    "only leads whose first-contact deadline has passed");
  command->add_option("--limit", args->limit, "at most this many; 0 for all")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunLeads(*args); });
}

}  // namespace leadrouter::leadctl
