// What the server's first decision after an outcome pays to recompute the rep performance figures
// (server/roster/rep_performance_tracker.h): the tallies of every span in the window and the
// shrunk figures of 10,000 reps in 50 teams (docs/performance.md, "Rep performance").
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsl/decision/performance_ledger.h"
#include "dsl/decision/rep_performance.h"

namespace leadrouter::dsl {
namespace {

constexpr int kReps = 10'000;
constexpr int kTeams = 50;
constexpr int64_t kMinuteUs = int64_t{60} * 1'000'000;

// `spans` leads over the last `spans` minutes, each contacted and half of them closed.
PerformanceLedger LedgerOf(int64_t spans) {
  PerformanceLedger ledger;
  for (int64_t i = 0; i < spans; ++i) {
    const std::string lead = absl::StrCat("leads/", i);
    const int64_t start = i * kMinuteUs;
    ledger.Assigned(lead, absl::StrCat("rep", i % kReps), start, start + 60 * kMinuteUs);
    ledger.FirstContact(lead, absl::StrCat("rep", i % kReps), start + (i % 120) * kMinuteUs,
                        i % 120 < 60);
    if (i % 2 == 0) ledger.Closed(lead, i % 6 == 0);
  }
  return ledger;
}

void BM_RecomputeFigures(benchmark::State& state) {
  const int64_t spans = state.range(0);
  const PerformanceLedger ledger = LedgerOf(spans);
  std::vector<std::string> ids;
  std::vector<std::string> teams;
  for (int r = 0; r < kReps; ++r) {
    ids.push_back(absl::StrCat("rep", r));
    teams.push_back(absl::StrCat("team", r % kTeams));
  }
  const int64_t now = spans * kMinuteUs;
  const int64_t window = (spans + 1) * kMinuteUs;
  for (auto _ : state) {
    const auto tallies = ledger.TalliesAt(now, window);
    std::vector<RepOutcomes> reps;
    reps.reserve(kReps);
    for (int r = 0; r < kReps; ++r) {
      const auto it = tallies.find(ids[r]);
      reps.push_back({teams[r], it == tallies.end() ? nullptr : &it->second});
    }
    benchmark::DoNotOptimize(PerformanceOf(reps, kDefaultPerformancePrior));
  }
  state.counters["spans"] = static_cast<double>(spans);
}
BENCHMARK(BM_RecomputeFigures)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace leadrouter::dsl

BENCHMARK_MAIN();
