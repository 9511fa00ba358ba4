// leadctl: checks, formats and dry-runs rule files offline, and drives a leadrouterd server.
#include <CLI/CLI.hpp>

#include "clients/leadctl/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "leadctl: check, format and dry-run leadrouter rule files; drive a leadrouterd server",
      "leadctl"};
  app.require_subcommand(1);
  int exit_code = 0;
  leadrouter::leadctl::AddHealthCommand(app, exit_code);
  leadrouter::leadctl::AddCheckCommand(app, exit_code);
  leadrouter::leadctl::AddFmtCommand(app, exit_code);
  leadrouter::leadctl::AddDryRunCommand(app, exit_code);
  leadrouter::leadctl::AddBacktestCommand(app, exit_code);
  leadrouter::leadctl::AddScoreCommand(app, exit_code);
  leadrouter::leadctl::AddAssignCommand(app, exit_code);
  leadrouter::leadctl::AddImportCommand(app, exit_code);
  leadrouter::leadctl::AddReassignCommand(app, exit_code);
  leadrouter::leadctl::AddLeadCommand(app, exit_code);
  leadrouter::leadctl::AddLeadsCommand(app, exit_code);
  leadrouter::leadctl::AddTasksCommand(app, exit_code);
  leadrouter::leadctl::AddFollowUpCommands(app, exit_code);
  leadrouter::leadctl::AddCloseCommand(app, exit_code);
  leadrouter::leadctl::AddReviewCommand(app, exit_code);
  leadrouter::leadctl::AddHistoryCommand(app, exit_code);
  leadrouter::leadctl::AddWatchCommand(app, exit_code);
  leadrouter::leadctl::AddExplainCommand(app, exit_code);
  leadrouter::leadctl::AddRulesCommand(app, exit_code);
  leadrouter::leadctl::AddRepsCommand(app, exit_code);
  leadrouter::leadctl::AddAdminCommand(app, exit_code);
  leadrouter::leadctl::AddReportCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors are "unusable input": exit 2, like an unreadable file.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
