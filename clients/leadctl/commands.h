// The leadctl commands. Each Add*Command registers one subcommand on `app`; when it runs, it stores
// the process exit code in `exit_code` (0 success, 1 the answer is "no" / errors found, 2 unusable
// input or unreachable server) and prints its own output.
#pragma once

#include <CLI/CLI.hpp>

namespace leadrouter::leadctl {

void AddHealthCommand(CLI::App& app, int& exit_code);
void AddCheckCommand(CLI::App& app, int& exit_code);
void AddFmtCommand(CLI::App& app, int& exit_code);
void AddDryRunCommand(CLI::App& app, int& exit_code);
// `backtest`: against the server (RuleService.Backtest), or offline with --history.
void AddBacktestCommand(CLI::App& app, int& exit_code);
// `score train | report | predict`: lead scoring offline (dsl/score/).
void AddScoreCommand(CLI::App& app, int& exit_code);
// Commands that drive a leadrouterd server (--server, --timeout, --format table|json).
void AddAssignCommand(CLI::App& app, int& exit_code);
void AddImportCommand(CLI::App& app, int& exit_code);
void AddReassignCommand(CLI::App& app, int& exit_code);
void AddLeadCommand(CLI::App& app, int& exit_code);
void AddLeadsCommand(CLI::App& app, int& exit_code);
void AddTasksCommand(CLI::App& app, int& exit_code);
// `followup` (record a contact) and `followups` (list a lead's contacts).
void AddFollowUpCommands(CLI::App& app, int& exit_code);
void AddCloseCommand(CLI::App& app, int& exit_code);
void AddReviewCommand(CLI::App& app, int& exit_code);
void AddHistoryCommand(CLI::App& app, int& exit_code);
void AddWatchCommand(CLI::App& app, int& exit_code);
void AddExplainCommand(CLI::App& app, int& exit_code);
void AddRulesCommand(CLI::App& app, int& exit_code);
void AddRepsCommand(CLI::App& app, int& exit_code);
void AddAdminCommand(CLI::App& app, int& exit_code);
// `report distribution | followups | conversion` (ReportService; --format table|json|csv).
void AddReportCommand(CLI::App& app, int& exit_code);

}  // namespace leadrouter::leadctl
