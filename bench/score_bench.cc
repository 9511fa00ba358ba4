// Lead scoring on the X Education leads (examples/data/leads-x-education.csv through
// examples/x-education.scoring.mapping.toml). Before the timings it trains the default model and
// prints its held-out figures twice: on leadrouter's own 80/20 split (seed 42), and, when
// ANCHOR_TEST_IDS names a file of Prospect IDs (bench/anchors/anchor_split.py, which
// scripts/run-benchmarks.sh runs), on exactly the leads the anchors of bench/anchors/ held out.
//
//   BM_Train             one training (7,389 leads, the default parameters)
//   BM_PredictOne        one lead scored, as Assign would: items/s = leads/s
//   BM_PredictBatch      all 9,237 leads in one call: items/s = leads/s
//   BM_ExplainOne        one lead's score and contributions
//   BM_LoadModel         a model from its bytes (what a restart or an activation costs)
//
// Figures and the command that produced them: docs/performance.md, "Lead scoring".
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "dsl/data/lead_mapping.h"
#include "dsl/data/score_data.h"
#include "dsl/score/train.h"

namespace leadrouter::dsl::score {
namespace {

const std::vector<Example>& Examples() {
  static const std::vector<Example> examples = [] {
    const std::string root = LEADROUTER_SOURCE_DIR;
    auto leads = ReadLeadsWithMapping(root + "/examples/data/leads-x-education.csv",
                                      root + "/examples/x-education.scoring.mapping.toml",
                                      absl::UTCTimeZone());
    if (!leads.ok()) {
      std::cerr << "score_bench: " << leads.status() << '\n';
      std::exit(2);
    }
    auto read = ScoreExamplesFromLeads(*leads, "converted", "leads-x-education.csv");
    if (!read.ok()) {
      std::cerr << "score_bench: " << read.status() << '\n';
      std::exit(2);
    }
    return std::move(read->examples);
  }();
  return examples;
}

// Never destroyed: a booster freed by a static destructor at exit runs after XGBoost's own
// globals are gone (glibc reports a double free).
const Model& TheModel() {
  static const Model* const model = [] {
    auto trained = Train(Examples(), "converted", TrainOptions{});
    if (!trained.ok()) {
      std::cerr << "score_bench: " << trained.status() << '\n';
      std::exit(2);
    }
    return new Model(*std::move(trained));
  }();
  return *model;
}

void PrintFigures() {
  const Metrics& own = TheModel().info().holdout;
  std::cout << "leadrouter (XGBoost C API, one-hot, 500 trees depth 3, eta 0.03), own split: "
            << "held-out ROC AUC " << own.roc_auc << ", log loss " << own.log_loss << '\n';
  const char* ids_path = std::getenv("ANCHOR_TEST_IDS");
  if (ids_path == nullptr) return;
  std::ifstream in(ids_path);
  std::set<std::string> ids;
  for (std::string line; std::getline(in, line);) ids.insert(line);
  Split split;
  split.method = "anchors'";
  for (size_t i = 0; i < Examples().size(); ++i) {
    bool held_out = false;
    for (const Attribute& a : Examples()[i].attributes) {
      if (a.name == "id") held_out = ids.count(std::get<std::string>(a.value)) > 0;
    }
    (held_out ? split.test : split.train).push_back(i);
  }
  auto model = TrainOnSplit(Examples(), split, "converted", TrainOptions{});
  if (!model.ok()) {
    std::cerr << "score_bench: " << model.status() << '\n';
    std::exit(2);
  }
  const Metrics& m = model->info().holdout;
  std::cout << "leadrouter on the anchors' split (" << split.test.size()
            << " held out): held-out ROC AUC " << m.roc_auc << ", log loss " << m.log_loss << '\n';
}

void BM_Train(benchmark::State& state) {
  TrainOptions options;
  for (auto _ : state) benchmark::DoNotOptimize(Train(Examples(), "converted", options));
}
BENCHMARK(BM_Train)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_PredictOne(benchmark::State& state) {
  const Model& model = TheModel();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.Predict(Examples()[i].attributes));
    i = (i + 1) % Examples().size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_PredictOne)->Unit(benchmark::kMicrosecond);

void BM_PredictBatch(benchmark::State& state) {
  const Model& model = TheModel();
  std::vector<const std::vector<Attribute>*> leads;
  for (const Example& e : Examples()) leads.push_back(&e.attributes);
  for (auto _ : state) benchmark::DoNotOptimize(model.Predict(leads));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * leads.size()));
}
BENCHMARK(BM_PredictBatch)->Unit(benchmark::kMillisecond);

void BM_ExplainOne(benchmark::State& state) {
  const Model& model = TheModel();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.Explain(Examples()[i].attributes));
    i = (i + 1) % Examples().size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ExplainOne)->Unit(benchmark::kMicrosecond);

void BM_LoadModel(benchmark::State& state) {
  auto bytes = TheModel().ToBytes();
  if (!bytes.ok()) {
    state.SkipWithError("ToBytes failed");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(Model::FromBytes(*bytes));
  state.counters["bytes"] = static_cast<double>(bytes->size());
}
BENCHMARK(BM_LoadModel)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace leadrouter::dsl::score

int main(int argc, char** argv) {
  leadrouter::dsl::score::PrintFigures();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
