// Assignments committed per second through the storage layer (decision included), in both
// durability modes, from 1 and 32 concurrent callers; and, measured in the same run, raw RocksDB
// puts of the same size as one assignment's changes, the ceiling the commit path is compared with.
//
//   build/bench/storage_commit_bench --benchmark_min_time=2
//
// Each benchmark writes into its own fresh database under $TMPDIR.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "assign_harness.h"
#include "storage/read_view.h"
#include "storage/storage.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::storage::testing::AssignHarness;

constexpr char kRules[] = R"(rule "spread"
  when true
  distribute round_robin
  cap 1000000/day
otherwise unassigned
)";

std::string FreshDirectory(const std::string& name) {
  static std::atomic<int> counter{0};
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      absl::StrCat("leadrouter-bench-", getpid(), "-", counter++, "-", name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

Durability DurabilityOf(const benchmark::State& state) {
  return state.range(0) == 0 ? Durability::kSync : Durability::kAsync;
}

// Bytes one assignment adds across the column families, measured by BM_AssignCommit (which runs
// first): the size of the raw puts of BM_RawPut.
std::atomic<int64_t> measured_assignment_bytes{0};

// One database and harness per benchmark run, shared by its threads.
struct AssignFixture {
  std::string path;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<AssignHarness> harness;
  std::atomic<int64_t> next_lead{0};
};

std::mutex fixture_mutex;
std::shared_ptr<AssignFixture> current_fixture;

std::shared_ptr<AssignFixture> MakeFixture(Durability durability) {
  auto fixture = std::make_shared<AssignFixture>();
  fixture->path = FreshDirectory("assign");
  StorageOptions options;
  options.database.durability = durability;
  absl::StatusOr<std::unique_ptr<Storage>> storage = Storage::Open(fixture->path, options);
  if (!storage.ok()) return nullptr;
  fixture->storage = std::move(*storage);
  std::vector<std::string> reps;
  for (int i = 0; i < 20; ++i) reps.push_back(absl::StrCat("rep", i));
  absl::StatusOr<std::unique_ptr<AssignHarness>> harness =
      AssignHarness::Create(fixture->storage->commits(), kRules, reps);
  if (!harness.ok()) return nullptr;
  fixture->harness = std::move(*harness);
  return fixture;
}

void BM_AssignCommit(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(fixture_mutex);
    current_fixture = MakeFixture(DurabilityOf(state));
  }
  // Every thread waits for thread 0's setup at the first iteration's start barrier.
  std::shared_ptr<AssignFixture> fixture;
  for (auto _ : state) {
    if (fixture == nullptr) {
      std::lock_guard<std::mutex> lock(fixture_mutex);
      fixture = current_fixture;
      if (fixture == nullptr) {
        state.SkipWithError("cannot set up the database");
        break;
      }
    }
    const int64_t lead = fixture->next_lead.fetch_add(1);
    absl::StatusOr<testing::AssignResult> result =
        fixture->harness->Assign(absl::StrCat("b", lead), 1'767'225'600 + 3'600);
    if (!result.ok() || result->rep.empty()) {
      state.SkipWithError("assign failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(fixture_mutex);
    if (current_fixture != nullptr) {
      // Bytes one assignment adds across the column families: the size of the raw puts below.
      {
        DatabaseView view(current_fixture->storage->database());
        int64_t bytes = 0;
        for (size_t cf = 0; cf < kColumnFamilyCount; ++cf) {
          (void)view.Scan(
              static_cast<ColumnFamily>(cf), "", "", ScanOrder::kAscending,
              [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                bytes += static_cast<int64_t>(key.size() + value.size());
                return true;
              });
        }
        const int64_t leads = current_fixture->next_lead.load();
        if (leads > 0) {
          state.counters["bytes_per_assignment"] = static_cast<double>(bytes) / leads;
          measured_assignment_bytes = bytes / leads;
        }
      }
      (void)current_fixture->storage->Close();
      std::filesystem::remove_all(current_fixture->path);
      current_fixture.reset();
    }
  }
}

// Used when BM_RawPut runs alone (--benchmark_filter): about what BM_AssignCommit measures.
constexpr int64_t kDefaultAssignmentBytes = 1000;

struct RawFixture {
  std::string path;
  std::unique_ptr<Database> db;
  std::atomic<int64_t> next_key{0};
};
std::shared_ptr<RawFixture> current_raw;

void BM_RawPut(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(fixture_mutex);
    auto fixture = std::make_shared<RawFixture>();
    fixture->path = FreshDirectory("raw");
    DatabaseOptions options;
    options.durability = DurabilityOf(state);
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(fixture->path, options);
    if (db.ok()) {
      fixture->db = std::move(*db);
      current_raw = fixture;
    }
  }
  std::shared_ptr<RawFixture> fixture;
  const int64_t measured = measured_assignment_bytes.load();
  const std::string value(static_cast<size_t>(measured > 0 ? measured : kDefaultAssignmentBytes),
                          'v');
  for (auto _ : state) {
    if (fixture == nullptr) {
      std::lock_guard<std::mutex> lock(fixture_mutex);
      fixture = current_raw;
      if (fixture == nullptr) {
        state.SkipWithError("cannot set up the database");
        break;
      }
    }
    const std::string key = absl::StrCat("k", fixture->next_key.fetch_add(1));
    // Through RocksDB directly: concurrent writers are group-committed by RocksDB itself.
    if (!fixture->db->raw()
             .Put(fixture->db->write_options(), fixture->db->handle(ColumnFamily::kLeads), key,
                  value)
             .ok()) {
      state.SkipWithError("put failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["bytes_per_put"] = static_cast<double>(value.size());
    std::lock_guard<std::mutex> lock(fixture_mutex);
    if (current_raw != nullptr) {
      (void)current_raw->db->Close();
      std::filesystem::remove_all(current_raw->path);
      current_raw.reset();
    }
  }
}

// Arg 0: durability (0 sync, 1 async).
BENCHMARK(BM_AssignCommit)
    ->ArgName("async")
    ->Arg(0)
    ->Arg(1)
    ->Threads(1)
    ->Threads(32)
    ->UseRealTime();
BENCHMARK(BM_RawPut)->ArgName("async")->Arg(0)->Arg(1)->Threads(1)->Threads(32)->UseRealTime();

}  // namespace
}  // namespace leadrouter::storage

BENCHMARK_MAIN();
