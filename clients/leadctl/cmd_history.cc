// leadctl history [LEAD]: a lead's timeline, every change with its actor, oldest first
// (EventService.ListLeadEvents); or, with --assignments (implied without a LEAD and by the
// history entry filters --rep, --actor, --oldest-first), the assignment history entries of one
// lead or of all, newest first (AssignmentService.ListAssignments). Exit 0, or 2 for unusable
// input or server.
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
#include "clients/leadctl/event_view.h"
#include "leadrouter/v1/assignment.grpc.pb.h"
#include "leadrouter/v1/events.grpc.pb.h"

namespace leadrouter::leadctl {
namespace {

struct HistoryArgs {
  client::ServerArgs server;
  std::string lead;
  std::string rep;
  std::string actor;
  bool oldest_first = false;
  bool assignments = false;
  int limit = 50;

  // The assignment entries rather than the timeline: asked for, or what the filters are of.
  bool WantsAssignments() const {
    return assignments || lead.empty() || !rep.empty() || !actor.empty() || oldest_first;
  }
};

int RunTimeline(const HistoryArgs& args) {
  auto stub = v1::EventService::NewStub(client::Connect(args.server));
  v1::ListLeadEventsRequest request;
  request.set_lead(client::LeadName(args.lead));
  v1::ListLeadEventsResponse all;
  const grpc::Status status = client::CollectPages(
      args.limit, 1000,
      [&](int page_size, const std::string& token, v1::ListLeadEventsResponse& page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        return client::Call(args.server, *stub, &v1::EventService::Stub::ListLeadEvents, request,
                            page);
      },
      [](v1::ListLeadEventsResponse& response) { return response.mutable_events(); }, all);
  if (!status.ok()) return client::ReportFailure("ListLeadEvents", status);

  if (args.server.json()) {
    std::cout << client::ToJson(all);
    return client::kExitOk;
  }
  client::TextTable table = TimelineTable();
  for (const v1::Event& event : all.events()) AddTimelineRow(table, event);
  std::cout << table.Render();
  if (!all.next_page_token().empty()) {
    std::cerr << "(first " << args.limit << " events; --limit 0 lists them all)\n";
  }
  return client::kExitOk;
}

int RunHistory(const HistoryArgs& args) {
  if (!args.WantsAssignments()) return RunTimeline(args);
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
      "history",
      "Show a lead's timeline of events (every change with its actor), oldest first; or, with "
      "--assignments, the assignment history entries of a lead (or of every lead), newest first");
  command->add_option("lead", args->lead,
                      "the lead id (or leads/ID); none: every lead's assignment entries");
  command->add_flag("--assignments", args->assignments,
                    "the assignment history entries instead of the timeline");
  command->add_option("--rep", args->rep,
                      "only entries whose rep is this rep (implies --assignments)");
  command->add_option("--actor", args->actor,
                      "only entries made by this actor (implies --assignments)");
  command->add_flag("--oldest-first", args->oldest_first,
                    "oldest entries first (implies --assignments)");
  command->add_option("--limit", args->limit, "at most this many entries or events; 0 for all")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunHistory(*args); });
}

}  // namespace leadrouter::leadctl
