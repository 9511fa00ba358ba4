// The methods the request fuzzer calls, and how an input names one: shared by the fuzzer
// (fuzz_requests.cc) and the bad-input catalogue, which writes its requests as the fuzzer's seeds.
//
// An input is one byte choosing the method (modulo the list's size) followed by the request's
// serialized bytes, which reach the server unparsed (the server's own parsing is under test).
#pragma once

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::testing {

// Every service leadrouterd serves to clients, by full name, except AdminService (its backups
// write directories: a fuzz run would fill the disk, and that is tested by tests/server, not
// searched for). Unary methods only: the fuzzer's calls are one request, one answer (WatchEvents'
// request is checked by the bad-input catalogue).
inline constexpr std::array<std::string_view, 7> kFuzzedServices = {
    "leadrouter.v1.AssignmentService", "leadrouter.v1.RepService",    "leadrouter.v1.RuleService",
    "leadrouter.v1.FollowUpService",   "leadrouter.v1.ReportService", "leadrouter.v1.EventService",
    "grpc.health.v1.Health",
};

// The gRPC paths ("/leadrouter.v1.RepService/Upsert") of the fuzzed methods, sorted. A service
// whose generated code is not linked in is skipped.
inline std::vector<std::string> FuzzedMethodPaths() {
  std::vector<std::string> paths;
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string_view name : kFuzzedServices) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(std::string(name));
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (method->client_streaming() || method->server_streaming()) continue;
      paths.push_back("/" + service->full_name() + "/" + method->name());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The fuzzer input that sends `wire` to `path`; empty when `path` is not fuzzed.
inline std::string FuzzerInput(const std::vector<std::string>& paths, std::string_view path,
                               std::string_view wire) {
  const auto it = std::find(paths.begin(), paths.end(), path);
  if (it == paths.end()) return "";
  std::string input(1, static_cast<char>(it - paths.begin()));
  input.append(wire);
  return input;
}

}  // namespace leadrouter::testing
