// leadrouter-loadgen: measures a leadrouterd server's throughput and latency under a closed-loop
// load, Assign and the trivial health check (the baseline) in the same run. See
// docs/performance.md ("Server") for the figures and how `make bench` runs it.
//
//   leadrouter-loadgen --server 127.0.0.1:50051 --in-flight 64 --duration 10
//
// Exit 0 when every measured call succeeded, 1 when some failed, 2 for bad options or a server
// that does not answer.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/common/rpc_status.h"
#include "clients/common/text_table.h"
#include "clients/loadgen/load_generator.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace leadrouter::loadgen {
namespace {

struct Args {
  LoadOptions load;
  BatchLoadOptions preload;
  std::vector<std::string> rpcs = {"assign", "health"};
  double duration_seconds = 10;
  double warmup_seconds = 1;
  double timeout_seconds = 5;
  std::string id_prefix;
  std::string label;
  std::string format = "table";
};

// The server must answer before any load is sent.
bool ServerAnswers(const std::string& address, double timeout_seconds) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::duration<double>(timeout_seconds)));
  context.set_wait_for_ready(true);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, {}, &response);
  if (!status.ok()) {
    std::cerr << client::FormatRpcFailure("Health.Check", status, "leadrouter-loadgen");
    return false;
  }
  return true;
}

std::string Micros(double us) {
  return us >= 10000 ? absl::StrFormat("%.1f ms", us / 1000) : absl::StrFormat("%.0f us", us);
}

nlohmann::json ToJson(const PhaseResult& phase) {
  return {{"rpc", RpcName(phase.rpc)},
          {"calls", phase.calls},
          {"errors", phase.errors},
          {"errors_by_code", phase.errors_by_code},
          {"first_error", phase.first_error},
          {"outcomes", phase.outcomes},
          {"seconds", phase.seconds},
          {"calls_per_second", phase.calls_per_second},
          {"latency_us",
           {{"mean", phase.mean_us},
            {"p50", phase.p50_us},
            {"p90", phase.p90_us},
            {"p99", phase.p99_us},
            {"max", phase.max_us}}},
          {"cpu_us_per_call",
           {{"server", phase.server_cpu_us_per_call}, {"client", phase.client_cpu_us_per_call}}}};
}

int Run(Args& args) {
  LoadOptions& load = args.load;
  load.duration = absl::Seconds(args.duration_seconds);
  load.warmup = absl::Seconds(args.warmup_seconds);
  load.timeout = absl::Seconds(args.timeout_seconds);
  std::vector<Rpc> rpcs;
  for (const std::string& name : args.rpcs) {
    if (name == "none") continue;
    rpcs.push_back(name == "assign" ? Rpc::kAssign : Rpc::kHealth);
  }
  if (!ServerAnswers(load.server, args.timeout_seconds)) return client::kExitUnusable;
  if (args.id_prefix.empty()) {
    args.id_prefix = absl::StrCat("load-", absl::ToUnixSeconds(absl::Now()), "-", getpid());
  }
  const SyntheticLeads leads(args.id_prefix);
  uint64_t next_lead = 0;

  std::optional<BatchLoadResult> preload;
  if (args.preload.leads > 0) {
    if (args.format == "table") {
      std::fprintf(stderr, "leadrouter-loadgen: loading %lld leads through AssignBatch ...\n",
                   static_cast<long long>(args.preload.leads));
    }
    preload = LoadBatches(load, args.preload, leads, next_lead);
  }

  std::vector<PhaseResult> phases;
  for (const Rpc rpc : rpcs) {
    if (args.format == "table") {
      std::fprintf(stderr, "leadrouter-loadgen: %s, %d in flight ...\n",
                   std::string(RpcName(rpc)).c_str(), load.in_flight);
    }
    phases.push_back(RunPhase(rpc, load, leads, next_lead));
  }

  const PhaseResult* assign = nullptr;
  const PhaseResult* health = nullptr;
  for (const PhaseResult& phase : phases) {
    (phase.rpc == Rpc::kAssign ? assign : health) = &phase;
  }
  const double ratio = assign != nullptr && health != nullptr && health->calls_per_second > 0
                           ? assign->calls_per_second / health->calls_per_second
                           : 0;
  bool any_error = preload.has_value() && (preload->failed_calls > 0 || preload->failed_items > 0);
  for (const PhaseResult& phase : phases) any_error = any_error || phase.errors > 0;

  if (args.format == "json") {
    nlohmann::json json = {{"server", load.server},
                           {"label", args.label},
                           {"in_flight", load.in_flight},
                           {"channels", load.channels},
                           {"threads", load.threads},
                           {"duration_seconds", args.duration_seconds},
                           {"warmup_seconds", args.warmup_seconds},
                           {"calls", load.calls},
                           {"id_prefix", args.id_prefix},
                           {"phases", nlohmann::json::array()}};
    for (const PhaseResult& phase : phases) json["phases"].push_back(ToJson(phase));
    if (preload.has_value()) {
      json["preload"] = {
          {"leads", preload->leads},
          {"batches", preload->batches},
          {"batch_size", args.preload.batch_size},
          {"in_flight", args.preload.in_flight},
          {"failed_calls", preload->failed_calls},
          {"failed_items", preload->failed_items},
          {"first_error", preload->first_error},
          {"outcomes", preload->outcomes},
          {"seconds", preload->seconds},
          {"leads_per_second", preload->leads_per_second},
          {"batch_latency_ms", {{"p50", preload->p50_batch_ms}, {"p99", preload->p99_batch_ms}}}};
    }
    if (ratio > 0) json["assign_to_health_throughput"] = ratio;
    std::cout << json.dump(2) << '\n';
  } else {
    if (preload.has_value()) {
      std::cout << absl::StrFormat(
          "preload: %d leads in %d AssignBatch calls of %d, %d in flight: %.1f s, %.0f leads/s, "
          "batch p50 %.0f ms, p99 %.0f ms; %d failed calls, %d failed items\n",
          preload->leads, preload->batches, args.preload.batch_size, args.preload.in_flight,
          preload->seconds, preload->leads_per_second, preload->p50_batch_ms, preload->p99_batch_ms,
          preload->failed_calls, preload->failed_items);
      if (!preload->first_error.empty()) {
        std::cout << "preload first error: " << preload->first_error << '\n';
      }
      if (phases.empty()) return any_error ? client::kExitNo : client::kExitOk;
    }
    std::cout << "server " << load.server
              << (args.label.empty() ? "" : absl::StrCat(" (", args.label, ")")) << ": "
              << load.in_flight << " in flight, " << load.channels << " channels, " << load.threads
              << " client threads, "
              << (load.calls > 0 ? absl::StrCat(load.calls, " calls")
                                 : absl::StrCat(args.duration_seconds, " s measured after ",
                                                args.warmup_seconds, " s warm-up"))
              << " per RPC\n";
    client::TextTable table({"RPC", "CALLS", "ERRORS", "CALLS/S", "MEAN", "P50", "P90", "P99",
                             "MAX", "SERVER CPU/CALL", "CLIENT CPU/CALL"});
    for (const PhaseResult& phase : phases) {
      table.AddRow({std::string(RpcName(phase.rpc)), absl::StrCat(phase.calls),
                    absl::StrCat(phase.errors), absl::StrFormat("%.0f", phase.calls_per_second),
                    Micros(phase.mean_us), Micros(phase.p50_us), Micros(phase.p90_us),
                    Micros(phase.p99_us), Micros(phase.max_us),
                    load.server_pid > 0 ? Micros(phase.server_cpu_us_per_call) : "",
                    Micros(phase.client_cpu_us_per_call)});
    }
    std::cout << table.Render();
    if (ratio > 0)
      std::cout << absl::StrFormat("Assign / Health.Check throughput: %.0f%%\n", 100 * ratio);
    if (assign != nullptr && !assign->outcomes.empty()) {
      std::cout << "Assign outcomes:";
      for (const auto& [outcome, n] : assign->outcomes) std::cout << ' ' << outcome << '=' << n;
      std::cout << '\n';
    }
    for (const PhaseResult& phase : phases) {
      if (phase.errors == 0) continue;
      std::cout << RpcName(phase.rpc) << " errors:";
      for (const auto& [code, n] : phase.errors_by_code) std::cout << ' ' << code << '=' << n;
      std::cout << " (first: " << phase.first_error << ")\n";
    }
  }
  return any_error ? client::kExitNo : client::kExitOk;
}

}  // namespace
}  // namespace leadrouter::loadgen

int main(int argc, char** argv) {
  leadrouter::loadgen::Args args;
  CLI::App app{
      "leadrouter-loadgen: closed-loop gRPC load on a leadrouterd server; reports "
      "throughput and latency of Assign and of the health check (the baseline)",
      "leadrouter-loadgen"};
  app.add_option("--server", args.load.server, "host:port of leadrouterd")->capture_default_str();
  app.add_option("--rpc", args.rpcs, "phases to run, in order: assign, health (none: no phase)")
      ->delimiter(',')
      ->check(CLI::IsMember({"assign", "health", "none"}))
      ->capture_default_str();
  app.add_option("--in-flight", args.load.in_flight, "calls outstanding at any moment")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--channels", args.load.channels, "channels (TCP connections)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--threads", args.load.threads, "client completion-queue threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--duration", args.duration_seconds, "measured seconds per phase")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", args.warmup_seconds, "seconds before measuring, per phase")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--calls", args.load.calls,
                 "make exactly this many calls per phase instead of running for --duration")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--preload", args.preload.leads,
                 "first load this many new leads through AssignBatch (not measured as a phase)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--batch-size", args.preload.batch_size, "leads per AssignBatch of --preload")
      ->capture_default_str()
      ->check(CLI::Range(1, 500));
  app.add_option("--preload-in-flight", args.preload.in_flight,
                 "AssignBatch calls of --preload outstanding at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--timeout", args.timeout_seconds, "deadline of each call, seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--id-prefix", args.id_prefix,
                 "lead ids are PREFIX-<n>; default load-<unix time>-<pid>, new on every run");
  app.add_option("--server-pid", args.load.server_pid,
                 "the server's process id on this machine: report its CPU time per call");
  app.add_option("--label", args.label, "a note printed with the results, e.g. durability=async");
  app.add_option("--format", args.format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return leadrouter::loadgen::Run(args);
}
