#include "server/server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "health_client.h"
#include "leadrouter/v1/assignment.grpc.pb.h"
#include "leadrouter/v1/followups.grpc.pb.h"
#include "leadrouter/v1/rules.grpc.pb.h"
#include "server_harness.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "test_fixtures.h"

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

TEST(ServerTest, UnknownTimeZoneRefusesToStart) {
  TempDir dir;
  ServerOptions options = TestOptions(dir);
  options.timezone = "Mars/Olympus_Mons";
  EXPECT_THAT(Server::Start(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Mars/Olympus_Mons")));
}

TEST(ServerTest, RulesFileThatDoesNotCompileRefusesToStart) {
  TempDir dir;
  std::ofstream(dir.Child("bad.rules")) << "rule \"x\" when qualty > 1\n";
  ServerOptions options = TestOptions(dir);
  options.rules_file = dir.Child("bad.rules");
  EXPECT_THAT(Server::Start(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.rules:1:")));
}

// A slow call in flight finishes with OK while the server shuts down; a new call is refused.
TEST(ServerTest, ShutdownDrainsCallsInFlightAndRefusesNewOnes) {
  std::mutex mu;
  std::condition_variable changed;
  bool held = false;
  bool release = false;
  leadrouter::testing::ServerHarness server({.rules = leadrouter::testing::kTestRules,
                                             .reps_csv = leadrouter::testing::kTestReps,
                                             .call_hook = [&](absl::string_view method) {
                                               if (method != "AssignmentService.Assign") return;
                                               std::unique_lock lock(mu);
                                               if (held) return;
                                               held = true;
                                               changed.notify_all();
                                               changed.wait(lock, [&] { return release; });
                                             }});
  ASSERT_OK(server.status());
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::AssignmentService::NewStub(channel);

  v1::AssignResponse slow_response;
  std::future<grpc::Status> slow = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    return stub->Assign(
        &context, leadrouter::testing::AssignOf(leadrouter::testing::MakeLead("slow", "ads", 50)),
        &slow_response);
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return held; }));
  }
  std::thread shutdown([&] { server.Shutdown(); });
  // Once draining, a new call on the same channel is refused. Until the shutdown thread has
  // started draining, GetLead still answers (NOT_FOUND: the slow lead is not stored yet), so
  // wait for the refusal itself rather than for any error.
  grpc::Status refused;
  EXPECT_TRUE(leadrouter::testing::Eventually([&] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    v1::GetLeadRequest request;
    request.set_name("leads/slow");
    v1::GetLeadResponse response;
    refused = stub->GetLead(&context, request, &response);
    return refused.error_code() == grpc::StatusCode::UNAVAILABLE;
  })) << "last answer: "
      << refused.error_code() << " " << refused.error_message();
  {
    std::lock_guard lock(mu);
    release = true;
  }
  changed.notify_all();
  const grpc::Status finished = slow.get();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_EQ(slow_response.assignment().outcome(), v1::OUTCOME_ASSIGNED);
  shutdown.join();
}

TEST(ServerTest, BackupWritesACheckpointThatStartsAServer) {
  leadrouter::testing::ServerHarness server(
      {.rules = leadrouter::testing::kTestRules, .reps_csv = leadrouter::testing::kTestReps});
  ASSERT_OK(server.status());
  v1::AssignResponse assigned;
  ASSERT_TRUE(
      server
          .Call([&](grpc::ClientContext* c) {
            return server.assignments().Assign(
                c, leadrouter::testing::AssignOf(leadrouter::testing::MakeLead("b", "ads", 50)),
                &assigned);
          })
          .ok());
  v1::BackupRequest request;
  request.set_directory(server.dir().Child("backup"));
  v1::BackupResponse response;
  ASSERT_TRUE(server
                  .Call([&](grpc::ClientContext* c) {
                    return server.admin().Backup(c, request, &response);
                  })
                  .ok());
  EXPECT_EQ(response.active_rule_version(), 1);
  // Same directory again: it exists now.
  EXPECT_EQ(server
                .Call([&](grpc::ClientContext* c) {
                  return server.admin().Backup(c, request, &response);
                })
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  request.set_directory("relative/dir");
  EXPECT_EQ(server
                .Call([&](grpc::ClientContext* c) {
                  return server.admin().Backup(c, request, &response);
                })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_directory(server.dir().Child("no/such/parent"));
  EXPECT_EQ(server
                .Call([&](grpc::ClientContext* c) {
                  return server.admin().Backup(c, request, &response);
                })
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // The backup is a database: a server started on it knows the lead.
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.db_path = server.dir().Child("backup");
  auto restored = Server::Start(options);
  ASSERT_OK(restored);
  auto channel = grpc::CreateChannel(Address(**restored), grpc::InsecureChannelCredentials());
  grpc::ClientContext context;
  v1::GetLeadRequest get;
  get.set_name("leads/b");
  v1::GetLeadResponse lead;
  ASSERT_TRUE(v1::AssignmentService::NewStub(channel)->GetLead(&context, get, &lead).ok());
  EXPECT_EQ(lead.lead().owner(), assigned.lead().owner());
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
