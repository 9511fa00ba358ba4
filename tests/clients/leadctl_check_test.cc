// leadctl check as a user and a CI job run it: output formats and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace leadrouter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunCommand;
using ::testing::StartsWith;

std::string Check(const std::string& args) { return std::string(LEADCTL_PATH) + " check " + args; }

class LeadctlCheck : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.Child(name);
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(LeadctlCheck, CleanFileExitsZero) {
  const std::string file = Write("ok.rules", "when quality > 80 prefer skill(\"tech\")\n");
  const testing::CommandResult r = RunCommand(Check(file) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("0 errors, 0 warnings"));
}

TEST_F(LeadctlCheck, WarningsAreAllowed) {
  const std::string file = Write("warn.rules", "let UNUSED = 1\nwhen true prefer 1\n");
  const testing::CommandResult r = RunCommand(Check(file));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("warn.rules:1:5: warning: `UNUSED` is never used [unused-let]"));
}

TEST_F(LeadctlCheck, ErrorsExitOneAndEveryErrorIsPrinted) {
  const std::string bad =
      Write("bad.rules", "when qualty > 1 prefer 1\nwhen source > 3 prefer 1\n");
  const std::string good = Write("good.rules", "when true prefer 1\n");
  const testing::CommandResult r = RunCommand(Check(good + " " + bad) + " 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("bad.rules:1:6: error: unknown name `qualty` [unknown-name]"));
  EXPECT_THAT(r.output, HasSubstr("note: did you mean `quality`?"));
  EXPECT_THAT(r.output, HasSubstr("bad.rules:2:6: error: cannot compare a string with a number"));
  EXPECT_THAT(r.output, HasSubstr("2 files: 2 errors, 0 warnings"));
}

TEST_F(LeadctlCheck, JsonIsOneArray) {
  const std::string bad = Write("bad.rules", "let UNUSED = 1\nwhen qualty > 1 prefer 1\n");
  const testing::CommandResult r = RunCommand(Check("--format json " + bad));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, StartsWith("[\n  {"));
  EXPECT_THAT(r.output, HasSubstr("\"code\":\"unused-let\""));
  EXPECT_THAT(r.output, HasSubstr("\"code\":\"unknown-name\""));
  EXPECT_THAT(r.output, HasSubstr("\"severity\":\"warning\""));
  EXPECT_THAT(r.output, HasSubstr("\"line\":2"));
  EXPECT_EQ(r.output.back(), '\n');
  EXPECT_EQ(r.output.substr(r.output.size() - 2), "]\n");

  const std::string good = Write("good.rules", "when true prefer 1\n");
  const testing::CommandResult clean = RunCommand(Check("--format json " + good));
  EXPECT_EQ(clean.exit_code, 0);
  EXPECT_EQ(clean.output, "[]\n");
}

TEST_F(LeadctlCheck, UnreadableFileExitsTwo) {
  const std::string good = Write("good.rules", "when true prefer 1\n");
  const testing::CommandResult r =
      RunCommand(Check(good + " " + dir_.Child("missing.rules")) + " 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("missing.rules"));
  const testing::CommandResult json =
      RunCommand(Check("--format json " + dir_.Child("missing.rules")));
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_THAT(json.output, HasSubstr("\"code\":\"unreadable-file\""));
}

TEST_F(LeadctlCheck, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCommand(Check("") + " 2>&1").exit_code, 2);
  EXPECT_EQ(RunCommand(Check("--format xml x.rules") + " 2>&1").exit_code, 2);
}

TEST_F(LeadctlCheck, RosterWarnsAboutSkillsNoRepHas) {
  const std::string rules = Write("r.rules", "when true prefer skill(\"tehc\")\n");
  const std::string reps = Write("reps.csv", "id,skills\nana,tech:5\n");
  const testing::CommandResult plain = RunCommand(Check(rules) + " 2>&1");
  EXPECT_THAT(plain.output, HasSubstr("0 errors, 0 warnings"));

  const testing::CommandResult r = RunCommand(Check("--reps " + reps + " " + rules) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("r.rules:1:24: warning:"));
  EXPECT_THAT(r.output, HasSubstr("[unknown-skill]"));
  EXPECT_THAT(r.output, HasSubstr("did you mean"));
  EXPECT_THAT(r.output, HasSubstr("0 errors, 1 warning"));

  EXPECT_EQ(
      RunCommand(Check("--reps " + dir_.Child("missing.csv") + " " + rules) + " 2>&1").exit_code,
      2);
}

TEST_F(LeadctlCheck, ExamplesAreCleanAgainstTheExampleRoster) {
  const std::string examples = std::string(LEADROUTER_SOURCE_DIR) + "/examples";
  const testing::CommandResult r = RunCommand(
      Check("--reps " + examples + "/reps.csv " + examples + "/rules/*.rules") + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(" 0 errors"));
  EXPECT_THAT(r.output, Not(HasSubstr("[unknown-")));
}

TEST_F(LeadctlCheck, ExamplesAreClean) {
  const testing::CommandResult r =
      RunCommand(Check(std::string(LEADROUTER_SOURCE_DIR) + "/examples/rules/*.rules") + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr(" 0 errors"));
  EXPECT_THAT(r.output, Not(HasSubstr("error:")));
}

}  // namespace
}  // namespace leadrouter
