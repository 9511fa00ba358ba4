// leadctl import against an in-process leadrouterd (tests/server/server_harness.h): the X Education
// export through its mapping file in AssignBatch chunks, the summary, a second run that stores
// nothing twice, refusals (exit 1) and unusable input (exit 2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
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
using ::testing::MatchesRegex;

class LeadctlImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HarnessOptions options;
    options.rules = ReadFile(ExamplePath("rules/quick-start.rules"));
    options.reps_csv = ReadFile(ExamplePath("reps.csv"));
    server_ = std::make_unique<ServerHarness>(options);
    ASSERT_OK(server_->status());
    // The first 300 leads of the real export keep the test quick; 3 batches of 100.
    std::ifstream in(ExamplePath("data/leads-x-education.csv"));
    std::ofstream out(Leads());
    std::string line;
    for (int i = 0; i <= 300 && std::getline(in, line); ++i) out << line << '\n';
  }

  std::string Leads() const { return dir_.Child("leads.csv"); }

  CommandResult Leadctl(const std::string& args) {
    return RunCommand(std::string(LEADCTL_PATH) + " " + args + " --server " + server_->address() +
                      " 2>&1");
  }

  std::unique_ptr<ServerHarness> server_;
  TempDir dir_;
};

TEST_F(LeadctlImportTest, ImportsThroughTheMappingAndAReRunStoresNothingTwice) {
  const std::string command = "import " + Leads() + " --mapping " +
                              ExamplePath("x-education.mapping.toml") + " --batch-size 100";
  const CommandResult first = Leadctl(command + " --format json");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const nlohmann::json summary = nlohmann::json::parse(first.output);
  EXPECT_EQ(summary["leads"], 300);
  EXPECT_EQ(summary["refused"], 0);
  EXPECT_EQ(summary["replayed"], 0);
  const int assigned = summary["assigned"];
  const int unassigned = summary["unassigned"];
  EXPECT_GT(assigned, 0);
  EXPECT_EQ(assigned + unassigned + summary["pendingReview"].get<int>(), 300);

  // The same file again: every lead's key was used, so the server replays its answers.
  const CommandResult again = Leadctl(command);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("imported 300 leads from " + Leads()));
  EXPECT_THAT(again.output,
              MatchesRegex("(.|\n)*assigned +" + std::to_string(assigned) + "\n(.|\n)*"));
  EXPECT_THAT(again.output, HasSubstr("300 of them replayed"));

  // The leads are on the server with the mapped fields.
  const CommandResult lead = Leadctl("lead 7927b2df-8bba-4d29-b9a2-b6e0beafe620");
  ASSERT_EQ(lead.exit_code, 0) << lead.output;
  EXPECT_THAT(lead.output, HasSubstr("Olark Chat"));
}

TEST_F(LeadctlImportTest, ARefusedLeadIsCountedAndExitsOne) {
  const std::string file = dir_.Child("mixed.csv");
  std::ofstream(file) << "id,quality,source\nok1,50,ads\nbad id!,60,ads\nok2,70,web\n";
  const CommandResult result = Leadctl("import " + file);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("bad id! refused: INVALID_ARGUMENT"));
  EXPECT_THAT(result.output, MatchesRegex("(.|\n)*refused +1\n +INVALID_ARGUMENT +1\n(.|\n)*"));
  EXPECT_THAT(result.output, HasSubstr("imported 3 leads"));
}

TEST_F(LeadctlImportTest, UnusableInputChangesNothingAndExitsTwo) {
  const std::string mapping = dir_.Child("bad.toml");
  std::ofstream(mapping) << "[fields]\nid = { colum = \"Prospect ID\" }\n";
  CommandResult result = Leadctl("import " + Leads() + " --mapping " + mapping);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr(mapping + ":2:8: fields.id.colum: unknown key"));

  const std::string no_ids = dir_.Child("no-ids.csv");
  std::ofstream(no_ids) << "quality,source\n50,ads\n";
  result = Leadctl("import " + no_ids);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("has no id"));

  result = Leadctl("import " + Leads());  // the export without its mapping has ids too
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

}  // namespace
}  // namespace leadrouter::leadctl
