// leadctl dry-run as a user runs it: the example claims, exit codes and error messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace leadrouter {
namespace {

using ::testing::HasSubstr;
using testing::RunCommand;

const std::string kRoot = LEADROUTER_SOURCE_DIR;

std::string DryRun(const std::string& args) {
  return std::string(LEADCTL_PATH) + " dry-run " + args;
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(LeadctlDryRun, NoNoviceGetsABigDeal) {
  const testing::CommandResult r = RunCommand(
      DryRun(kRoot + "/examples/rules/no-novices.rules --reps " + kRoot +
             "/examples/reps.csv --leads " + kRoot + "/examples/leads-deals.csv --format csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Level 1-2 reps in examples/reps.csv: eli, fay, gus, jo. Big deals come from "big deals".
  std::istringstream lines(r.output);
  std::string line;
  int big = 0;
  while (std::getline(lines, line)) {
    if (line.find(",big deals,") == std::string::npos) continue;
    ++big;
    for (const std::string novice : {",eli,", ",fay,", ",gus,", ",jo,"}) {
      EXPECT_EQ(line.find(novice), std::string::npos) << line;
    }
  }
  EXPECT_GT(big, 10);
}

TEST(LeadctlDryRun, TableSummaryAndExplain) {
  const std::string base = kRoot + "/examples/rules/quick-start.rules --reps " + kRoot +
                           "/examples/reps.csv --leads " + kRoot + "/examples/leads-deals.csv";
  testing::CommandResult r = RunCommand(DryRun(base));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("summary: 60 leads"));
  EXPECT_THAT(r.output, HasSubstr("Gini of count"));
  EXPECT_THAT(r.output, HasSubstr("hits per rule:"));
  r = RunCommand(DryRun(base + " --explain d001"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("lead d001"));
  EXPECT_THAT(r.output, HasSubstr("status away"));  // hana
  r = RunCommand(DryRun(base + " --explain d001 --format json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"lead\":\"d001\""));
  r = RunCommand(DryRun(base + " --explain nope 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(LeadctlDryRun, RuleErrorsExitOne) {
  leadrouter::testing::TempDir dir;
  Write(dir.Child("bad.rules"), "rule \"x\" when quality >\n");
  const testing::CommandResult r =
      RunCommand(DryRun(dir.Child("bad.rules") + " --reps " + kRoot +
                        "/examples/reps.csv --leads " + kRoot + "/examples/leads-deals.csv 2>&1"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("bad.rules:1:"));
}

TEST(LeadctlDryRun, BadInputExitsTwoNamingFileAndLine) {
  leadrouter::testing::TempDir dir;
  Write(dir.Child("reps.csv"), "id,level\nana,3\nbo,high\n");
  testing::CommandResult r = RunCommand(DryRun(kRoot + "/examples/rules/quick-start.rules --reps " +
                                               dir.Child("reps.csv") + " --leads " + kRoot +
                                               "/examples/leads-deals.csv 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("reps.csv:3: column \"level\": \"high\" is not a number"));

  Write(dir.Child("leads.jsonl"), "{\"id\": \"a\", \"quality\": 50}\n{\"id\": \"b\", \"quality\n");
  r = RunCommand(DryRun(kRoot + "/examples/rules/quick-start.rules --reps " + kRoot +
                        "/examples/reps.csv --leads " + dir.Child("leads.jsonl") + " 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("leads.jsonl:2: not valid JSON"));

  r = RunCommand(DryRun(kRoot + "/examples/rules/quick-start.rules --reps " + kRoot +
                        "/examples/reps.csv --leads " + kRoot +
                        "/examples/leads-deals.csv --timezone Nowhere/City 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown time zone"));
}

}  // namespace
}  // namespace leadrouter
