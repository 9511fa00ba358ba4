#include <gtest/gtest.h>

#include <string>

#include "run_command.h"
#include "server/server.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace leadrouter::leadctl {
namespace {

using ::leadrouter::testing::RunCommand;
using ::leadrouter::testing::TempDir;

std::string Leadctl(const std::string& args) { return std::string(LEADCTL_PATH) + " " + args; }

TEST(LeadctlHealthTest, ExitsZeroWhenServerIsServing) {
  TempDir dir;
  server::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.db_path = dir.Child("data");
  auto server = server::Server::Start(options);
  ASSERT_OK(server);

  const auto result =
      RunCommand(Leadctl("health --server 127.0.0.1:" + std::to_string((*server)->port())));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "SERVING\n");
}

TEST(LeadctlHealthTest, TakesTheServerFromTheEnvironment) {
  TempDir dir;
  server::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.db_path = dir.Child("data");
  auto server = server::Server::Start(options);
  ASSERT_OK(server);
  const auto result = RunCommand("LEADCTL_SERVER=127.0.0.1:" + std::to_string((*server)->port()) +
                                 " " + Leadctl("health"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "SERVING\n");
}

TEST(LeadctlHealthTest, ExitsTwoWhenNothingListens) {
  TempDir dir;
  server::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.db_path = dir.Child("data");
  int port = 0;
  {
    auto server = server::Server::Start(options);
    ASSERT_OK(server);
    port = (*server)->port();
  }  // stopped: the port is closed now
  const auto result = RunCommand(
      Leadctl("health --timeout 1 --server 127.0.0.1:" + std::to_string(port) + " 2>&1"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("health check of 127.0.0.1:"), std::string::npos) << result.output;
}

TEST(LeadctlHealthTest, UsageErrorExitsTwo) {
  EXPECT_EQ(RunCommand(Leadctl("health --no-such-flag 2>/dev/null")).exit_code, 2);
}

}  // namespace
}  // namespace leadrouter::leadctl
