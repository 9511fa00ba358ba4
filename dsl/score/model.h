// A trained score model: the features it reads (with their training vocabulary), how it was
// trained and how it did on held-out leads, and XGBoost's booster. It scores a lead (the
// probability that it converts) and explains a score (each feature's SHAP contribution).
//
// Bytes (ToBytes / FromBytes) are one self-describing blob, the same in a file (dsl/data/) and in
// the server's store:
//   leadrouter-score-model 1 <metadata bytes> <booster bytes>\n<metadata JSON><booster UBJSON>
// so that scoring after a load, a restart or on another machine gives the same numbers bit for bit.
//
// Thread-safe: scoring calls from many threads are serialised on the booster (XGBoost's handle is
// not safe for concurrent use). Movable, not copyable; the server shares one as
// shared_ptr<const Model>.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"
#include "dsl/score/features.h"
#include "dsl/score/metrics.h"

namespace leadrouter::dsl::score {

// XGBoost's training parameters. Defaults: the best of a small grid by 5-fold cross-validation
// inside the training part of the X Education split (bench/score_tune.cc; docs/scoring.md); the
// fields from colsample_bylevel on cross-validated as ties and stay at XGBoost's own defaults.
struct TrainParams {
  int rounds = 500;             // trees
  double eta = 0.03;            // learning rate
  int max_depth = 3;            // of a tree
  double min_child_weight = 3;  // hessian sum a leaf needs
  double subsample = 0.8;       // of the leads, per tree (XGBoost's RNG, seeded)
  double colsample_bytree = 0.8;
  double colsample_bylevel = 1;  // of the tree's columns, per depth level
  double lambda = 1;             // L2 on leaf weights
  double gamma = 0;              // loss reduction a split needs
  double max_delta_step = 0;     // cap on a leaf's weight; 0 = none
  // Trees grown per round on different subsamples and averaged (XGBoost's num_parallel_tree): a
  // bagged ensemble inside one booster, so Predict and Explain (SHAP adds up over trees) stay
  // exact. Scoring costs grow with rounds x parallel_trees.
  int parallel_trees = 1;
  // Numeric fields whose score may only rise (+1) or only fall (-1) as their value grows
  // (XGBoost's monotone_constraints): domain knowledge that keeps the trees from following noise
  // where leads are few. Train refuses a field that is not a numeric feature. Default: none.
  std::map<std::string, int> monotone;
  // 1: the same trees for a seed whatever the machine (more threads may add up differently).
  int nthread = 1;
};

// How a model came to be and how well it did, stored with it.
struct ModelInfo {
  std::string label;  // the lead field learned (true / 1 = converted)
  uint64_t seed = 0;
  TrainParams params;
  std::string split;  // "stratified" or "time" (the most recent leads held out)
  size_t train_count = 0;
  size_t train_positives = 0;
  Metrics holdout;  // on the held-out leads
  // The arrival times of the training leads, when they had them (Unix seconds).
  std::optional<int64_t> first_time;
  std::optional<int64_t> last_time;
};

// One feature's share of a score, in log-odds (SHAP): positive raises the score.
struct Contribution {
  std::string feature;  // the lead field
  std::string value;    // as the model saw it: the number, the category, "other" or "missing"
  double log_odds = 0;
};

struct ScoreExplanation {
  double score = 0;  // probability
  double bias = 0;   // log-odds of a lead with nothing known (the training base)
  // Every feature, largest |log_odds| first (ties by feature name).
  std::vector<Contribution> contributions;
};

class Model {
 public:
  // Used by Train; `booster` is an internal::Booster.
  class Booster;
  Model(FeatureSpec features, ModelInfo info, std::unique_ptr<Booster> booster);
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  // InvalidArgument naming what is wrong when `bytes` are not a model.
  [[nodiscard]] static absl::StatusOr<Model> FromBytes(std::string_view bytes);
  [[nodiscard]] absl::StatusOr<std::string> ToBytes() const;

  const FeatureSpec& features() const { return features_; }
  const ModelInfo& info() const { return info_; }
  // The same model with `info` (Train adds the held-out metrics after fitting).
  Model WithInfo(ModelInfo info) &&;

  // The probability that each lead converts. Internal only when XGBoost fails.
  [[nodiscard]] absl::StatusOr<std::vector<double>> Predict(
      const std::vector<const std::vector<Attribute>*>& leads) const;
  [[nodiscard]] absl::StatusOr<double> Predict(const std::vector<Attribute>& lead) const;
  [[nodiscard]] absl::StatusOr<ScoreExplanation> Explain(const std::vector<Attribute>& lead) const;

 private:
  FeatureSpec features_;
  ModelInfo info_;
  std::unique_ptr<Booster> booster_;
};

}  // namespace leadrouter::dsl::score
