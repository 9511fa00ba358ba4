// libFuzzer over request handling (issue #14, point 5): any bytes become one request to one of
// the server's methods (fuzzed_methods.h), sent unparsed through real gRPC to an in-process
// leadrouterd on a loopback port, with the example rules and reps on a throwaway RocksDB.
//
// Besides what the sanitizers and libFuzzer catch (crashes, memory errors, undefined behaviour,
// hangs), an answer is a finding when it breaks the contract of docs/security.md: INTERNAL,
// UNKNOWN or DATA_LOSS for a client's bytes, a failure with an empty message, a request of a few
// kilobytes still unanswered after five seconds, or a server that no longer says SERVING.
//
// Built by the sanitizer build with LEADROUTER_FUZZ_REQUESTS=ON (tests/fuzz/requests.cmake) and
// run by scripts/fuzz-smoke.sh; docs/operations.md says how to run it longer and replay a finding.
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fuzzed_methods.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server_harness.h"

namespace leadrouter::testing {
namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(LEADROUTER_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "fuzz_requests: cannot read %s\n", relative.c_str());
    std::abort();
  }
  return text.str();
}

class Target {
 public:
  Target()
      : server_({.rules = ReadSourceFile("examples/rules/quick-start.rules"),
                 .reps_csv = ReadSourceFile("examples/reps.csv")}),
        paths_(FuzzedMethodPaths()) {
    if (!server_.status().ok()) {
      std::fprintf(stderr, "fuzz_requests: the server did not start: %s\n",
                   server_.status().ToString().c_str());
      std::abort();
    }
    channel_ = grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials());
    health_ = grpc::health::v1::Health::NewStub(channel_);
  }

  void Run(const uint8_t* data, size_t size) {
    if (size == 0) return;
    const std::string& path = paths_[data[0] % paths_.size()];
    grpc::Slice slice(data + 1, size - 1);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    const grpc::Status status =
        grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
            channel_.get(),
            grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC),
            &context, request, &response);
    switch (status.error_code()) {
      case grpc::StatusCode::INTERNAL:
      case grpc::StatusCode::UNKNOWN:
      case grpc::StatusCode::DATA_LOSS:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
      case grpc::StatusCode::UNAVAILABLE:
        Finding(path, status, "a status no client's request may get");
      default:
        break;
    }
    if (!status.ok() && status.error_message().empty()) {
      Finding(path, status, "a failure without a message");
    }
    grpc::ClientContext health_context;
    health_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckResponse health;
    const grpc::Status health_status =
        health_->Check(&health_context, grpc::health::v1::HealthCheckRequest(), &health);
    if (!health_status.ok() || health.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      Finding(path, health_status, "the server stopped serving after this request");
    }
  }

 private:
  [[noreturn]] static void Finding(const std::string& path, const grpc::Status& status,
                                   const char* what) {
    std::fprintf(stderr, "fuzz_requests: %s: %s answered %d \"%s\"\n", what, path.c_str(),
                 static_cast<int>(status.error_code()), status.error_message().c_str());
    std::abort();  // libFuzzer saves the input as a crash artifact
  }

  ServerHarness server_;
  std::vector<std::string> paths_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

Target* target = nullptr;

}  // namespace
}  // namespace leadrouter::testing

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // Every refused request is logged at info, and protobuf logs every string that is not UTF-8
  // (leadrouterd sends that to its log at debug): at millions of inputs, that is the run's cost.
  spdlog::set_level(spdlog::level::err);
  google::protobuf::SetLogHandler(nullptr);
  leadrouter::testing::target = new leadrouter::testing::Target();
  // Registered after gRPC's statics exist, so it runs before they are destroyed: the server
  // stops and its temporary directory goes when the run ends normally.
  std::atexit([] { delete leadrouter::testing::target; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  leadrouter::testing::target->Run(data, size);
  return 0;
}
