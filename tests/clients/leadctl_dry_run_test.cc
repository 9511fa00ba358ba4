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

using ::testing::ContainsRegex;
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
  EXPECT_THAT(r.output, ContainsRegex("decided in [0-9.]+(us|ms|s): [0-9]+ decisions/s"));
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

// Without --explain, an unassigned lead's line and the summary name the filter that emptied the
// rule; csv keeps stdout one table and prints the summary on stderr.
TEST(LeadctlDryRun, UnassignedLeadsSayWhyInEveryFormat) {
  testing::TempDir dir;
  Write(dir.Child("tiny.rules"),
        "rule \"tiny\"\n  when quality >= 0\n  cap 1/day\n\notherwise unassigned\n");
  Write(dir.Child("reps.csv"), "id\nana\nbo\n");
  Write(dir.Child("leads.csv"), "id,quality\nl1,10\nl2,20\nl3,30\n");
  const std::string base = dir.Child("tiny.rules") + " --reps " + dir.Child("reps.csv") +
                           " --leads " + dir.Child("leads.csv");
  const std::string why = "rule \"tiny\": cap 1/day reached (2 of 2 reps); otherwise unassigned";

  testing::CommandResult r = RunCommand(DryRun(base));
  ASSERT_EQ(r.exit_code, 0) << r.output;  // unassigned leads are a result, not a failure
  EXPECT_THAT(r.output, HasSubstr("unassigned:otherwise_unassigned  why: " + why));
  EXPECT_THAT(r.output, HasSubstr("unassigned, why:\n       1  " + why + "\n"));

  r = RunCommand(DryRun(base + " --format json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"why\":\"rule \\\"tiny\\\": cap 1/day reached"));
  EXPECT_THAT(r.output, HasSubstr("\"unassigned_why\":[{\"why\":"));
  EXPECT_THAT(r.output, ContainsRegex("\"decide_seconds\":[0-9.e-]+,\"decisions_per_second\":"));

  r = RunCommand(DryRun(base + " --format csv 2>/dev/null"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "lead,time,outcome,rep,rule,reason,why\n"
            "l1,2026-01-05T09:00:00Z,assigned,bo,tiny,,\n"  // 60 leads an hour from 09:00
            "l2,2026-01-05T09:01:00Z,assigned,ana,tiny,,\n"
            "l3,2026-01-05T09:02:00Z,unassigned,,,otherwise_unassigned,\"rule \"\"tiny\"\": cap "
            "1/day reached (2 of 2 reps); otherwise unassigned\"\n");
  r = RunCommand(DryRun(base + " --format csv 2>&1 >/dev/null"));
  EXPECT_THAT(r.output, HasSubstr("summary: 3 leads, 2 assigned, 1 unassigned"));
  EXPECT_THAT(r.output, HasSubstr("unassigned, why:"));
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
