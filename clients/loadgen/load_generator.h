// A closed-loop gRPC load generator on the completion-queue (async) API: `in_flight` calls are
// kept outstanding at all times, spread over `channels` channels (each its own TCP connection, so
// one HTTP/2 connection is not the bottleneck) and `threads` completion-queue threads. Each
// completion records the call's latency and immediately issues the next call on the same slot.
//
// A phase runs for `warmup` (not measured) plus `duration`, or for exactly `calls` calls. The
// result is the measured throughput and the latency distribution of successful calls; failed calls
// are counted by status code and not mixed into the latencies.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "clients/loadgen/synthetic_leads.h"

namespace leadrouter::loadgen {

struct LoadOptions {
  // host:port of the server.
  // Default: 127.0.0.1:50051
  std::string server = "127.0.0.1:50051";
  // Calls outstanding at any moment.
  // Default: 64
  int in_flight = 64;
  // Channels (TCP connections) the calls are spread over.
  // Default: 4
  int channels = 4;
  // Completion-queue threads of the client.
  // Default: 2
  int threads = 2;
  // Measured time of a phase, after the warm-up; ignored when `calls` > 0.
  // Default: 10 s
  absl::Duration duration = absl::Seconds(10);
  // Time before the measurement starts (connections up, caches warm); ignored when `calls` > 0.
  // Default: 1 s
  absl::Duration warmup = absl::Seconds(1);
  // If > 0, the phase makes exactly this many calls, all measured, instead of running for a time.
  // Default: 0
  int64_t calls = 0;
  // Deadline of each call.
  // Default: 5 s
  absl::Duration timeout = absl::Seconds(5);
  // If > 0, the server's process id on this machine: its CPU time (/proc/PID/stat) is sampled
  // over the measured window and reported per call, a figure that other load on the machine does
  // not distort the way it distorts throughput.
  // Default: 0
  int server_pid = 0;
};

enum class Rpc {
  // leadrouter.v1.AssignmentService/Assign with a new synthetic lead per call.
  kAssign,
  // grpc.health.v1.Health/Check for the whole server: the trivial-RPC baseline.
  kHealth,
};

std::string_view RpcName(Rpc rpc);  // "Assign", "Health.Check"

struct PhaseResult {
  Rpc rpc = Rpc::kHealth;
  // Successful calls completed inside the measured window.
  int64_t calls = 0;
  // Failed calls inside the window, in total and by status code name.
  int64_t errors = 0;
  std::map<std::string, int64_t> errors_by_code;
  // One failure message, to tell what went wrong.
  std::string first_error;
  // Assign only: successful calls by outcome ("ASSIGNED", "UNASSIGNED", ...).
  std::map<std::string, int64_t> outcomes;
  // Length of the measured window and calls / seconds.
  double seconds = 0;
  double calls_per_second = 0;
  // Latency of the successful calls, microseconds.
  double mean_us = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double max_us = 0;
  // CPU time per call (successful or not) over the measured window, microseconds: the server's
  // (0 unless LoadOptions::server_pid) and this client's.
  double server_cpu_us_per_call = 0;
  double client_cpu_us_per_call = 0;
};

// Loading a database: `leads` new leads sent through AssignmentService/AssignBatch, `batch_size`
// per call, from `in_flight` threads with one batch outstanding each (on options.channels
// channels), before the measured phases (scale benchmarks: a server holding a million
// assignments).
struct BatchLoadOptions {
  int64_t leads = 0;
  // Default: 500 (AssignBatch's limit)
  int batch_size = 500;
  // Default: 4
  int in_flight = 4;
  // Deadline of each batch.
  // Default: 60 s
  absl::Duration timeout = absl::Seconds(60);
};

struct BatchLoadResult {
  int64_t batches = 0;
  int64_t leads = 0;         // items answered (assigned or not)
  int64_t failed_items = 0;  // items whose result was an error
  int64_t failed_calls = 0;  // batches that failed as a whole
  std::string first_error;
  std::map<std::string, int64_t> outcomes;  // of the items answered
  double seconds = 0;
  double leads_per_second = 0;
  double p50_batch_ms = 0;
  double p99_batch_ms = 0;
};

// Loads options.leads leads `leads.Fill(first_lead)`, ... and advances `first_lead` past them.
BatchLoadResult LoadBatches(const LoadOptions& load, const BatchLoadOptions& options,
                            const SyntheticLeads& leads, uint64_t& first_lead);

// Runs one phase against options.server. Assign leads are `leads.Fill(i)` for i = first_lead,
// first_lead + 1, ...; `first_lead` is advanced past the leads used, so that later phases of the
// same run use new ids.
PhaseResult RunPhase(Rpc rpc, const LoadOptions& options, const SyntheticLeads& leads,
                     uint64_t& first_lead);

}  // namespace leadrouter::loadgen
