// leadctl tasks: lists follow-up tasks, soonest due first (FollowUpService.ListTasks).
//
//   leadctl tasks [--rep ana] [--lead acme-1] [--state open --state overdue]
//                 [--due-before TIME] [--channel phone] [--limit N] [--format json]
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
#include "leadrouter/v1/followups.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

using google::protobuf::util::TimeUtil;

struct TasksArgs {
  client::ServerArgs server;
  std::string rep;
  std::string lead;
  std::vector<std::string> states;
  std::string due_before;
  std::string channel;
  int limit = 50;
};

int RunTasks(const TasksArgs& args) {
  v1::ListTasksRequest request;
  if (!args.rep.empty()) request.set_rep(client::RepName(args.rep));
  if (!args.lead.empty()) request.set_lead(client::LeadName(args.lead));
  for (const std::string& text : args.states) {
    const std::string upper = absl::AsciiStrToUpper(text);
    v1::TaskState state = v1::TASK_STATE_UNSPECIFIED;
    if (!v1::TaskState_Parse("TASK_STATE_" + upper, &state) ||
        state == v1::TASK_STATE_UNSPECIFIED) {
      return client::ReportUnusable(absl::InvalidArgumentError(
          absl::StrCat("--state ", text, ": one of open, overdue, done, cancelled")));
    }
    request.add_states(state);
  }
  if (!args.due_before.empty() &&
      !TimeUtil::FromString(args.due_before, request.mutable_due()->mutable_end_time())) {
    return client::ReportUnusable(absl::InvalidArgumentError(absl::StrCat(
        "--due-before ", args.due_before, ": not an RFC 3339 time (2026-03-01T09:30:00Z)")));
  }
  if (!args.channel.empty()) {
    v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
    if (!v1::Channel_Parse("CHANNEL_" + absl::AsciiStrToUpper(args.channel), &channel) ||
        channel == v1::CHANNEL_UNSPECIFIED) {
      return client::ReportUnusable(absl::InvalidArgumentError(absl::StrCat(
          "--channel ", args.channel, ": one of phone, email, sms, wechat, social, im, visit")));
    }
    request.set_channel(channel);
  }

  auto stub = v1::FollowUpService::NewStub(client::Connect(args.server));
  v1::ListTasksResponse all;
  const grpc::Status status = client::CollectPages(
      args.limit, 1000,
      [&](int page_size, const std::string& token, v1::ListTasksResponse& page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        return client::Call(args.server, *stub, &v1::FollowUpService::Stub::ListTasks, request,
                            page);
      },
      [](v1::ListTasksResponse& response) { return response.mutable_tasks(); }, all);
  if (!status.ok()) return client::ReportFailure("ListTasks", status);
  if (args.server.json()) {
    std::cout << client::ToJson(all);
    return client::kExitOk;
  }
  client::TextTable table({"TASK", "LEAD", "REP", "CHANNEL", "DUE", "STATE"});
  for (const v1::Task& task : all.tasks()) {
    table.AddRow({std::string(client::ShortName(task.name())),
                  std::string(client::ShortName(task.lead())),
                  std::string(client::ShortName(task.rep())), task.channel_name(),
                  client::FormatTime(task.due_time()),
                  client::EnumText(v1::TaskState_Name(task.state()), "TASK_STATE_")});
  }
  std::cout << table.Render();
  if (!all.next_page_token().empty()) {
    std::cerr << "(first " << args.limit << " tasks; --limit 0 lists them all)\n";
  }
  return client::kExitOk;
}

}  // namespace

void AddTasksCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TasksArgs>();
  CLI::App* command =
      app.add_subcommand("tasks", "List follow-up tasks by rep, lead, state and due time");
  command->add_option("--rep", args->rep, "only tasks of this rep");
  command->add_option("--lead", args->lead, "only tasks of this lead");
  command->add_option("--state", args->states,
                      "only tasks in this state (repeatable): open, overdue, done, cancelled; "
                      "default open and overdue");
  command->add_option("--due-before", args->due_before, "only tasks due before, RFC 3339");
  command->add_option("--channel", args->channel, "only tasks on this built-in channel");
  command->add_option("--limit", args->limit, "at most this many; 0 for all")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunTasks(*args); });
}

}  // namespace leadrouter::leadctl
