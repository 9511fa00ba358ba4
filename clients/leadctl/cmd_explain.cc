// leadctl explain LEAD|ASSIGNMENT [--rep ID]: why a lead went where it went: every rule tried, the
// decisive candidates (the pick, its closest runners-up, an example of each removal reason) with
// the counts of the rest, and the strategy's pick; with --rep, why that rep did or did not get it,
// recomputed exactly (AssignmentService.Explain). Exit 0, 1 no such lead, assignment or rep,
// 2 unusable input or server.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
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

struct ExplainArgs {
  client::ServerArgs server;
  std::string target;
  std::string assignment;
  std::string rep;
};

int RunExplain(const ExplainArgs& args) {
  v1::ExplainRequest request;
  // A lead id means its current assignment; --assignment picks an older entry of its history.
  std::string name = client::LeadName(args.target);
  if (!args.assignment.empty()) {
    name = absl::StrContains(args.assignment, "/")
               ? args.assignment
               : absl::StrCat(name, "/assignments/", args.assignment);
  }
  request.set_name(name);
  if (!args.rep.empty()) request.set_rep(client::RepName(args.rep));
  auto stub = v1::AssignmentService::NewStub(client::Connect(args.server));
  v1::ExplainResponse response;
  const grpc::Status status =
      client::Call(args.server, *stub, &v1::AssignmentService::Stub::Explain, request, response);
  if (!status.ok()) return client::ReportFailure("Explain", status);
  if (args.server.json()) {
    std::cout << client::ToJson(response);
    return client::kExitOk;
  }
  if (!response.text().empty()) {
    std::cout << response.text();
    if (response.text().back() != '\n') std::cout << '\n';
  } else {
    client::TextTable table = DecisionTable();
    AddDecisionRow(table, response.assignment());
    std::cout << table.Render() << response.assignment().explanation().text() << '\n';
  }
  return client::kExitOk;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExplainArgs>();
  CLI::App* command = app.add_subcommand(
      "explain",
      "Explain a decision: every rule tried, every candidate rep and why it was removed or picked");
  command
      ->add_option("lead", args->target,
                   "the lead id (its current assignment), or an assignment name "
                   "leads/ID/assignments/A")
      ->required();
  command->add_option("--assignment", args->assignment,
                      "an earlier assignment id of the lead (see leadctl history)");
  command->add_option("--rep", args->rep,
                      "why this rep (id or reps/ID) did or did not get the lead: its trace in "
                      "every rule tried, recomputed from the decision's inputs");
  client::AddServerOptions(*command, args->server);
  command->callback([args, &exit_code] { exit_code = RunExplain(*args); });
}

}  // namespace leadrouter::leadctl
