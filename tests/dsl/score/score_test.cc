// Lead scoring (dsl/score/): a planted signal is recovered and noise is not, contributions name the
// feature that matters, rare categories are grouped, training is deterministic for a seed and
// across save and load, the regularising parameters reach XGBoost (a monotone field only raises
// the score) and older models still load, too little data is refused, and the metrics are right on
// small cases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dsl/score/features.h"
#include "dsl/score/metrics.h"
#include "dsl/score/model.h"
#include "dsl/score/train.h"
#include "nlohmann/json.hpp"
#include "status_matchers.h"

namespace leadrouter::dsl::score {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// `count` leads: `signal` (uniform 0..1) and `channel` (web converts more than phone, "fax" is
// rare) drive the outcome when `planted`; `noise` never does. Arrival times ascend.
std::vector<Example> Synthetic(size_t count, bool planted, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<Example> examples;
  for (size_t i = 0; i < count; ++i) {
    const double signal = uniform(rng);
    const double noise = uniform(rng);
    const double pick = uniform(rng);
    const std::string channel = pick < 0.01 ? "fax" : pick < 0.5 ? "web" : "phone";
    const double log_odds = planted ? 6 * (signal - 0.5) + (channel == "web" ? 1.0 : -1.0) : 0;
    Example e;
    e.converted = uniform(rng) < 1 / (1 + std::exp(-log_odds));
    e.attributes = {{"id", std::string("lead-") + std::to_string(i)},
                    {"signal", signal},
                    {"noise", noise},
                    {"channel", channel}};
    if (i % 7 == 0) e.attributes.push_back({"signal", std::monostate{}});  // missing now and then
    examples.push_back(std::move(e));
  }
  return examples;
}

TEST(ScoreTrainTest, RecoversAPlantedSignal) {
  absl::StatusOr<Model> model = Train(Synthetic(3000, true, 1), "converted", TrainOptions{});
  ASSERT_OK(model);
  EXPECT_GT(model->info().holdout.roc_auc, 0.80);
  EXPECT_EQ(model->info().split, "stratified");
  EXPECT_EQ(model->info().holdout.count, 600u);
  EXPECT_EQ(model->info().train_count, 2400u);
}

TEST(ScoreTrainTest, FindsNothingInNoise) {
  absl::StatusOr<Model> model = Train(Synthetic(3000, false, 2), "converted", TrainOptions{});
  ASSERT_OK(model);
  EXPECT_NEAR(model->info().holdout.roc_auc, 0.5, 0.07);
}

TEST(ScoreTrainTest, ExplainsAScoreByItsFeatures) {
  absl::StatusOr<Model> model = Train(Synthetic(3000, true, 3), "converted", TrainOptions{});
  ASSERT_OK(model);
  const std::vector<Attribute> hot = {{"signal", 0.97}, {"noise", 0.5}, {"channel", "web"}};
  absl::StatusOr<ScoreExplanation> why = model->Explain(hot);
  ASSERT_OK(why);
  ASSERT_EQ(why->contributions.size(), 3u);  // id is excluded by default
  EXPECT_EQ(why->contributions[0].feature, "signal");
  EXPECT_EQ(why->contributions[0].value, "0.97");
  EXPECT_GT(why->contributions[0].log_odds, 0);
  absl::StatusOr<double> score = model->Predict(hot);
  ASSERT_OK(score);
  EXPECT_EQ(why->score, *score);
  EXPECT_GT(*score, 0.8);
  // The contributions and the bias add up to the score's log-odds.
  double margin = why->bias;
  for (const Contribution& c : why->contributions) margin += c.log_odds;
  EXPECT_NEAR(1 / (1 + std::exp(-margin)), *score, 1e-4);

  absl::StatusOr<ScoreExplanation> unknown =
      model->Explain({{"channel", "carrier pigeon"}, {"signal", "high"}});
  ASSERT_OK(unknown);
  for (const Contribution& c : unknown->contributions) {
    // signal arrives as text in a numeric feature: missing, like noise.
    EXPECT_EQ(c.value, c.feature == "channel" ? "other" : "missing") << c.feature;
  }
}

TEST(ScoreFeaturesTest, GroupsRareCategoriesAndSkipsTheLabelAndExcludedFields) {
  const std::vector<Example> examples = Synthetic(1000, true, 4);
  std::vector<const std::vector<Attribute>*> leads;
  for (const Example& e : examples) leads.push_back(&e.attributes);
  FeatureOptions options;
  options.encoding = CategoricalEncoding::kNative;
  options.exclude.push_back("noise");
  absl::StatusOr<FeatureSpec> spec = FitFeatures(leads, "signal", options);
  ASSERT_OK(spec);
  ASSERT_EQ(spec->features().size(), 1u);  // channel: not id (excluded), signal (label), noise
  const Feature& channel = spec->features()[0];
  EXPECT_EQ(channel.field, "channel");
  EXPECT_EQ(channel.kind, FeatureKind::kCategorical);
  // fax is in about 1% of the leads, under 20: it is "other".
  EXPECT_THAT(channel.categories, ElementsAre("phone", "web"));

  float code = 0;
  spec->Encode({{"channel", "fax"}}, &code);
  EXPECT_EQ(code, 2.0f);  // other
  spec->Encode({{"channel", "web"}}, &code);
  EXPECT_EQ(code, 1.0f);
  spec->Encode({}, &code);
  EXPECT_TRUE(std::isnan(code));

  options.exclude = {"id", "signal", "noise", "channel"};
  EXPECT_THAT(FitFeatures(leads, "converted", options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no lead field to learn")));
}

TEST(ScoreFeaturesTest, OneHotHasAColumnPerCategoryAndOther) {
  const std::vector<Example> examples = Synthetic(1000, true, 5);
  std::vector<const std::vector<Attribute>*> leads;
  for (const Example& e : examples) leads.push_back(&e.attributes);
  FeatureOptions options;
  options.encoding = CategoricalEncoding::kOneHot;
  absl::StatusOr<FeatureSpec> spec = FitFeatures(leads, "converted", options);
  ASSERT_OK(spec);
  EXPECT_THAT(spec->column_names(),
              ElementsAre("channel=phone", "channel=web", "channel=other", "noise", "signal"));
  std::vector<float> row(spec->column_count());
  spec->Encode({{"channel", "web"}, {"noise", 0.25}}, row.data());
  EXPECT_EQ(row[0], 0.0f);
  EXPECT_EQ(row[1], 1.0f);
  EXPECT_EQ(row[2], 0.0f);
  EXPECT_EQ(row[3], 0.25f);
  EXPECT_TRUE(std::isnan(row[4]));
}

TEST(ScoreTrainTest, TheRegularisingParametersReachXGBoostAndAreStored) {
  const std::vector<Example> examples = Synthetic(2000, true, 12);
  TrainOptions options;
  options.params.rounds = 20;
  TrainOptions tuned = options;
  tuned.params.parallel_trees = 3;
  tuned.params.colsample_bylevel = 0.5;
  tuned.params.gamma = 0.5;
  tuned.params.max_delta_step = 1;
  absl::StatusOr<Model> plain = Train(examples, "converted", options);
  absl::StatusOr<Model> model = Train(examples, "converted", tuned);
  ASSERT_OK(plain);
  ASSERT_OK(model);
  absl::StatusOr<std::string> plain_bytes = plain->ToBytes();
  absl::StatusOr<std::string> bytes = model->ToBytes();
  ASSERT_OK(plain_bytes);
  ASSERT_OK(bytes);
  EXPECT_NE(*bytes, *plain_bytes);
  // Three trees a round: the model is larger, still one booster.
  EXPECT_GT(bytes->size(), 2 * plain_bytes->size());

  absl::StatusOr<Model> loaded = Model::FromBytes(*bytes);
  ASSERT_OK(loaded);
  const TrainParams& p = loaded->info().params;
  EXPECT_EQ(p.parallel_trees, 3);
  EXPECT_EQ(p.colsample_bylevel, 0.5);
  EXPECT_EQ(p.gamma, 0.5);
  EXPECT_EQ(p.max_delta_step, 1);

  // The trees of a round are averaged, and SHAP still adds up to the score exactly.
  const std::vector<Attribute> lead = {{"signal", 0.8}, {"noise", 0.1}, {"channel", "phone"}};
  absl::StatusOr<ScoreExplanation> why = loaded->Explain(lead);
  ASSERT_OK(why);
  double margin = why->bias;
  for (const Contribution& c : why->contributions) margin += c.log_odds;
  EXPECT_NEAR(1 / (1 + std::exp(-margin)), why->score, 1e-5);
}

TEST(ScoreTrainTest, AMonotoneFieldOnlyRaisesTheScore) {
  const std::vector<Example> examples = Synthetic(2000, true, 14);
  TrainOptions options;
  options.params.rounds = 50;
  options.params.monotone = {{"signal", 1}};
  absl::StatusOr<Model> model = Train(examples, "converted", options);
  ASSERT_OK(model);
  double previous = 0;
  for (double signal = 0; signal <= 1.0; signal += 0.01) {
    absl::StatusOr<double> score =
        model->Predict({{"signal", signal}, {"noise", 0.3}, {"channel", "web"}});
    ASSERT_OK(score);
    EXPECT_GE(*score, previous) << "signal " << signal;
    previous = *score;
  }
  absl::StatusOr<Model> loaded = Model::FromBytes(*model->ToBytes());
  ASSERT_OK(loaded);
  EXPECT_EQ(loaded->info().params.monotone, (std::map<std::string, int>{{"signal", 1}}));

  options.params.monotone = {{"channel", 1}};
  EXPECT_THAT(Train(examples, "converted", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("monotone: field \"channel\" is not a numeric feature")));
  options.params.monotone = {{"signal", 2}};
  EXPECT_THAT(Train(examples, "converted", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("monotone: field \"signal\" has direction 2")));
}

TEST(ScoreModelTest, LoadsAModelSavedBeforeTheRegularisingParameters) {
  TrainOptions options;
  options.params.rounds = 5;
  absl::StatusOr<Model> model = Train(Synthetic(400, true, 13), "converted", options);
  ASSERT_OK(model);
  absl::StatusOr<std::string> bytes = model->ToBytes();
  ASSERT_OK(bytes);
  // Rewrite the metadata as an older build wrote it: without the five later parameters.
  const std::vector<std::string> header = absl::StrSplit(bytes->substr(0, bytes->find('\n')), ' ');
  ASSERT_EQ(header.size(), 4u);
  const size_t metadata_size = std::stoul(header[2]);
  const std::string body = bytes->substr(bytes->find('\n') + 1);
  nlohmann::json metadata = nlohmann::json::parse(body.substr(0, metadata_size));
  for (const char* key :
       {"colsample_bylevel", "gamma", "max_delta_step", "parallel_trees", "monotone"}) {
    ASSERT_EQ(metadata["params"].erase(key), 1u) << key;
  }
  const std::string old_metadata = metadata.dump();
  const std::string old = absl::StrCat(header[0], " ", header[1], " ", old_metadata.size(), " ",
                                       header[3], "\n", old_metadata, body.substr(metadata_size));
  absl::StatusOr<Model> loaded = Model::FromBytes(old);
  ASSERT_OK(loaded);
  const TrainParams& p = loaded->info().params;
  EXPECT_EQ(p.parallel_trees, 1);
  EXPECT_EQ(p.colsample_bylevel, 1);
  EXPECT_EQ(p.gamma, 0);
  EXPECT_EQ(p.max_delta_step, 0);
  EXPECT_TRUE(p.monotone.empty());
  absl::StatusOr<std::string> again = loaded->ToBytes();
  ASSERT_OK(again);
  EXPECT_EQ(*again, *bytes);  // the defaults were what the older model was trained with
}

class ScoreEncodingTest : public ::testing::TestWithParam<CategoricalEncoding> {};

TEST_P(ScoreEncodingTest, IsDeterministicForASeedAndAcrossSaveAndLoad) {
  const std::vector<Example> examples = Synthetic(2000, true, 6);
  TrainOptions options;
  options.features.encoding = GetParam();
  options.params.rounds = 50;
  absl::StatusOr<Model> first = Train(examples, "converted", options);
  absl::StatusOr<Model> second = Train(examples, "converted", options);
  ASSERT_OK(first);
  ASSERT_OK(second);
  absl::StatusOr<std::string> first_bytes = first->ToBytes();
  absl::StatusOr<std::string> second_bytes = second->ToBytes();
  ASSERT_OK(first_bytes);
  ASSERT_OK(second_bytes);
  EXPECT_EQ(*first_bytes, *second_bytes);

  absl::StatusOr<Model> loaded = Model::FromBytes(*first_bytes);
  ASSERT_OK(loaded);
  std::vector<const std::vector<Attribute>*> leads;
  for (const Example& e : examples) leads.push_back(&e.attributes);
  absl::StatusOr<std::vector<double>> before = first->Predict(leads);
  absl::StatusOr<std::vector<double>> after = loaded->Predict(leads);
  ASSERT_OK(before);
  ASSERT_OK(after);
  EXPECT_EQ(*before, *after);  // bit for bit
  EXPECT_EQ(loaded->info().holdout.roc_auc, first->info().holdout.roc_auc);
  EXPECT_EQ(loaded->features().column_names(), first->features().column_names());
  absl::StatusOr<std::string> again = loaded->ToBytes();
  ASSERT_OK(again);
  EXPECT_EQ(*again, *first_bytes);

  options.seed = 7;
  absl::StatusOr<Model> other_seed = Train(examples, "converted", options);
  ASSERT_OK(other_seed);
  absl::StatusOr<std::string> other_bytes = other_seed->ToBytes();
  ASSERT_OK(other_bytes);
  EXPECT_NE(*other_bytes, *first_bytes);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ScoreEncodingTest,
                         ::testing::Values(CategoricalEncoding::kNative,
                                           CategoricalEncoding::kOneHot));

TEST(ScoreTrainTest, RefusesTooLittleData) {
  EXPECT_THAT(Train(Synthetic(150, true, 8), "converted", TrainOptions{}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::MatchesRegex(
                           "150 closed leads \\([0-9]+ converted, [0-9]+ not\\): training needs "
                           "at least 200 closed leads and 40 of each outcome")));
  std::vector<Example> one_sided = Synthetic(500, true, 9);
  for (size_t i = 0; i < one_sided.size(); ++i) one_sided[i].converted = i < 30;
  EXPECT_THAT(Train(one_sided, "converted", TrainOptions{}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("500 closed leads (30 converted, 470 not)")));
  TrainOptions lenient;
  lenient.minimums = {100, 10};
  lenient.params.rounds = 10;
  EXPECT_OK(Train(one_sided, "converted", lenient));
}

TEST(ScoreTrainTest, HoldsOutTheMostRecentLeadsWhenArrivalTimesAreKnown) {
  std::vector<Example> examples = Synthetic(1000, true, 10);
  for (size_t i = 0; i < examples.size(); ++i) {
    examples[i].arrived = 1'700'000'000 + static_cast<int64_t>(examples.size() - i) * 60;
  }
  const Split split = SplitExamples(examples, 0.2, 42);
  EXPECT_EQ(split.method, "time");
  ASSERT_EQ(split.test.size(), 200u);
  EXPECT_EQ(split.test.front(), 0u);  // the first rows arrived last
  EXPECT_EQ(split.test.back(), 199u);
  TrainOptions options;
  options.params.rounds = 20;
  absl::StatusOr<Model> model = Train(examples, "converted", options);
  ASSERT_OK(model);
  EXPECT_EQ(model->info().split, "time");
  EXPECT_EQ(model->info().first_time, 1'700'000'000 + 1 * 60);
  EXPECT_EQ(model->info().last_time, 1'700'000'000 + 800 * 60);  // the training part's range
}

TEST(ScoreModelTest, RejectsBytesThatAreNotAModel) {
  EXPECT_THAT(Model::FromBytes("hello"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a score model")));
  EXPECT_THAT(Model::FromBytes("leadrouter-score-model 9 2 0\n{}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("format 9")));
  EXPECT_THAT(Model::FromBytes("leadrouter-score-model 1 2 5\n{}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("truncated")));
  EXPECT_THAT(Model::FromBytes("leadrouter-score-model 1 2 0\n{}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("metadata")));
  TrainOptions options;
  options.params.rounds = 5;
  absl::StatusOr<Model> model = Train(Synthetic(400, true, 11), "converted", options);
  ASSERT_OK(model);
  absl::StatusOr<std::string> bytes = model->ToBytes();
  ASSERT_OK(bytes);
  std::string broken = *bytes;
  broken[broken.size() - 40] ^= 0x55;  // inside the booster
  broken.resize(broken.size() - 10);
  EXPECT_THAT(Model::FromBytes(broken), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(ScoreMetricsTest, SmallCases) {
  const Metrics perfect = Evaluate({0.1, 0.2, 0.8, 0.9}, {false, false, true, true});
  EXPECT_EQ(perfect.roc_auc, 1.0);
  EXPECT_EQ(perfect.positives, 2u);
  EXPECT_EQ(perfect.base_rate, 0.5);
  EXPECT_NEAR(perfect.log_loss,
              -(std::log(0.9) + std::log(0.8) + std::log(0.8) + std::log(0.9)) / 4, 1e-12);
  EXPECT_EQ(Evaluate({0.9, 0.8, 0.2, 0.1}, {false, false, true, true}).roc_auc, 0.0);
  EXPECT_EQ(Evaluate({0.5, 0.5, 0.5, 0.5}, {false, true, false, true}).roc_auc, 0.5);
  // One tie between a positive and a negative counts half: 3.5 of 4 pairs.
  EXPECT_EQ(Evaluate({0.1, 0.4, 0.4, 0.9}, {false, false, true, true}).roc_auc, 0.875);

  std::vector<double> scores;
  std::vector<bool> labels;
  for (int i = 0; i < 100; ++i) {
    scores.push_back(i / 100.0);
    labels.push_back(i >= 90 || i % 10 == 0);  // top decile all converted
  }
  const Metrics m = Evaluate(scores, labels);
  ASSERT_EQ(m.deciles.size(), 10u);
  EXPECT_EQ(m.deciles[9].count, 10u);
  EXPECT_EQ(m.deciles[9].observed_rate, 1.0);
  EXPECT_EQ(m.deciles[0].observed_rate, 0.1);
  EXPECT_NEAR(m.deciles[0].mean_predicted, 0.045, 1e-12);
  EXPECT_NEAR(m.top_decile_lift, 1.0 / m.base_rate, 1e-12);
  EXPECT_THAT(FormatMetrics(m), HasSubstr("ROC AUC"));
}

}  // namespace
}  // namespace leadrouter::dsl::score
