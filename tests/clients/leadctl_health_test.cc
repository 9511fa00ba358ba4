// leadctl health against an in-process server (tests/server/server_harness.h).
#include <gtest/gtest.h>

#include <string>

#include "run_command.h"
#include "status_matchers.h"
#include "tests/server/server_harness.h"

namespace leadrouter::leadctl {
namespace {

using ::leadrouter::testing::RunCommand;
using ::leadrouter::testing::ServerHarness;

std::string Leadctl(const std::string& args) { return std::string(LEADCTL_PATH) + " " + args; }

TEST(LeadctlHealthTest, ExitsZeroWhenServerIsServing) {
  ServerHarness server;
  ASSERT_OK(server.status());
  const auto result = RunCommand(Leadctl("health --server " + server.address()));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "SERVING\n");
}

TEST(LeadctlHealthTest, TakesTheServerFromTheEnvironment) {
  ServerHarness server;
  ASSERT_OK(server.status());
  const auto result = RunCommand("LEADCTL_SERVER=" + server.address() + " " + Leadctl("health"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "SERVING\n");
}

TEST(LeadctlHealthTest, ExitsTwoWhenNothingListens) {
  std::string address;
  {
    ServerHarness server;
    ASSERT_OK(server.status());
    address = server.address();
  }  // stopped: the port is closed now
  const auto result = RunCommand(Leadctl("health --timeout 1 --server " + address + " 2>&1"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("health check of 127.0.0.1:"), std::string::npos) << result.output;
}

TEST(LeadctlHealthTest, UsageErrorExitsTwo) {
  EXPECT_EQ(RunCommand(Leadctl("health --no-such-flag 2>/dev/null")).exit_code, 2);
}

}  // namespace
}  // namespace leadrouter::leadctl
