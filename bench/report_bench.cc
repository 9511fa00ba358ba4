// A report over N stored assignments (100,000 and 1,000,000; REPORT_BENCH_MAX caps N): the
// Distribution, FollowUps and Conversion of one range covering all of them, grouped by rep, over
// 100 reps. The store is loaded directly through the storage API (storage::CommitAssignment,
// 10,000 assignments per commit, the history entry, its indexes, the lead, the audit record and
// the span's row as a real assignment writes them); the load's time is printed beside the
// report's. Each report reads the span facts (storage/span_facts.h) of the range.
//
//   build/bench/report_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "server/api/clock.h"
#include "server/reports/reports.h"
#include "server/roster/roster_cache.h"
#include "storage/assignment_store.h"
#include "storage/rep_store.h"
#include "storage/storage.h"

namespace leadrouter::server {
namespace {

namespace v1 = leadrouter::v1;
using google::protobuf::util::TimeUtil;

constexpr int kReps = 100;
// Monday 2026-11-02 00:00 UTC; one assignment every 8.64 s over 100 days at 1,000,000.
constexpr int64_t kStartUs = 1'793'577'600'000'000;
constexpr int64_t kSpanUs = int64_t{100} * 86'400'000'000;

std::string RepName(int i) { return absl::StrCat("reps/r", i); }

struct Loaded {
  std::filesystem::path dir;
  std::unique_ptr<storage::Storage> storage;
  RosterCache roster;
  double load_seconds = 0;
  ~Loaded() {
    storage.reset();
    std::filesystem::remove_all(dir);
  }
};

absl::Status Load(storage::Storage& store, int64_t count) {
  constexpr int64_t kPerCommit = 10'000;
  const int64_t step_us = kSpanUs / count;
  const char* sources[] = {"web", "ads", "event", "referral"};
  for (int64_t first = 0; first < count; first += kPerCommit) {
    RETURN_IF_ERROR(store.commits().Commit([&](storage::WriteTxn& txn) -> absl::Status {
      for (int64_t i = first; i < std::min(count, first + kPerCommit); ++i) {
        const std::string lead = absl::StrCat("leads/l", i);
        const int64_t now_us = kStartUs + i * step_us;
        ASSIGN_OR_RETURN(const storage::NextEntry next, storage::NextAssignment(txn, lead));
        storage::AssignmentChange change;
        change.sequence = next.sequence;
        change.lead.set_name(lead);
        change.lead.set_source(sources[i % 4]);
        change.lead.set_quality(static_cast<double>((i * 37) % 101));
        change.lead.set_value(static_cast<double>((i * 101) % 10'000));
        change.lead.set_owner(RepName(static_cast<int>(i % kReps)));
        change.lead.set_state(v1::LEAD_STATE_OPEN);
        v1::Assignment& entry = change.entry;
        entry.set_outcome(v1::OUTCOME_ASSIGNED);
        entry.set_kind(v1::ASSIGNMENT_KIND_ASSIGN);
        entry.set_rep(change.lead.owner());
        entry.set_rule_version(1);
        entry.mutable_rule()->set_name("all");
        entry.mutable_rule()->set_index(1);
        entry.mutable_rule()->set_version(1);
        *entry.mutable_decide_time() = TimeUtil::MicrosecondsToTimestamp(now_us);
        *entry.mutable_sla_deadline() = TimeUtil::MicrosecondsToTimestamp(now_us + 3'600'000'000);
        change.change = storage::ChangeInfo{"bench", "lead.assign", "bench", "", now_us};
        RETURN_IF_ERROR(storage::CommitAssignment(txn, std::move(change)).status());
      }
      return absl::OkStatus();
    }));
  }
  return absl::OkStatus();
}

// The loaded stores by size; main() closes them before static destruction begins.
std::map<int64_t, std::unique_ptr<Loaded>>& Stores() {
  static auto* const stores = new std::map<int64_t, std::unique_ptr<Loaded>>();
  return *stores;
}

Loaded& StoreWith(int64_t count) {
  std::map<int64_t, std::unique_ptr<Loaded>>& stores = Stores();
  std::unique_ptr<Loaded>& loaded = stores[count];
  if (loaded != nullptr) return *loaded;
  // One store at a time: the previous size's goes first.
  stores.erase(stores.begin(), stores.find(count));
  loaded = std::make_unique<Loaded>();
  loaded->dir = std::filesystem::temp_directory_path() /
                absl::StrCat("leadrouter-report-bench-", getpid(), "-", count);
  std::filesystem::remove_all(loaded->dir);
  storage::StorageOptions options;
  options.database.durability = storage::Durability::kAsync;
  absl::StatusOr<std::unique_ptr<storage::Storage>> opened =
      storage::Storage::Open(loaded->dir.string(), options);
  if (!opened.ok()) std::abort();
  loaded->storage = *std::move(opened);
  // The reps in the roster and in the store (each span's row takes the owner's team from there).
  const absl::Status reps = loaded->storage->commits().Commit([&](storage::WriteTxn& txn) {
    for (int i = 0; i < kReps; ++i) {
      v1::Rep rep;
      rep.set_name(RepName(i));
      rep.set_status(v1::REP_STATUS_ACTIVE);
      rep.set_team(i % 2 == 0 ? "north" : "south");
      loaded->roster.Put(rep);
      RETURN_IF_ERROR(
          storage::PutRep(txn, rep, storage::ChangeInfo{"bench", "rep.upsert", "bench", "", 0})
              .status());
    }
    return absl::OkStatus();
  });
  if (!reps.ok()) std::abort();
  const auto began = std::chrono::steady_clock::now();
  if (const absl::Status status = Load(*loaded->storage, count); !status.ok()) {
    std::cerr << "load: " << status << "\n";
    std::abort();
  }
  loaded->load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::cerr << "loaded " << count << " assignments in " << loaded->load_seconds << " s\n";
  return *loaded;
}

v1::ReportFilter WholeRange() {
  v1::ReportFilter filter;
  *filter.mutable_time_range()->mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(kStartUs);
  *filter.mutable_time_range()->mutable_end_time() =
      TimeUtil::MicrosecondsToTimestamp(kStartUs + kSpanUs);
  return filter;
}

template <typename Run>
void RunReport(benchmark::State& state, Run run) {
  const int64_t count = state.range(0);
  const char* max = std::getenv("REPORT_BENCH_MAX");
  if (max != nullptr && count > std::atoll(max)) {
    state.SkipWithError("above REPORT_BENCH_MAX");
    return;
  }
  Loaded& loaded = StoreWith(count);
  const SimulatedClock clock(absl::FromUnixMicros(kStartUs + kSpanUs));
  const Reports reports(loaded.storage->database(), loaded.roster, clock, ReportOptions{});
  for (auto _ : state) {
    const absl::Status status = run(reports);
    if (!status.ok()) state.SkipWithError(std::string(status.message()).c_str());
  }
  state.counters["assignments"] = static_cast<double>(count);
  state.counters["load_s"] = loaded.load_seconds;
  state.counters["per_assignment_ns"] =
      benchmark::Counter(static_cast<double>(count), benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

void BM_Distribution(benchmark::State& state) {
  RunReport(state, [](const Reports& reports) -> absl::Status {
    v1::DistributionRequest request;
    *request.mutable_filter() = WholeRange();
    ASSIGN_OR_RETURN(const v1::DistributionResponse response, reports.Distribution(request));
    if (response.total().leads() == 0) return absl::InternalError("no leads counted");
    return absl::OkStatus();
  });
}

void BM_FollowUps(benchmark::State& state) {
  RunReport(state, [](const Reports& reports) -> absl::Status {
    v1::FollowUpsRequest request;
    *request.mutable_filter() = WholeRange();
    return reports.FollowUps(request).status();
  });
}

void BM_Conversion(benchmark::State& state) {
  RunReport(state, [](const Reports& reports) -> absl::Status {
    v1::ConversionRequest request;
    *request.mutable_filter() = WholeRange();
    return reports.Conversion(request).status();
  });
}

BENCHMARK(BM_Distribution)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FollowUps)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Conversion)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

void CloseStores() { Stores().clear(); }

}  // namespace leadrouter::server

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  leadrouter::server::CloseStores();
  benchmark::Shutdown();
  return 0;
}
