// leadctl score train --server, models, activate and rollback, run as the built binary against an
// in-process leadrouterd seeded with closed leads: what an admin types and sees, and the exit
// codes (0 done, 1 refused, 2 unusable).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "run_command.h"
#include "status_matchers.h"
#include "tests/server/score_fixtures.h"
#include "tests/server/server_harness.h"

namespace leadrouter::leadctl {
namespace {

using ::leadrouter::testing::CommandResult;
using ::leadrouter::testing::RunCommand;
using ::leadrouter::testing::ServerHarness;
using ::testing::AllOf;
using ::testing::HasSubstr;

class LeadctlScoreServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerHarness>(
        ::leadrouter::testing::HarnessOptions{.rules = ::leadrouter::testing::kScoreRules,
                                              .reps_csv = ::leadrouter::testing::kScoreReps});
    ASSERT_OK(server_->status());
  }

  CommandResult Leadctl(const std::string& args) {
    return RunCommand(std::string(LEADCTL_PATH) + " " + args + " --server " + server_->address() +
                      " 2>&1");
  }

  std::unique_ptr<ServerHarness> server_;
};

TEST_F(LeadctlScoreServerTest, TrainPrintsTheEvaluationAndVersionsMove) {
  ::leadrouter::testing::SeedClosedLeads(*server_, 100);
  CommandResult refused = Leadctl("score train");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("100 closed leads (45 converted, 55 not): training needs "
                                        "at least 200 closed leads and 40 of each outcome"));

  ::leadrouter::testing::SeedClosedLeads(*server_, 200, "more");
  const CommandResult trained = Leadctl("score train --activate");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_THAT(trained.output, AllOf(HasSubstr("stored score/models/1 (active)"),
                                    HasSubstr("60 held out (time split)"), HasSubstr("AUC"),
                                    HasSubstr("log loss"), HasSubstr("lift")));
  const CommandResult second = Leadctl("score train");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("stored score/models/2 (not active"));

  CommandResult models = Leadctl("score models");
  ASSERT_EQ(models.exit_code, 0) << models.output;
  EXPECT_THAT(models.output,
              AllOf(HasSubstr("version 2: AUC"), HasSubstr("version 1 (active): AUC"),
                    HasSubstr("300 closed leads (135 converted, 165 lost)")));

  const CommandResult activated = Leadctl("score activate 2 --reason 'newer'");
  ASSERT_EQ(activated.exit_code, 0) << activated.output;
  EXPECT_THAT(activated.output, AllOf(HasSubstr("version 2 (active)"), HasSubstr("was version 1")));
  const CommandResult rolled = Leadctl("score rollback");
  ASSERT_EQ(rolled.exit_code, 0) << rolled.output;
  EXPECT_THAT(rolled.output, AllOf(HasSubstr("version 1 (active)"), HasSubstr("was version 2")));
  const CommandResult oldest = Leadctl("score rollback");
  EXPECT_EQ(oldest.exit_code, 1) << oldest.output;
  EXPECT_THAT(oldest.output, HasSubstr("oldest version"));
  const CommandResult missing = Leadctl("score activate 9");
  EXPECT_EQ(missing.exit_code, 1) << missing.output;

  // The explanation shows the score and its factors.
  ::leadrouter::testing::AssignLead(*server_, ::leadrouter::testing::ScoredLead("hot-1", "ads"));
  const CommandResult explained = Leadctl("explain hot-1");
  ASSERT_EQ(explained.exit_code, 0) << explained.output;
  EXPECT_THAT(explained.output, AllOf(HasSubstr("score 0."), HasSubstr("(model 1): source=ads +")));

  // --activate-if-better compares with the active version on the same held-out leads; the same
  // data and seed rank them alike, and a tie activates.
  const CommandResult compared = Leadctl("score train --activate-if-better");
  ASSERT_EQ(compared.exit_code, 0) << compared.output;
  EXPECT_THAT(compared.output,
              AllOf(HasSubstr("stored score/models/3 (active)"),
                    HasSubstr("compared with score/models/1 on the same held-out leads"),
                    HasSubstr(": activated")));
  const CommandResult both = Leadctl("score train --activate --activate-if-better");
  EXPECT_NE(both.exit_code, 0) << both.output;
  EXPECT_THAT(both.output, HasSubstr("excludes"));
}

}  // namespace
}  // namespace leadrouter::leadctl
