// What one run of the SLA sweeper reads, with 1,000 to 1,000,000 open deadlines in the store: the
// rows due now (100 of them) through the due index (storage/due_index.h), beside a scan of every
// open deadline, which is what finding them would cost without the index. The index keeps the
// sweeper's cost to what is due, whatever is open.
//
//   build/bench/sla_sweep_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/due_index.h"
#include "storage/read_view.h"
#include "storage/storage.h"

namespace leadrouter::storage {
namespace {

constexpr int64_t kNowUs = 1'800'000'000'000'000;
constexpr int kDueNow = 100;

// The stores, closed and removed when the benchmark exits.
struct Stores {
  std::map<int64_t, std::unique_ptr<Storage>> by_size;
  std::vector<std::filesystem::path> dirs;
  ~Stores() {
    by_size.clear();
    for (const auto& dir : dirs) std::filesystem::remove_all(dir);
  }
};

// One store per size, filled once: `open` deadlines in the next weeks, kDueNow of them past due.
Storage& StoreWith(int64_t open) {
  static Stores all;
  auto* stores = &all.by_size;
  auto& store = (*stores)[open];
  if (store != nullptr) return *store;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    absl::StrCat("leadrouter-sla-bench-", getpid(), "-", open);
  std::filesystem::remove_all(dir);
  all.dirs.push_back(dir);
  StorageOptions options;
  options.database.durability = Durability::kAsync;
  absl::StatusOr<std::unique_ptr<Storage>> opened = Storage::Open(dir.string(), options);
  if (!opened.ok()) std::abort();
  store = *std::move(opened);
  constexpr int64_t kPerCommit = 10'000;
  for (int64_t first = 0; first < open; first += kPerCommit) {
    const absl::Status status = store->commits().Commit([&](WriteTxn& txn) -> absl::Status {
      for (int64_t i = first; i < std::min(open, first + kPerCommit); ++i) {
        // The first kDueNow are past due; the others fall due over the next weeks.
        const int64_t due = i < kDueNow ? kNowUs - (kDueNow - i) * 1'000'000
                                        : kNowUs + 3'600'000'000 + i * 1'000'000;
        absl::Status put =
            PutDue(txn, DueItem{due, DueKind::kSlaStep, absl::StrCat("leads/l-", i), 0});
        if (!put.ok()) return put;
      }
      return absl::OkStatus();
    });
    if (!status.ok()) std::abort();
  }
  return *store;
}

void BM_SweepDueNow(benchmark::State& state) {
  Storage& store = StoreWith(state.range(0));
  for (auto _ : state) {
    DatabaseView view(store.database());
    absl::StatusOr<std::vector<DueItem>> due = ListDue(view, kNowUs, 10'000);
    if (!due.ok() || due->size() != kDueNow) state.SkipWithError("wrong rows due");
    benchmark::DoNotOptimize(due);
  }
  state.counters["open"] = static_cast<double>(state.range(0));
  state.counters["due"] = kDueNow;
}
BENCHMARK(BM_SweepDueNow)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

// The baseline: every open deadline read to find those that are due.
void BM_ScanEveryDeadline(benchmark::State& state) {
  Storage& store = StoreWith(state.range(0));
  for (auto _ : state) {
    DatabaseView view(store.database());
    absl::StatusOr<uint64_t> count = CountDue(view);
    if (!count.ok()) state.SkipWithError("scan failed");
    benchmark::DoNotOptimize(count);
  }
  state.counters["open"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_ScanEveryDeadline)
    ->Arg(1'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace leadrouter::storage

BENCHMARK_MAIN();
