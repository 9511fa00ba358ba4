// leadctl fmt as a user and a CI job run it: stdout, --write, --check, and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace leadrouter {
namespace {

using ::testing::HasSubstr;
using testing::RunCommand;

std::string Fmt(const std::string& args) { return std::string(LEADCTL_PATH) + " fmt " + args; }

constexpr char kMessy[] = "let  A=1\nwhen quality>A   cap 5/day  # hot\n";
constexpr char kFormatted[] = "let A = 1\n\nwhen quality > A cap 5/day  # hot\n";

class LeadctlFmt : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.Child(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  testing::TempDir dir_;
};

TEST_F(LeadctlFmt, PrintsTheFormattedFile) {
  const std::string file = Write("messy.rules", kMessy);
  const testing::CommandResult r = RunCommand(Fmt(file));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, kFormatted);
  EXPECT_EQ(Read(file), kMessy);  // untouched without --write
}

TEST_F(LeadctlFmt, CheckListsUnformattedFilesAndExitsOne) {
  const std::string messy = Write("messy.rules", kMessy);
  const std::string clean = Write("clean.rules", kFormatted);
  testing::CommandResult r = RunCommand(Fmt("--check " + messy + " " + clean));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, messy + "\n");
  r = RunCommand(Fmt("--check " + clean));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(Read(messy), kMessy);
}

TEST_F(LeadctlFmt, WriteRewritesInPlaceAndKeepsPermissions) {
  const std::string file = Write("messy.rules", kMessy);
  namespace fs = std::filesystem;
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const testing::CommandResult r = RunCommand(Fmt("--write " + file + " 2>&1"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Read(file), kFormatted);
  EXPECT_EQ(fs::status(file).permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_EQ(RunCommand(Fmt("--check " + file)).exit_code, 0);
}

TEST_F(LeadctlFmt, SyntaxErrorsGoToStderrAndLeaveTheFileAlone) {
  const std::string file = Write("bad.rules", "when quality > 1 cap 20\n");
  const testing::CommandResult quiet = RunCommand(Fmt("--write " + file + " 2>/dev/null"));
  EXPECT_EQ(quiet.exit_code, 1);
  EXPECT_EQ(quiet.output, "");
  const testing::CommandResult r = RunCommand(Fmt(file + " 2>&1"));
  EXPECT_THAT(r.output, HasSubstr("bad.rules:1:22: error: cap needs a unit"));
  EXPECT_EQ(Read(file), "when quality > 1 cap 20\n");
}

TEST_F(LeadctlFmt, UnreadableFileExitsTwo) {
  const std::string bad = Write("bad.rules", "when quality > 1 cap 20\n");
  const testing::CommandResult r =
      RunCommand(Fmt(dir_.Child("missing.rules") + " " + bad + " 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("missing.rules"));
}

TEST_F(LeadctlFmt, CheckAndWriteTogetherIsAUsageError) {
  const std::string file = Write("messy.rules", kMessy);
  EXPECT_EQ(RunCommand(Fmt("--check --write " + file + " 2>/dev/null")).exit_code, 2);
}

}  // namespace
}  // namespace leadrouter
