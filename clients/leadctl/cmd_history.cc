// leadctl history [LEAD]: the assignment history of one lead, or of all leads, newest first
// (AssignmentService.ListAssignments). Exit 0, or 2 for unusable input or server.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "clients/common/paging.h"
#include "clients/common/proto_input.h"
#include "clients/common/proto_output.h"
#include "clients/common/rpc_status.h"
#include "clients/common/server_args.h"
#include "clients/leadctl/assignment_view.h"
#include "clients/leadctl/commands.h"
#include "leadrouter/v1/assignment.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct HistoryArgs {
  client::ServerArgs server;
  std::string lead;
  std::string rep;
  std::string actor;
  bool oldest_first = false;
  int limit = 50;
};

int RunHistory(const HistoryArgs& args) {
  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  v1::ListAssignmentsRequest request;
  request.set_parent(args.lead.empty() ? "leads/-" : client::LeadName(args.lead));
  if (!args.rep.empty()) request.set_rep(client::RepName(args.rep));
  request.set_actor(args.actor);
  request.set_oldest_first(args.oldest_first);

  v1::ListAssignmentsResponse all;
  const grpc::Status status = client::CollectPages(
      args.limit, 1000,
      [&](int page_size, const std::string& token, v1::ListAssignmentsResponse& page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        return client::Call(args.server, *stub, &v1::AssignmentService::Stub::ListAssignments,
                            request, page);
      },
      [](v1::ListAssignmentsResponse& response) { return response.mutable_assignments(); }, all);
  if (!status.ok()) return client::ReportFailure("ListAssignments", status);

  if (args.server.json()) {
    std::cout << client::ToJson(all);
    return client::kExitOk;
  }
  const bool with_lead = args.lead.empty();
  client::TextTable table = HistoryTable(with_lead);
  for (const v1::Assignment& assignment : all.assignments()) {
    AddHistoryRow(table, assignment, with_lead);
  }
  std::cout << table.Render();
  if (!all.next_page_token().empty()) {
    std::cerr << "(first " << args.limit << " entries; --limit 0 lists them all)\n";
  }
  return client::kExitOk;
}

}  // namespace

void AddHistoryCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* command = app.add_subcommand(
      "history", "List assignment history entries of a lead (or of every lead), newest first");
  command->add_option("lead", args->lead, "the lead id (or leads/ID); none: every lead");
  command->add_option("--rep", args->rep, "only entries whose rep is this rep");
  command->add_option("--actor", args->actor, "only entries made by this actor");
  command->add_flag("--oldest-first", args->oldest_first, "oldest entries first");
  command->add_option("--limit", args->limit, "at most this many entries; 0 for all")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunHistory(*args); });
}

}  // namespace leadrouter::leadctl
