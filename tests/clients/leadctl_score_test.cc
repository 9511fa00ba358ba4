// leadctl score train | report | predict on the repo's X Education leads, as a user runs them: the
// metrics printed, the model file, a self-contained HTML report, the same scores from the same
// model, and too little data refused.
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
using ::testing::Not;
using testing::RunCommand;

const std::string kRoot = LEADROUTER_SOURCE_DIR;
const std::string kLeads = " --leads " + kRoot + "/examples/data/leads-x-education.csv" +
                           " --mapping " + kRoot + "/examples/x-education.scoring.mapping.toml";

std::string Score(const std::string& args) {
  return std::string(LEADCTL_PATH) + " score " + args + " 2>&1";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LeadctlScore, TrainsReportsAndPredicts) {
  const testing::TempDir dir;
  const std::string model = dir.Child("model.lrsm");
  const testing::CommandResult train =
      RunCommand(Score("train --label Converted --seed 42 --out " + model + kLeads));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_THAT(train.output, HasSubstr("trained on 7389 leads (2847 converted"));
  EXPECT_THAT(train.output, HasSubstr("stratified split, seed 42"));
  EXPECT_THAT(train.output, ContainsRegex("held-out leads 1848 \\(712 converted, 38.5%\\): ROC "
                                          "AUC 0\\.8[89][0-9]+, log loss 0\\.[34][0-9]+"));
  EXPECT_THAT(train.output, HasSubstr("calibration by decile"));
  EXPECT_THAT(train.output, HasSubstr("model written to " + model));
  EXPECT_THAT(train.output, Not(HasSubstr("status_tag")));  // leakage stays out

  const std::string html = dir.Child("report.html");
  const testing::CommandResult report =
      RunCommand(Score("report --model " + model + " --html " + html + kLeads));
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::string page = ReadFile(html);
  EXPECT_THAT(page, HasSubstr("<svg"));
  EXPECT_THAT(page, HasSubstr("Calibration"));
  EXPECT_THAT(page, HasSubstr("Lift"));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  // Nothing fetched: the one URL is the SVG namespace, which is a name, not a request.
  EXPECT_THAT(page, Not(ContainsRegex("(src|href)=")));
  EXPECT_THAT(page, Not(HasSubstr("https://")));

  const testing::CommandResult first = RunCommand(Score("predict --model " + model + kLeads));
  const testing::CommandResult second = RunCommand(Score("predict --model " + model + kLeads));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output, second.output);
  EXPECT_THAT(first.output, HasSubstr("id,score,factors\n7927b2df-8bba-4d29-b9a2-b6e0beafe620,0."));

  // The same seed trains the same model, byte for byte.
  const std::string again = dir.Child("again.lrsm");
  ASSERT_EQ(RunCommand(Score("train --out " + again + kLeads)).exit_code, 0);
  EXPECT_EQ(ReadFile(again), ReadFile(model));
}

TEST(LeadctlScore, RefusesTooLittleDataAndBadInput) {
  const testing::TempDir dir;
  const std::string small = dir.Child("small.csv");
  {
    std::ofstream out(small);
    out << "id,converted,source\n";
    for (int i = 0; i < 120; ++i) out << "l" << i << ',' << (i % 3 == 0) << ",web\n";
  }
  const testing::CommandResult refused = RunCommand(Score("train --leads " + small));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.output,
              HasSubstr("120 closed leads (40 converted, 80 not): training needs at least 200 "
                        "closed leads and 40 of each outcome"));

  const testing::CommandResult no_label = RunCommand(Score("train --label won --leads " + small));
  EXPECT_EQ(no_label.exit_code, 2);
  EXPECT_THAT(no_label.output, HasSubstr("no lead has the label field \"won\" (the fields are: "
                                         "converted, source)"));

  const testing::CommandResult not_a_model =
      RunCommand(Score("predict --model " + small + " --leads " + small));
  EXPECT_EQ(not_a_model.exit_code, 2);
  EXPECT_THAT(not_a_model.output, HasSubstr(small + ": not a score model"));
}

}  // namespace
}  // namespace leadrouter
