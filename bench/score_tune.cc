// Chooses score::TrainParams without looking at the held-out leads: 5-fold cross-validation inside
// the training part (80%, stratified, seed 42) of the X Education leads, over a small grid, then
// the held-out figures of the best setting, once. The defaults in dsl/score/model.h come from here
// (docs/scoring.md, "How the parameters were chosen").
//
//   build/bench/score_tune [--quick] [--test-ids FILE]
//
// --test-ids: hold out these leads (Prospect IDs, one a line: bench/anchors/anchor_split.py prints
// the anchors' split) instead of leadrouter's own split.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "dsl/data/lead_mapping.h"
#include "dsl/data/score_data.h"
#include "dsl/score/train.h"

namespace leadrouter::dsl {
namespace {

int Run(bool quick, const std::string& test_ids) {
  const std::string root = LEADROUTER_SOURCE_DIR;
  auto leads = ReadLeadsWithMapping(root + "/examples/data/leads-x-education.csv",
                                    root + "/examples/x-education.scoring.mapping.toml",
                                    absl::UTCTimeZone());
  if (!leads.ok()) {
    std::cerr << "score_tune: " << leads.status() << '\n';
    return 2;
  }
  auto examples = ScoreExamplesFromLeads(*leads, "converted", "leads-x-education.csv");
  if (!examples.ok()) {
    std::cerr << "score_tune: " << examples.status() << '\n';
    return 2;
  }
  const std::vector<score::Example>& data = examples->examples;
  const score::TrainOptions defaults;
  score::Split split = score::SplitExamples(data, defaults.holdout_fraction, defaults.seed);
  if (!test_ids.empty()) {
    std::ifstream in(test_ids);
    std::set<std::string> ids;
    for (std::string line; std::getline(in, line);) ids.insert(line);
    split = {};
    split.method = "given";
    for (size_t i = 0; i < data.size(); ++i) {
      bool held_out = false;
      for (const Attribute& a : data[i].attributes) {
        if (a.name == "id") held_out = ids.count(std::get<std::string>(a.value)) > 0;
      }
      (held_out ? split.test : split.train).push_back(i);
    }
    std::cout << "given split: train " << split.train.size() << ", test " << split.test.size()
              << '\n';
  }

  struct Setting {
    score::TrainOptions options;
    std::string name;
  };
  std::vector<Setting> grid;
  for (const auto encoding :
       {score::CategoricalEncoding::kNative, score::CategoricalEncoding::kOneHot}) {
    for (const int depth : {3, 4, 5}) {
      for (const auto& [eta, rounds] : {std::pair{0.05, 300}, std::pair{0.03, 500}}) {
        for (const double mcw : {1.0, 3.0}) {
          score::TrainOptions o;
          o.features.encoding = encoding;
          o.params.max_depth = depth;
          o.params.eta = eta;
          o.params.rounds = rounds;
          o.params.min_child_weight = mcw;
          grid.push_back({o, absl::StrFormat("%s depth %d eta %.2f rounds %d mcw %.0f",
                                             score::CategoricalEncodingName(encoding), depth, eta,
                                             rounds, mcw)});
        }
      }
    }
  }
  if (quick) grid.resize(2);
  double best_auc = 0;
  size_t best = 0;
  for (size_t g = 0; g < grid.size(); ++g) {
    const absl::Time start = absl::Now();
    auto auc = score::CrossValidatedAuc(data, split.train, "converted", grid[g].options, 5);
    if (!auc.ok()) {
      std::cerr << "score_tune: " << auc.status() << '\n';
      return 2;
    }
    std::cout << absl::StrFormat("%-60s CV AUC %.4f  (%.1f s)\n", grid[g].name, *auc,
                                 absl::ToDoubleSeconds(absl::Now() - start))
              << std::flush;
    if (*auc > best_auc) {
      best_auc = *auc;
      best = g;
    }
  }
  std::cout << "best by cross-validation: " << grid[best].name << '\n';
  auto model = score::TrainOnSplit(data, split, "converted", grid[best].options);
  if (!model.ok()) {
    std::cerr << "score_tune: " << model.status() << '\n';
    return 2;
  }
  std::cout << score::FormatMetrics(model->info().holdout);
  return 0;
}

}  // namespace
}  // namespace leadrouter::dsl

int main(int argc, char** argv) {
  bool quick = false;
  std::string test_ids;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    if (std::strcmp(argv[i], "--test-ids") == 0 && i + 1 < argc) test_ids = argv[++i];
  }
  return leadrouter::dsl::Run(quick, test_ids);
}
