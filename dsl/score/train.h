// Training a score model on leads whose outcome is known: enough data or a clear refusal, a
// held-out split, XGBoost's trees on the rest, the held-out metrics stored with the model.
//
// Deterministic: the same examples, options and seed give the same model, byte for byte (the
// split uses its own seeded generator; XGBoost runs on `params.nthread` threads with `seed`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"
#include "dsl/score/features.h"
#include "dsl/score/metrics.h"
#include "dsl/score/model.h"

namespace leadrouter::dsl::score {

// A closed lead: what was known about it, and whether it converted.
struct Example {
  std::vector<Attribute> attributes;
  bool converted = false;
  std::optional<int64_t> arrived;  // Unix seconds, when known
};

// The least data a model is trained on; below it Train refuses rather than fit noise. Defaults:
// 200 closed leads and 40 of each outcome (Dynamics 365 asks for 40 of each; 200 keeps the 20%
// held out large enough to measure).
struct Minimums {
  size_t closed = 200;
  size_t each_outcome = 40;
};

struct TrainOptions {
  FeatureOptions features;
  TrainParams params;
  Minimums minimums;
  uint64_t seed = 42;
  // The share of leads held out for the metrics. Default: 20%.
  double holdout_fraction = 0.2;
};

// FailedPrecondition "N closed leads (P converted, Q not): training needs at least ..." when
// `examples` are fewer than `minimums`.
[[nodiscard]] absl::Status CheckEnoughData(const std::vector<Example>& examples,
                                           const Minimums& minimums);

struct Split {
  std::vector<size_t> train;  // indexes into the examples, ascending
  std::vector<size_t> test;
  // "time" when every example has an arrival time: the most recent `fraction` held out, as a model
  // is used on leads that arrive after it was trained. Otherwise "stratified": `fraction` of the
  // converted and of the other leads, drawn with `seed`.
  std::string method;
};
Split SplitExamples(const std::vector<Example>& examples, double fraction, uint64_t seed);

// Fits features and trees on `examples[train]` (all of them when `train` is empty) without
// checks or metrics: the building block of Train and of cross-validation.
[[nodiscard]] absl::StatusOr<Model> Fit(const std::vector<Example>& examples,
                                        const std::vector<size_t>& train, std::string_view label,
                                        const TrainOptions& options);

// Fit on split.train, Evaluate on split.test (no minimums): Train's second half, and a way to
// measure on a split chosen elsewhere (the anchors' own, bench/score_bench.cc).
[[nodiscard]] absl::StatusOr<Model> TrainOnSplit(const std::vector<Example>& examples,
                                                 const Split& split, std::string_view label,
                                                 const TrainOptions& options);

// The metrics of `model` on `examples[rows]`: TrainOnSplit's held-out figures, and how a model
// trained earlier does on the leads a new training held out (the comparison before the scheduled
// training activates its model).
[[nodiscard]] absl::StatusOr<Metrics> EvaluateOn(const Model& model,
                                                 const std::vector<Example>& examples,
                                                 const std::vector<size_t>& rows);

// CheckEnoughData, SplitExamples, Fit on the training part, Evaluate on the held-out part; the
// model's info() has the metrics. The model is the one trained without the held-out leads, so
// that the metrics stored with it are its own.
[[nodiscard]] absl::StatusOr<Model> Train(const std::vector<Example>& examples,
                                          std::string_view label, const TrainOptions& options);

// The mean held-out ROC AUC of `folds`-fold stratified cross-validation over `examples[rows]`:
// for choosing parameters without looking at the test split.
[[nodiscard]] absl::StatusOr<double> CrossValidatedAuc(const std::vector<Example>& examples,
                                                       const std::vector<size_t>& rows,
                                                       std::string_view label,
                                                       const TrainOptions& options, int folds);

}  // namespace leadrouter::dsl::score
