// An in-process leadrouterd on an ephemeral port, driven through real gRPC stubs: what the API
// tests share, and what other suites can reuse to test against a live server.
//
//   ServerHarness server({.rules = "rule \"all\" distribute round_robin", .reps_csv =
//   "id\nana\n"}); ASSERT_OK(server.status()); v1::AssignResponse response; grpc::Status status =
//   server.Call([&](grpc::ClientContext* c) {
//     return server.assignments().Assign(c, request, &response);
//   });
//
// The database lives in a temporary directory that survives Restart() and is removed with the
// harness.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "leadrouter/v1/admin.grpc.pb.h"
#include "leadrouter/v1/assignment.grpc.pb.h"
#include "leadrouter/v1/errors.pb.h"
#include "leadrouter/v1/events.grpc.pb.h"
#include "leadrouter/v1/followups.grpc.pb.h"
#include "leadrouter/v1/reps.grpc.pb.h"
#include "leadrouter/v1/rules.grpc.pb.h"
#include "leadrouter/v1/scoring.grpc.pb.h"
#include "server/server.h"
#include "storage/counter_recovery.h"
#include "storage/database.h"
#include "temp_dir.h"

namespace leadrouter::testing {

struct HarnessOptions {
  // Rule source published as version 1 at the first start (through --rules); empty: none.
  std::string rules = "";
  // A roster in CSV (dsl/data/dataset.h columns) upserted at every start (through --reps); empty:
  // none.
  std::string reps_csv = "";
  std::string timezone = "UTC";
  // Tests do not need fsync; the e2e test covers the sync path's restart.
  storage::Durability durability = storage::Durability::kAsync;
  std::chrono::milliseconds shutdown_grace{2000};
  std::function<void(absl::string_view)> call_hook = nullptr;
  std::function<void()> before_decide = nullptr;
  // Last word on the server's options (background job intervals, retention, ...).
  std::function<void(server::ServerOptions&)> configure = nullptr;
};

class ServerHarness {
 public:
  explicit ServerHarness(HarnessOptions options = {}) : options_(std::move(options)) {
    if (!options_.rules.empty()) Write("rules.rules", options_.rules);
    if (!options_.reps_csv.empty()) Write("reps.csv", options_.reps_csv);
    StartServer();
  }
  ~ServerHarness() { server_.reset(); }

  // The start's outcome; the stubs are only valid when it is OK.
  const absl::Status& status() const { return status_; }

  void Shutdown() {
    if (server_ != nullptr) server_->Shutdown();
  }
  // Shuts down and starts again on the same database (rules and roster files as before).
  void Restart() {
    Stop();
    Start();
  }
  // Restart in two halves, for a test that opens the database itself while the server is down.
  void Stop() { server_.reset(); }
  void Start() { StartServer(); }

  server::Server& server() { return *server_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  std::string db_path() const { return dir_.Child("data"); }
  const TempDir& dir() const { return dir_; }

  v1::AssignmentService::Stub& assignments() { return *assignments_; }
  v1::RuleService::Stub& rules() { return *rules_; }
  v1::RepService::Stub& reps() { return *reps_; }
  v1::AdminService::Stub& admin() { return *admin_; }
  v1::EventService::Stub& events() { return *events_; }
  v1::FollowUpService::Stub& followups() { return *followups_; }
  v1::ScoreService::Stub& scores() { return *scores_; }

  // Runs one call with a fresh context and a 30 s deadline.
  template <typename Fn>
  grpc::Status Call(Fn&& fn) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return fn(&context);
  }

 private:
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.Child(name)) << text;
  }

  void StartServer() {
    server::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.db_path = db_path();
    if (!options_.rules.empty()) options.rules_file = dir_.Child("rules.rules");
    if (!options_.reps_csv.empty()) options.reps_file = dir_.Child("reps.csv");
    options.timezone = options_.timezone;
    options.durability = options_.durability;
    options.shutdown_grace = options_.shutdown_grace;
    options.call_hook_for_testing = options_.call_hook;
    options.before_decide_for_testing = options_.before_decide;
    if (options_.configure) options_.configure(options);
    absl::StatusOr<std::unique_ptr<server::Server>> started = server::Server::Start(options);
    status_ = started.status();
    if (!started.ok()) return;
    server_ = *std::move(started);
    channel_ = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
    assignments_ = v1::AssignmentService::NewStub(channel_);
    rules_ = v1::RuleService::NewStub(channel_);
    reps_ = v1::RepService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
    events_ = v1::EventService::NewStub(channel_);
    followups_ = v1::FollowUpService::NewStub(channel_);
    scores_ = v1::ScoreService::NewStub(channel_);
  }

  HarnessOptions options_;
  TempDir dir_;
  absl::Status status_;
  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AssignmentService::Stub> assignments_;
  std::unique_ptr<v1::RuleService::Stub> rules_;
  std::unique_ptr<v1::RepService::Stub> reps_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::EventService::Stub> events_;
  std::unique_ptr<v1::FollowUpService::Stub> followups_;
  std::unique_ptr<v1::ScoreService::Stub> scores_;
};

// The ErrorStatus details of a failed call.
inline v1::ErrorStatus Details(const grpc::Status& status) {
  v1::ErrorStatus details;
  details.ParseFromString(status.error_details());
  return details;
}

// The ErrorInfo reason among the details; empty when none.
inline std::string ErrorReason(const grpc::Status& status) {
  const v1::ErrorStatus error_details = Details(status);
  for (const auto& any : error_details.details()) {
    v1::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

// The first BadRequest field among the details; empty when none.
inline std::string BadField(const grpc::Status& status) {
  const v1::ErrorStatus error_details = Details(status);
  for (const auto& any : error_details.details()) {
    v1::BadRequest bad;
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
      return bad.field_violations(0).field();
    }
  }
  return "";
}

// The lead's events (EventService.ListLeadEvents, the first 100), oldest first.
inline std::vector<v1::Event> LeadEvents(ServerHarness& server, const std::string& lead) {
  v1::ListLeadEventsRequest request;
  request.set_lead(lead);
  request.set_page_size(100);
  v1::ListLeadEventsResponse response;
  EXPECT_TRUE(server
                  .Call([&](grpc::ClientContext* c) {
                    return server.events().ListLeadEvents(c, request, &response);
                  })
                  .ok());
  return {response.events().begin(), response.events().end()};
}

inline std::vector<v1::EventKind> KindsOf(const std::vector<v1::Event>& events) {
  std::vector<v1::EventKind> kinds;
  for (const v1::Event& event : events) kinds.push_back(event.kind());
  return kinds;
}

// Stops the server and checks its counters against the history (storage/counter_recovery.h).
inline void ExpectCountersAgree(ServerHarness& server) {
  server.Shutdown();
  server.server().Wait();
  absl::StatusOr<std::unique_ptr<storage::Database>> db = storage::Database::Open(server.db_path());
  ASSERT_TRUE(db.ok()) << db.status();
  absl::StatusOr<storage::CounterCheckReport> report = storage::CheckCounters(**db, false);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->disagreements, 0);
}

// Polls `condition` every 20 ms for up to `timeout`.
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace leadrouter::testing
