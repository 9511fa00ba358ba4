#include "dsl/score/train.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "dsl/base/status_macros.h"
#include "dsl/score/internal/model_booster.h"
#include "dsl/score/internal/xgb.h"

namespace leadrouter::dsl::score {
namespace {

// Fisher-Yates with mt19937_64, whose output the standard fixes: std::shuffle's use of the
// generator is the library's choice, and a split must not change with the compiler.
void Shuffle(std::vector<size_t>& items, std::mt19937_64& rng) {
  for (size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[static_cast<size_t>(rng() % i)]);
  }
}

std::string Number(double value) { return absl::StrFormat("%.17g", value); }

// XGBoost's monotone_constraints, "(0,1,0,...)" a column each, from TrainParams::monotone.
absl::StatusOr<std::string> MonotoneConstraints(const FeatureSpec& spec,
                                                const std::map<std::string, int>& monotone) {
  std::vector<int> directions(spec.column_count(), 0);
  for (const auto& [field, direction] : monotone) {
    if (direction != 1 && direction != -1) {
      return absl::InvalidArgumentError(absl::StrCat("monotone: field \"", field,
                                                     "\" has direction ", direction,
                                                     ", not 1 (rises) or -1 (falls)"));
    }
    const std::vector<Feature>& features = spec.features();
    const std::string& name = field;  // clang 14 cannot capture a structured binding
    const auto it = std::find_if(features.begin(), features.end(),
                                 [&](const Feature& f) { return f.field == name; });
    if (it == features.end() || it->kind != FeatureKind::kNumeric) {
      return absl::InvalidArgumentError(
          absl::StrCat("monotone: field \"", field, "\" is not a numeric feature of these leads"));
    }
    for (size_t c = 0; c < spec.column_count(); ++c) {
      if (spec.feature_of_column(c) == static_cast<size_t>(it - features.begin())) {
        directions[c] = direction;
      }
    }
  }
  return absl::StrCat("(", absl::StrJoin(directions, ","), ")");
}

absl::Status SetParams(internal::Booster& booster, const TrainParams& p, uint64_t seed,
                       const FeatureSpec& spec) {
  const bool categorical = std::find(spec.column_types().begin(), spec.column_types().end(), "c") !=
                           spec.column_types().end();
  const std::pair<std::string, std::string> params[] = {
      {"objective", "binary:logistic"},
      {"eval_metric", "logloss"},
      {"tree_method", "hist"},
      {"eta", Number(p.eta)},
      {"max_depth", absl::StrCat(p.max_depth)},
      {"min_child_weight", Number(p.min_child_weight)},
      {"subsample", Number(p.subsample)},
      {"colsample_bytree", Number(p.colsample_bytree)},
      {"colsample_bylevel", Number(p.colsample_bylevel)},
      {"lambda", Number(p.lambda)},
      {"gamma", Number(p.gamma)},
      {"max_delta_step", Number(p.max_delta_step)},
      {"num_parallel_tree", absl::StrCat(p.parallel_trees)},
      {"nthread", absl::StrCat(p.nthread)},
      // XGBoost's seed is an int; fold the high bits in so that every seed still counts.
      {"seed", absl::StrCat(static_cast<int32_t>(seed ^ (seed >> 32)) & 0x7fffffff)},
      {"verbosity", "0"},
  };
  for (const auto& [name, value] : params) RETURN_IF_ERROR(booster.SetParam(name, value));
  if (!p.monotone.empty()) {
    ASSIGN_OR_RETURN(const std::string constraints, MonotoneConstraints(spec, p.monotone));
    RETURN_IF_ERROR(booster.SetParam("monotone_constraints", constraints));
  }
  // Needed only when some column is typed "c"; harmless otherwise, but keep the model's config
  // minimal.
  if (categorical) RETURN_IF_ERROR(booster.SetParam("max_cat_to_onehot", "1"));
  return absl::OkStatus();
}

std::vector<const std::vector<Attribute>*> LeadsOf(const std::vector<Example>& examples,
                                                   const std::vector<size_t>& rows) {
  std::vector<const std::vector<Attribute>*> leads;
  leads.reserve(rows.size());
  for (size_t i : rows) leads.push_back(&examples[i].attributes);
  return leads;
}

std::vector<size_t> AllRows(size_t count) {
  std::vector<size_t> rows(count);
  std::iota(rows.begin(), rows.end(), 0);
  return rows;
}

}  // namespace

absl::Status CheckEnoughData(const std::vector<Example>& examples, const Minimums& minimums) {
  const size_t converted = static_cast<size_t>(std::count_if(
      examples.begin(), examples.end(), [](const Example& e) { return e.converted; }));
  const size_t lost = examples.size() - converted;
  if (examples.size() >= minimums.closed && converted >= minimums.each_outcome &&
      lost >= minimums.each_outcome) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrFormat(
      "%d closed leads (%d converted, %d not): training needs at least %d closed leads and %d of "
      "each outcome",
      examples.size(), converted, lost, minimums.closed, minimums.each_outcome));
}

Split SplitExamples(const std::vector<Example>& examples, double fraction, uint64_t seed) {
  Split split;
  const bool timed =
      !examples.empty() && std::all_of(examples.begin(), examples.end(),
                                       [](const Example& e) { return e.arrived.has_value(); });
  if (timed) {
    split.method = "time";
    std::vector<size_t> order = AllRows(examples.size());
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return *examples[a].arrived < *examples[b].arrived;
    });
    const size_t test = static_cast<size_t>(std::llround(fraction * order.size()));
    split.train.assign(order.begin(), order.end() - static_cast<ptrdiff_t>(test));
    split.test.assign(order.end() - static_cast<ptrdiff_t>(test), order.end());
  } else {
    split.method = "stratified";
    std::mt19937_64 rng(seed);
    for (const bool outcome : {false, true}) {
      std::vector<size_t> rows;
      for (size_t i = 0; i < examples.size(); ++i) {
        if (examples[i].converted == outcome) rows.push_back(i);
      }
      Shuffle(rows, rng);
      const size_t test = static_cast<size_t>(std::llround(fraction * rows.size()));
      split.test.insert(split.test.end(), rows.begin(),
                        rows.begin() + static_cast<ptrdiff_t>(test));
      split.train.insert(split.train.end(), rows.begin() + static_cast<ptrdiff_t>(test),
                         rows.end());
    }
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

absl::StatusOr<Model> Fit(const std::vector<Example>& examples, const std::vector<size_t>& train,
                          std::string_view label, const TrainOptions& options) {
  const std::vector<size_t> rows = train.empty() ? AllRows(examples.size()) : train;
  const std::vector<const std::vector<Attribute>*> leads = LeadsOf(examples, rows);
  ASSIGN_OR_RETURN(FeatureSpec spec, FitFeatures(leads, label, options.features));

  const size_t columns = spec.column_count();
  std::vector<float> values(rows.size() * columns);
  std::vector<float> labels(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    spec.Encode(*leads[i], values.data() + i * columns);
    labels[i] = examples[rows[i]].converted ? 1.0f : 0.0f;
  }
  ASSIGN_OR_RETURN(internal::DMatrix matrix,
                   internal::DMatrix::FromDense(values, rows.size(), columns, spec.column_types()));
  RETURN_IF_ERROR(matrix.SetLabels(labels));
  ASSIGN_OR_RETURN(internal::Booster booster, internal::Booster::Create(matrix));
  RETURN_IF_ERROR(SetParams(booster, options.params, options.seed, spec));
  for (int round = 0; round < options.params.rounds; ++round) {
    RETURN_IF_ERROR(booster.UpdateOneIter(round, matrix));
  }

  ModelInfo info;
  info.label = std::string(label);
  info.seed = options.seed;
  info.params = options.params;
  info.train_count = rows.size();
  for (size_t i : rows) {
    const Example& e = examples[i];
    if (e.converted) ++info.train_positives;
    if (e.arrived) {
      info.first_time = std::min(info.first_time.value_or(*e.arrived), *e.arrived);
      info.last_time = std::max(info.last_time.value_or(*e.arrived), *e.arrived);
    }
  }
  return Model(std::move(spec), std::move(info),
               std::make_unique<Model::Booster>(std::move(booster)));
}

absl::StatusOr<Model> Train(const std::vector<Example>& examples, std::string_view label,
                            const TrainOptions& options) {
  RETURN_IF_ERROR(CheckEnoughData(examples, options.minimums));
  return TrainOnSplit(examples, SplitExamples(examples, options.holdout_fraction, options.seed),
                      label, options);
}

absl::StatusOr<Model> TrainOnSplit(const std::vector<Example>& examples, const Split& split,
                                   std::string_view label, const TrainOptions& options) {
  ASSIGN_OR_RETURN(Model model, Fit(examples, split.train, label, options));
  ModelInfo info = model.info();
  info.split = split.method;
  ASSIGN_OR_RETURN(info.holdout, EvaluateOn(model, examples, split.test));
  return std::move(model).WithInfo(std::move(info));
}

absl::StatusOr<Metrics> EvaluateOn(const Model& model, const std::vector<Example>& examples,
                                   const std::vector<size_t>& rows) {
  ASSIGN_OR_RETURN(const std::vector<double> scores, model.Predict(LeadsOf(examples, rows)));
  std::vector<bool> outcomes;
  outcomes.reserve(rows.size());
  for (size_t i : rows) outcomes.push_back(examples[i].converted);
  return Evaluate(scores, outcomes);
}

absl::StatusOr<double> CrossValidatedAuc(const std::vector<Example>& examples,
                                         const std::vector<size_t>& rows, std::string_view label,
                                         const TrainOptions& options, int folds) {
  // Stratified folds: each outcome's rows shuffled with the seed and dealt round-robin.
  std::mt19937_64 rng(options.seed);
  std::vector<int> fold_of(examples.size(), -1);
  for (const bool outcome : {false, true}) {
    std::vector<size_t> group;
    for (size_t i : rows) {
      if (examples[i].converted == outcome) group.push_back(i);
    }
    Shuffle(group, rng);
    for (size_t k = 0; k < group.size(); ++k) fold_of[group[k]] = static_cast<int>(k % folds);
  }
  double sum = 0;
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<size_t> train;
    std::vector<size_t> test;
    for (size_t i : rows) (fold_of[i] == fold ? test : train).push_back(i);
    ASSIGN_OR_RETURN(Model model, Fit(examples, train, label, options));
    ASSIGN_OR_RETURN(std::vector<double> scores, model.Predict(LeadsOf(examples, test)));
    std::vector<bool> outcomes;
    for (size_t i : test) outcomes.push_back(examples[i].converted);
    sum += Evaluate(scores, outcomes).roc_auc;
  }
  return sum / folds;
}

}  // namespace leadrouter::dsl::score
