// leadrouter-loadgen against an in-process server for a second per phase: the benchmark behind
// `make bench` keeps working (both phases run, every call succeeds, leads get assigned, the
// fixed-count mode makes exactly the calls asked for).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "files.h"
#include "run_command.h"
#include "status_matchers.h"
#include "tests/server/server_harness.h"

namespace leadrouter::loadgen {
namespace {

using ::leadrouter::testing::CommandResult;
using ::leadrouter::testing::HarnessOptions;
using ::leadrouter::testing::ReadFile;
using ::leadrouter::testing::RunCommand;
using ::leadrouter::testing::ServerHarness;

class LoadgenSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HarnessOptions options;
    options.rules =
        ReadFile(std::string(LEADROUTER_SOURCE_DIR) + "/examples/rules/quick-start.rules");
    options.reps_csv = ReadFile(std::string(LEADROUTER_SOURCE_DIR) + "/examples/reps.csv");
    server_ = std::make_unique<ServerHarness>(options);
    ASSERT_OK(server_->status());
  }

  CommandResult Loadgen(const std::string& args) {
    return RunCommand(std::string(LOADGEN_PATH) + " --server " + server_->address() + " " + args);
  }

  std::unique_ptr<ServerHarness> server_;
};

TEST_F(LoadgenSmokeTest, AssignAndHealthPhasesByDuration) {
  const CommandResult result = Loadgen(
      "--duration 1 --warmup 0.2 --in-flight 8 --channels 2 --threads 2 --format json "
      "--label smoke --server-pid " +
      std::to_string(getpid()));  // the in-process server is this test process
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["label"], "smoke");
  ASSERT_EQ(json["phases"].size(), 2u);
  const nlohmann::json& assign = json["phases"][0];
  const nlohmann::json& health = json["phases"][1];
  EXPECT_EQ(assign["rpc"], "Assign");
  EXPECT_EQ(health["rpc"], "Health.Check");
  for (const nlohmann::json* phase : {&assign, &health}) {
    EXPECT_GT((*phase)["calls"].get<int64_t>(), 10) << *phase;
    EXPECT_EQ((*phase)["errors"].get<int64_t>(), 0) << *phase;
    EXPECT_GT((*phase)["calls_per_second"].get<double>(), 0);
    const nlohmann::json& latency = (*phase)["latency_us"];
    EXPECT_GT(latency["p50"].get<double>(), 0);
    EXPECT_LE(latency["p50"].get<double>(), latency["p99"].get<double>());
    EXPECT_LE(latency["p99"].get<double>(), latency["max"].get<double>());
    EXPECT_GT((*phase)["cpu_us_per_call"]["server"].get<double>(), 0) << *phase;
    EXPECT_GT((*phase)["cpu_us_per_call"]["client"].get<double>(), 0) << *phase;
  }
  // Distinct synthetic leads, decided by the example rules.
  EXPECT_GT(assign["outcomes"]["ASSIGNED"].get<int64_t>(), 10) << assign;
  EXPECT_FALSE(assign["outcomes"].contains("ALREADY_ASSIGNED")) << assign;
  EXPECT_GT(json["assign_to_health_throughput"].get<double>(), 0);
}

TEST_F(LoadgenSmokeTest, FixedCallCountAndTable) {
  const CommandResult result = Loadgen("--calls 50 --in-flight 4 --rpc assign,health");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, ::testing::HasSubstr("RPC           CALLS  ERRORS  CALLS/S"));
  EXPECT_THAT(result.output, ::testing::HasSubstr("\nAssign        50     0 "));
  EXPECT_THAT(result.output, ::testing::HasSubstr("\nHealth.Check  50     0 "));
  EXPECT_THAT(result.output, ::testing::HasSubstr("Assign / Health.Check throughput: "));
}

// --preload: leads loaded through AssignBatch before (here: instead of) the phases.
TEST_F(LoadgenSmokeTest, PreloadThroughAssignBatch) {
  const CommandResult result = Loadgen(
      "--rpc none --preload 130 --batch-size 50 --preload-in-flight 2 --format json "
      "--id-prefix preload");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["phases"].size(), 0u);
  const nlohmann::json& preload = json["preload"];
  EXPECT_EQ(preload["leads"].get<int64_t>(), 130) << preload;
  EXPECT_EQ(preload["batches"].get<int64_t>(), 3) << preload;  // 50, 50, 30
  EXPECT_EQ(preload["failed_calls"].get<int64_t>(), 0) << preload;
  EXPECT_EQ(preload["failed_items"].get<int64_t>(), 0) << preload;
  EXPECT_GT(preload["outcomes"]["ASSIGNED"].get<int64_t>(), 0) << preload;
  EXPECT_GT(preload["leads_per_second"].get<double>(), 0);

  // The phases after a preload use new leads: every call is a new decision.
  const CommandResult table = Loadgen("--preload 20 --batch-size 500 --calls 10 --rpc assign");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_THAT(table.output,
              ::testing::HasSubstr("preload: 20 leads in 1 AssignBatch calls of 500"));
  EXPECT_THAT(table.output, ::testing::HasSubstr("\nAssign  10     0 "));
  EXPECT_THAT(table.output, ::testing::Not(::testing::HasSubstr("ALREADY_ASSIGNED")));
}

TEST(LoadgenTest, NoServerExitsTwo) {
  const CommandResult result =
      RunCommand(std::string(LOADGEN_PATH) + " --server 127.0.0.1:1 --duration 1 --timeout 1 2>&1");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, ::testing::HasSubstr("Health.Check failed"));
}

}  // namespace
}  // namespace leadrouter::loadgen
