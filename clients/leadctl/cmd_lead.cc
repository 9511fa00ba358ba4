// leadctl lead LEAD: one lead with its owner, current assignment and open tasks
// (AssignmentService.GetLead). Exit 0 found, 1 no such lead, 2 unusable input or server.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/common/text_table.h"
#include "clients/leadctl/assignment_view.h"
#include "clients/leadctl/commands.h"
#include "leadrouter/v1/assignment.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

using client::FormatTime;

struct LeadArgs {
  client::ServerArgs server;
  std::string lead;
};

std::string Optional(bool has, double value) { return has ? client::FormatNumber(value) : ""; }

void PrintLead(const v1::GetLeadResponse& response) {
  const v1::Lead& lead = response.lead();
  const v1::Assignment& current = response.current_assignment();
  std::vector<std::string> attributes;
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const auto& [key, value] : lead.attributes())
    sorted.emplace_back(key, client::FormatValue(value));
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, value] : sorted) attributes.push_back(absl::StrCat(key, "=", value));
  std::string pin;
  if (lead.has_pin()) {
    pin = absl::StrCat("yes, by ", lead.pin().actor(), " (", lead.pin().reason(), ")");
  }
  std::cout << client::RenderKeyValues({
      {"lead", lead.name()},
      {"state", client::EnumText(v1::LeadState_Name(lead.state()), "LEAD_STATE_")},
      {"owner", std::string(client::ShortName(lead.owner()))},
      {"pinned", pin},
      {"source", lead.source()},
      {"quality", Optional(lead.has_quality(), lead.quality())},
      {"value", Optional(lead.has_value(), lead.value())},
      {"region", lead.region()},
      {"industry", lead.industry()},
      {"account", lead.account()},
      {"channel", lead.preferred_channel() == v1::CHANNEL_UNSPECIFIED
                      ? ""
                      : client::ChannelText(lead.preferred_channel())},
      {"attributes", absl::StrJoin(attributes, ", ")},
      {"score", Optional(lead.has_score(), lead.score())},
      {"created", FormatTime(lead.create_time())},
      {"received", FormatTime(lead.receive_time())},
      {"updated", FormatTime(lead.update_time())},
      {"sla due", FormatTime(lead.sla_deadline())},
      {"first contact", FormatTime(lead.first_contact_time())},
      {"closed", FormatTime(lead.close_time())},
      {"assignment", std::string(client::ShortName(lead.current_assignment()))},
      {"decided", response.has_current_assignment()
                      ? absl::StrCat(FormatTime(current.decide_time()), " by ",
                                     current.actor().empty() ? "?" : current.actor())
                      : ""},
      {"rule",
       response.has_current_assignment()
           ? absl::StrCat(
                 RuleText(current.rule()),
                 current.rule_version() == 0 ? "" : absl::StrCat(" v", current.rule_version()))
           : ""},
      {"why", current.explanation().text()},
  });
  if (response.open_tasks_size() > 0) {
    client::TextTable tasks({"TASK", "KIND", "CHANNEL", "DUE", "STATE"});
    for (const v1::Task& task : response.open_tasks()) {
      tasks.AddRow({std::string(client::ShortName(task.name())),
                    client::EnumText(v1::TaskKind_Name(task.kind()), "TASK_KIND_"),
                    client::ChannelText(task.channel()), FormatTime(task.due_time()),
                    client::EnumText(v1::TaskState_Name(task.state()), "TASK_STATE_")});
    }
    std::cout << "\nopen tasks:\n" << tasks.Render();
  }
}

int RunLead(const LeadArgs& args) {
  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  v1::GetLeadRequest request;
  request.set_name(client::LeadName(args.lead));
  v1::GetLeadResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::AssignmentService::Stub::GetLead, request, response);
  if (!status.ok()) return client::ReportFailure("GetLead", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
  } else {
    PrintLead(response);
  }
  return client::kExitOk;
}

}  // namespace

void AddLeadCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LeadArgs>();
  CLI::App* command = app.add_subcommand(
      "lead", "Show a lead: fields, state, owner, current assignment and open tasks");
  command->add_option("lead", args->lead, "the lead id (or leads/ID)")->required();
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunLead(*args); });
}

}  // namespace leadrouter::leadctl
