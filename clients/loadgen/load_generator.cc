#include "clients/loadgen/load_generator.h"

#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/common/rpc_status.h"
#include "dsl/base/percentile.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "leadrouter/v1/assignment.grpc.pb.h"

namespace leadrouter::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

struct AssignTraits {
  using Stub = v1::AssignmentService::Stub;
  using Request = v1::AssignRequest;
  using Response = v1::AssignResponse;
  static std::unique_ptr<Stub> NewStub(const std::shared_ptr<grpc::Channel>& channel) {
    return v1::AssignmentService::NewStub(channel);
  }
  static auto Prepare(Stub& stub, grpc::ClientContext* context, const Request& request,
                      grpc::CompletionQueue* cq) {
    return stub.PrepareAsyncAssign(context, request, cq);
  }
};

struct HealthTraits {
  using Stub = grpc::health::v1::Health::Stub;
  using Request = grpc::health::v1::HealthCheckRequest;
  using Response = grpc::health::v1::HealthCheckResponse;
  static std::unique_ptr<Stub> NewStub(const std::shared_ptr<grpc::Channel>& channel) {
    return grpc::health::v1::Health::NewStub(channel);
  }
  static auto Prepare(Stub& stub, grpc::ClientContext* context, const Request& request,
                      grpc::CompletionQueue* cq) {
    return stub.PrepareAsyncCheck(context, request, cq);
  }
};

// Everything a phase's threads share. Read-only once the threads start, except the atomics.
struct Shared {
  const LoadOptions* options = nullptr;
  const SyntheticLeads* leads = nullptr;
  Clock::time_point measure_start;  // warm-up ends
  Clock::time_point end;            // no call is issued after this (duration mode)
  std::atomic<uint64_t> next_lead{0};
  std::atomic<int64_t> calls_left{0};  // calls mode
};

// What one thread saw; merged after the phase.
struct ThreadTally {
  std::vector<int64_t> latencies_ns;
  int64_t errors = 0;
  std::map<std::string, int64_t> errors_by_code;
  std::string first_error;
  std::map<std::string, int64_t> outcomes;
};

template <typename Traits>
struct Slot {
  typename Traits::Stub* stub = nullptr;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<typename Traits::Response>> reader;
  typename Traits::Request request;
  typename Traits::Response response;
  grpc::Status status;
  Clock::time_point start;
};

template <typename Traits>
void FillRequest(Shared& shared, typename Traits::Request& request) {
  if constexpr (std::is_same_v<Traits, AssignTraits>) {
    shared.leads->Fill(shared.next_lead.fetch_add(1, std::memory_order_relaxed),
                       *request.mutable_lead());
    request.set_actor("loadgen");
  }
}

template <typename Traits>
void Issue(Shared& shared, Slot<Traits>& slot, grpc::CompletionQueue& cq) {
  FillRequest<Traits>(shared, slot.request);
  slot.context = std::make_unique<grpc::ClientContext>();
  slot.start = Clock::now();
  slot.context->set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoNanoseconds(shared.options->timeout));
  slot.reader = Traits::Prepare(*slot.stub, slot.context.get(), slot.request, &cq);
  slot.reader->StartCall();
  slot.reader->Finish(&slot.response, &slot.status, &slot);
}

// In calls mode, takes one call from the budget; in duration mode, checks the clock.
bool MayIssue(Shared& shared, Clock::time_point now) {
  if (shared.options->calls > 0) {
    return shared.calls_left.fetch_sub(1, std::memory_order_relaxed) > 0;
  }
  return now < shared.end;
}

template <typename Traits>
void Record(const Shared& shared, const Slot<Traits>& slot, Clock::time_point now,
            ThreadTally& tally) {
  const bool counted =
      shared.options->calls > 0 || (slot.start >= shared.measure_start && now <= shared.end);
  if (!counted) return;
  if (!slot.status.ok()) {
    ++tally.errors;
    ++tally.errors_by_code[client::StatusCodeName(slot.status.error_code())];
    if (tally.first_error.empty()) {
      tally.first_error = absl::StrCat(client::StatusCodeName(slot.status.error_code()), ": ",
                                       slot.status.error_message());
    }
    return;
  }
  tally.latencies_ns.push_back(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot.start).count());
  if constexpr (std::is_same_v<Traits, AssignTraits>) {
    ++tally.outcomes[v1::Outcome_Name(slot.response.assignment().outcome()).substr(8)];
  }
}

template <typename Traits>
void RunThread(Shared& shared, std::vector<typename Traits::Stub*> stubs, int slots,
               ThreadTally& tally) {
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<Slot<Traits>>> all;
  int outstanding = 0;
  for (int i = 0; i < slots; ++i) {
    auto slot = std::make_unique<Slot<Traits>>();
    slot->stub = stubs[static_cast<size_t>(i) % stubs.size()];
    if (MayIssue(shared, Clock::now())) {
      Issue(shared, *slot, cq);
      ++outstanding;
    }
    all.push_back(std::move(slot));
  }
  void* tag = nullptr;
  bool ok = false;
  while (outstanding > 0 && cq.Next(&tag, &ok)) {
    auto& slot = *static_cast<Slot<Traits>*>(tag);
    const Clock::time_point now = Clock::now();
    Record(shared, slot, now, tally);
    if (MayIssue(shared, now)) {
      Issue(shared, slot, cq);
    } else {
      --outstanding;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

// utime + stime of a process, seconds; 0 when it cannot be read.
double ProcessCpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name, which may itself hold spaces.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// In thousandths of the values' unit (ns to µs, µs to ms).
double Percentile(const std::vector<int64_t>& sorted, double p) {
  return static_cast<double>(dsl::NearestRankPercentile(sorted, p)) / 1000.0;
}

template <typename Traits>
PhaseResult Run(Rpc rpc, const LoadOptions& options, const SyntheticLeads& leads,
                uint64_t& first_lead) {
  // One subchannel pool per channel: without it, channels to the same address share a connection.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<typename Traits::Stub>> stubs;
  for (int i = 0; i < std::max(1, options.channels); ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(
        grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(), arguments));
    channels.back()->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
    stubs.push_back(Traits::NewStub(channels.back()));
  }

  Shared shared;
  shared.options = &options;
  shared.leads = &leads;
  shared.next_lead = first_lead;
  shared.calls_left = options.calls;
  const Clock::time_point begin = Clock::now();
  shared.measure_start =
      options.calls > 0 ? begin : begin + absl::ToChronoNanoseconds(options.warmup);
  shared.end = shared.measure_start + absl::ToChronoNanoseconds(options.duration);

  const int threads = std::clamp(options.threads, 1, std::max(1, options.in_flight));
  std::vector<ThreadTally> tallies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    // Thread t drives slots t, t + threads, ...; slot i uses channel i % channels.
    const int slots = options.in_flight / threads + (t < options.in_flight % threads ? 1 : 0);
    std::vector<typename Traits::Stub*> thread_stubs;
    for (size_t c = 0; c < stubs.size(); ++c) {
      thread_stubs.push_back(stubs[(c + static_cast<size_t>(t)) % stubs.size()].get());
    }
    workers.emplace_back([&shared, thread_stubs, slots, &tally = tallies[static_cast<size_t>(t)]] {
      RunThread<Traits>(shared, thread_stubs, slots, tally);
    });
  }
  // CPU samples at the edges of the measured window (in calls mode: the whole phase).
  const bool by_count = options.calls > 0;
  if (!by_count) std::this_thread::sleep_until(shared.measure_start);
  const double server_cpu_start =
      options.server_pid > 0 ? ProcessCpuSeconds(options.server_pid) : 0;
  const double client_cpu_start = SelfCpuSeconds();
  if (!by_count) std::this_thread::sleep_until(shared.end);
  double server_cpu_end = 0;
  double client_cpu_end = 0;
  if (!by_count) {
    server_cpu_end = options.server_pid > 0 ? ProcessCpuSeconds(options.server_pid) : 0;
    client_cpu_end = SelfCpuSeconds();
  }
  for (std::thread& worker : workers) worker.join();
  const Clock::time_point finished = Clock::now();
  if (by_count) {
    server_cpu_end = options.server_pid > 0 ? ProcessCpuSeconds(options.server_pid) : 0;
    client_cpu_end = SelfCpuSeconds();
  }
  first_lead = shared.next_lead.load();

  PhaseResult result;
  result.rpc = rpc;
  std::vector<int64_t> latencies;
  for (ThreadTally& tally : tallies) {
    latencies.insert(latencies.end(), tally.latencies_ns.begin(), tally.latencies_ns.end());
    result.errors += tally.errors;
    for (const auto& [code, n] : tally.errors_by_code) result.errors_by_code[code] += n;
    for (const auto& [outcome, n] : tally.outcomes) result.outcomes[outcome] += n;
    if (result.first_error.empty()) result.first_error = tally.first_error;
  }
  std::sort(latencies.begin(), latencies.end());
  result.calls = static_cast<int64_t>(latencies.size());
  const Clock::time_point window_end = options.calls > 0 ? finished : shared.end;
  result.seconds = std::chrono::duration<double>(window_end - shared.measure_start).count();
  result.calls_per_second =
      result.seconds > 0 ? static_cast<double>(result.calls) / result.seconds : 0;
  const double window_calls = static_cast<double>(result.calls + result.errors);
  if (window_calls > 0) {
    result.server_cpu_us_per_call = 1e6 * (server_cpu_end - server_cpu_start) / window_calls;
    result.client_cpu_us_per_call = 1e6 * (client_cpu_end - client_cpu_start) / window_calls;
  }
  if (!latencies.empty()) {
    double sum = 0;
    for (const int64_t ns : latencies) sum += static_cast<double>(ns);
    result.mean_us = sum / static_cast<double>(latencies.size()) / 1000.0;
    result.p50_us = Percentile(latencies, 0.50);
    result.p90_us = Percentile(latencies, 0.90);
    result.p99_us = Percentile(latencies, 0.99);
    result.max_us = static_cast<double>(latencies.back()) / 1000.0;
  }
  return result;
}

}  // namespace

std::string_view RpcName(Rpc rpc) { return rpc == Rpc::kAssign ? "Assign" : "Health.Check"; }

PhaseResult RunPhase(Rpc rpc, const LoadOptions& options, const SyntheticLeads& leads,
                     uint64_t& first_lead) {
  if (rpc == Rpc::kAssign) return Run<AssignTraits>(rpc, options, leads, first_lead);
  return Run<HealthTraits>(rpc, options, leads, first_lead);
}

}  // namespace leadrouter::loadgen

namespace leadrouter::loadgen {

BatchLoadResult LoadBatches(const LoadOptions& load, const BatchLoadOptions& options,
                            const SyntheticLeads& leads, uint64_t& first_lead) {
  BatchLoadResult result;
  if (options.leads <= 0) return result;
  const int64_t batch_size = std::max(1, options.batch_size);
  const int64_t batches = (options.leads + batch_size - 1) / batch_size;
  const int threads = std::max(1, options.in_flight);
  std::vector<std::unique_ptr<v1::AssignmentService::Stub>> stubs;
  for (int i = 0; i < std::max(1, load.channels); ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection per channel
    arguments.SetMaxReceiveMessageSize(-1);
    stubs.push_back(v1::AssignmentService::NewStub(
        grpc::CreateCustomChannel(load.server, grpc::InsecureChannelCredentials(), arguments)));
  }
  std::atomic<int64_t> next_batch{0};
  std::mutex mutex;  // guards result and latencies
  std::vector<int64_t> latencies_ns;
  const uint64_t base = first_lead;
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      v1::AssignmentService::Stub& stub = *stubs[static_cast<size_t>(t) % stubs.size()];
      for (int64_t batch = next_batch.fetch_add(1); batch < batches;
           batch = next_batch.fetch_add(1)) {
        v1::AssignBatchRequest request;
        request.set_actor("loadgen");
        const int64_t begin = batch * batch_size;
        const int64_t end = std::min(options.leads, begin + batch_size);
        for (int64_t i = begin; i < end; ++i) {
          leads.Fill(base + static_cast<uint64_t>(i), *request.add_items()->mutable_lead());
        }
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoNanoseconds(options.timeout));
        v1::AssignBatchResponse response;
        const Clock::time_point sent = Clock::now();
        const grpc::Status status = stub.AssignBatch(&context, request, &response);
        const int64_t latency =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent).count();
        std::lock_guard<std::mutex> lock(mutex);
        ++result.batches;
        latencies_ns.push_back(latency);
        if (!status.ok()) {
          ++result.failed_calls;
          if (result.first_error.empty()) {
            result.first_error = absl::StrCat(client::StatusCodeName(status.error_code()), ": ",
                                              status.error_message());
          }
          continue;
        }
        for (const v1::AssignBatchResult& item : response.results()) {
          if (item.has_response()) {
            ++result.leads;
            ++result.outcomes[v1::Outcome_Name(item.response().assignment().outcome()).substr(8)];
          } else {
            ++result.failed_items;
            if (result.first_error.empty()) result.first_error = item.error().message();
          }
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.leads_per_second =
      result.seconds > 0 ? static_cast<double>(result.leads) / result.seconds : 0;
  std::sort(latencies_ns.begin(), latencies_ns.end());
  result.p50_batch_ms = Percentile(latencies_ns, 0.50) / 1000.0;
  result.p99_batch_ms = Percentile(latencies_ns, 0.99) / 1000.0;
  first_lead = base + static_cast<uint64_t>(options.leads);
  return result;
}

}  // namespace leadrouter::loadgen
