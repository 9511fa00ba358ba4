// leadctl backtest, run as the built binary: against an in-process leadrouterd that imported the
// example deals with the quick-start rules, and offline from the same leads, roster and exported
// history. Both answer alike; the active rules change nothing; the tables say what moved.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "files.h"
#include "run_command.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tests/server/server_harness.h"

namespace leadrouter::leadctl {
namespace {

using ::leadrouter::testing::CommandResult;
using ::leadrouter::testing::ExamplePath;
using ::leadrouter::testing::HarnessOptions;
using ::leadrouter::testing::ReadFile;
using ::leadrouter::testing::RunCommand;
using ::leadrouter::testing::ServerHarness;
using ::leadrouter::testing::TempDir;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class LeadctlBacktestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HarnessOptions options;
    options.rules = ReadFile(ExamplePath("rules/quick-start.rules"));
    options.reps_csv = ReadFile(ExamplePath("reps.csv"));
    server_ = std::make_unique<ServerHarness>(options);
    ASSERT_OK(server_->status());
    const CommandResult imported = Server("import " + ExamplePath("leads-deals.csv"));
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    const CommandResult history =
        Server("history --assignments --oldest-first --limit 10000 --format json");
    ASSERT_EQ(history.exit_code, 0) << history.output;
    std::ofstream(History()) << history.output;
  }

  CommandResult Server(const std::string& args) {
    return RunCommand(std::string(LEADCTL_PATH) + " " + args + " --server " + server_->address());
  }
  CommandResult Offline(const std::string& args) {
    return RunCommand(std::string(LEADCTL_PATH) + " " + args + " --leads " +
                      ExamplePath("leads-deals.csv") + " --reps " + ExamplePath("reps.csv") +
                      " --history " + History());
  }
  std::string History() const { return dir_.Child("history.json"); }

  std::unique_ptr<ServerHarness> server_;
  TempDir dir_;
};

// What both runs must agree on: counts, per-rep and per-rule tallies, and every changed lead.
Json Essentials(const std::string& output) {
  const Json all = Json::parse(output);
  Json out;
  out["leads"] = all.value("leads", 0);
  out["changed"] = all.value("changed", 0);
  for (const char* side : {"actual", "candidate"}) {
    const Json& summary = all.value(side, Json::object());
    out[side]["unassigned"] = summary.value("unassigned", 0);
    out[side]["unassignedByReason"] = summary.value("unassignedByReason", Json::object());
    for (const Json& rep : summary.value("reps", Json::array())) {
      out[side]["reps"][rep["rep"].get<std::string>()] = rep.value("count", 0);
    }
    for (const Json& rule : summary.value("rules", Json::array())) {
      out[side]["rules"][rule["rule"].value("name", "")] = rule.value("count", 0);
    }
  }
  for (const Json& change : all.value("changes", Json::array())) {
    out["changes"].push_back({change.value("lead", ""), change.value("actualRep", ""),
                              change.value("candidateRep", ""),
                              change.value("candidateOutcome", "")});
  }
  return out;
}

TEST_F(LeadctlBacktestTest, TheActiveRulesChangeNothingOnTheServerNorOffline) {
  const CommandResult server = Server("backtest --format json");
  ASSERT_EQ(server.exit_code, 0) << server.output;
  const CommandResult offline =
      Offline("backtest " + ExamplePath("rules/quick-start.rules") + " --format json");
  ASSERT_EQ(offline.exit_code, 0) << offline.output;
  const Json s = Essentials(server.output);
  EXPECT_EQ(s["leads"], 60);
  EXPECT_EQ(s["changed"], 0);
  EXPECT_EQ(Essentials(offline.output), s);
}

TEST_F(LeadctlBacktestTest, OfflineFromFilesAnswersAsTheServerDoes) {
  const std::string rules = ExamplePath("rules/balanced-quality.rules");
  const CommandResult server = Server("backtest " + rules + " --format json");
  ASSERT_EQ(server.exit_code, 0) << server.output;
  const CommandResult offline = Offline("backtest " + rules + " --format json");
  ASSERT_EQ(offline.exit_code, 0) << offline.output;
  const Json s = Essentials(server.output);
  EXPECT_GT(s["changed"].get<int>(), 0);
  EXPECT_EQ(Essentials(offline.output), s);
}

TEST_F(LeadctlBacktestTest, TablesShowBothSidesTheChangedLeadsAndASummaryLine) {
  const CommandResult table = Server("backtest " + ExamplePath("rules/balanced-quality.rules"));
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_THAT(table.output, HasSubstr("Per rep"));
  EXPECT_THAT(table.output, HasSubstr("Per rule"));
  EXPECT_THAT(table.output, HasSubstr("Unassigned"));
  EXPECT_THAT(table.output, HasSubstr("Changed leads"));
  EXPECT_THAT(table.output, HasSubstr("  actual:    "));
  EXPECT_THAT(table.output, HasSubstr("  candidate: "));
  EXPECT_THAT(table.output, HasSubstr("60 leads replayed"));
}

TEST_F(LeadctlBacktestTest, HtmlDrawsBothDistributionsBesideTheTables) {
  const std::string page = dir_.Child("backtest.html");
  const CommandResult run = Server("backtest " + ExamplePath("rules/balanced-quality.rules") +
                                   " --html " + page + " 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("60 leads replayed"));
  EXPECT_THAT(run.output, HasSubstr("page written to " + page));
  const std::string html = ReadFile(page);
  EXPECT_THAT(html, HasSubstr("Backtest of "));
  EXPECT_THAT(html, HasSubstr("Leads per rep, real and backtested"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<script")));

  const CommandResult unwritable =
      Server("backtest --html " + dir_.Child("no/such/dir/page.html") + " 2>&1");
  EXPECT_EQ(unwritable.exit_code, 2) << unwritable.output;
  EXPECT_THAT(unwritable.output, HasSubstr("cannot write"));
}

TEST_F(LeadctlBacktestTest, BadRulesAndBadRangesExitWithTheServersError) {
  const std::string bad = dir_.Child("bad.rules");
  std::ofstream(bad) << "rule \"x\"\n  when quality >=\n";
  const CommandResult rules = Server("backtest " + bad + " 2>&1");
  EXPECT_NE(rules.exit_code, 0);
  EXPECT_THAT(rules.output, HasSubstr("bad.rules:2:"));
  const CommandResult range =
      Server("backtest --from 2026-02-01T00:00:00Z --to 2026-01-01T00:00:00Z 2>&1");
  EXPECT_EQ(range.exit_code, 2) << range.output;
  EXPECT_THAT(range.output, HasSubstr("decide_time"));
  const CommandResult offline = Offline("backtest " + bad + " 2>&1");
  EXPECT_EQ(offline.exit_code, 1) << offline.output;
  EXPECT_THAT(offline.output, HasSubstr("bad.rules:2:"));
}

}  // namespace
}  // namespace leadrouter::leadctl
