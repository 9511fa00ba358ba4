#include "server/server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "health_client.h"
#include "leadrouter/v1/assignment.grpc.pb.h"
#include "leadrouter/v1/rules.grpc.pb.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace leadrouter::server {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::leadrouter::testing::CheckHealth;
using ::leadrouter::testing::StatusIs;
using ::leadrouter::testing::TempDir;
using ::testing::HasSubstr;

ServerOptions TestOptions(const TempDir& dir) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.db_path = dir.Child("data");
  options.shutdown_grace = std::chrono::milliseconds(500);
  return options;
}

std::string Address(const Server& server) { return "127.0.0.1:" + std::to_string(server.port()); }

TEST(ServerTest, StartsOnEphemeralPortAndAnswersHealthCheck) {
  TempDir dir;
  auto server = Server::Start(TestOptions(dir));
  ASSERT_OK(server);
  EXPECT_GT((*server)->port(), 0);

  HealthCheckResponse response;
  const grpc::Status status = CheckHealth(Address(**server), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

TEST(ServerTest, CreatesItsDatabaseDirectory) {
  TempDir dir;
  auto server = Server::Start(TestOptions(dir));
  ASSERT_OK(server);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "CURRENT"));
}

TEST(ServerTest, ApiMethodsNotYetBuiltAnswerUnimplemented) {
  TempDir dir;
  auto server = Server::Start(TestOptions(dir));
  ASSERT_OK(server);
  auto channel = grpc::CreateChannel(Address(**server), grpc::InsecureChannelCredentials());

  {
    grpc::ClientContext context;
    v1::AssignResponse response;
    const grpc::Status status =
        v1::AssignmentService::NewStub(channel)->Assign(&context, v1::AssignRequest(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  {
    grpc::ClientContext context;
    v1::ListVersionsResponse response;
    const grpc::Status status = v1::RuleService::NewStub(channel)->ListVersions(
        &context, v1::ListVersionsRequest(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
}

TEST(ServerTest, SecondServerOnSameDatabaseIsRefused) {
  TempDir dir;
  auto first = Server::Start(TestOptions(dir));
  ASSERT_OK(first);
  EXPECT_THAT(Server::Start(TestOptions(dir)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("lock")));
}

TEST(ServerTest, PortAlreadyInUseIsAClearError) {
  TempDir first_dir;
  TempDir second_dir;
  auto first = Server::Start(TestOptions(first_dir));
  ASSERT_OK(first);
  ServerOptions options = TestOptions(second_dir);
  options.listen_address = Address(**first);
  EXPECT_THAT(Server::Start(options),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot listen")));
}

TEST(ServerTest, ShutdownStopsServingAndIsIdempotent) {
  TempDir dir;
  auto server = Server::Start(TestOptions(dir));
  ASSERT_OK(server);
  const std::string address = Address(**server);
  (*server)->Shutdown();
  (*server)->Shutdown();
  (*server)->Wait();

  HealthCheckResponse response;
  EXPECT_FALSE(CheckHealth(address, &response, std::chrono::milliseconds(300)).ok());

  // The database was closed: a new server can open it.
  ServerOptions options = TestOptions(dir);
  EXPECT_OK(Server::Start(options));
}

}  // namespace
}  // namespace leadrouter::server
