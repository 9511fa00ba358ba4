#include "dsl/score/model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "dsl/base/status_macros.h"
#include "dsl/base/text_util.h"
#include "dsl/score/internal/model_booster.h"
#include "dsl/score/internal/xgb.h"
#include "nlohmann/json.hpp"

namespace leadrouter::dsl::score {
namespace {

using nlohmann::json;

constexpr std::string_view kMagic = "leadrouter-score-model";
constexpr int kFormatVersion = 1;

json MetricsJson(const Metrics& m) {
  json deciles = json::array();
  for (const CalibrationBin& b : m.deciles) {
    deciles.push_back({{"count", b.count},
                       {"mean_predicted", b.mean_predicted},
                       {"observed_rate", b.observed_rate}});
  }
  return {{"count", m.count},         {"positives", m.positives},
          {"base_rate", m.base_rate}, {"roc_auc", m.roc_auc},
          {"log_loss", m.log_loss},   {"top_decile_lift", m.top_decile_lift},
          {"deciles", deciles}};
}

Metrics MetricsFromJson(const json& j) {
  Metrics m;
  m.count = j.at("count").get<size_t>();
  m.positives = j.at("positives").get<size_t>();
  m.base_rate = j.at("base_rate").get<double>();
  m.roc_auc = j.at("roc_auc").get<double>();
  m.log_loss = j.at("log_loss").get<double>();
  m.top_decile_lift = j.at("top_decile_lift").get<double>();
  for (const json& b : j.at("deciles")) {
    m.deciles.push_back({b.at("count").get<size_t>(), b.at("mean_predicted").get<double>(),
                         b.at("observed_rate").get<double>()});
  }
  return m;
}

json MetadataJson(const FeatureSpec& spec, const ModelInfo& info) {
  json features = json::array();
  for (const Feature& f : spec.features()) {
    json feature = {{"field", f.field}, {"kind", FeatureKindName(f.kind)}};
    if (f.kind == FeatureKind::kCategorical) feature["categories"] = f.categories;
    features.push_back(std::move(feature));
  }
  const TrainParams& p = info.params;
  json j = {{"features", features},
            {"categorical_encoding", CategoricalEncodingName(spec.encoding())},
            {"label", info.label},
            {"seed", info.seed},
            {"params",
             {{"rounds", p.rounds},
              {"eta", p.eta},
              {"max_depth", p.max_depth},
              {"min_child_weight", p.min_child_weight},
              {"subsample", p.subsample},
              {"colsample_bytree", p.colsample_bytree},
              {"colsample_bylevel", p.colsample_bylevel},
              {"lambda", p.lambda},
              {"gamma", p.gamma},
              {"max_delta_step", p.max_delta_step},
              {"parallel_trees", p.parallel_trees},
              {"monotone", p.monotone},
              {"nthread", p.nthread}}},
            {"split", info.split},
            {"train_count", info.train_count},
            {"train_positives", info.train_positives},
            {"holdout", MetricsJson(info.holdout)}};
  if (info.first_time) j["first_time"] = *info.first_time;
  if (info.last_time) j["last_time"] = *info.last_time;
  return j;
}

absl::StatusOr<std::pair<FeatureSpec, ModelInfo>> MetadataFromJson(const json& j) {
  std::vector<Feature> features;
  for (const json& f : j.at("features")) {
    Feature feature;
    feature.field = f.at("field").get<std::string>();
    const std::string kind = f.at("kind").get<std::string>();
    if (kind == FeatureKindName(FeatureKind::kNumeric)) {
      feature.kind = FeatureKind::kNumeric;
    } else if (kind == FeatureKindName(FeatureKind::kCategorical)) {
      feature.kind = FeatureKind::kCategorical;
      feature.categories = f.at("categories").get<std::vector<std::string>>();
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("feature \"", feature.field, "\": unknown kind \"", kind, "\""));
    }
    features.push_back(std::move(feature));
  }
  const std::string encoding = j.at("categorical_encoding").get<std::string>();
  CategoricalEncoding categorical = CategoricalEncoding::kNative;
  if (encoding == CategoricalEncodingName(CategoricalEncoding::kOneHot)) {
    categorical = CategoricalEncoding::kOneHot;
  } else if (encoding != CategoricalEncodingName(CategoricalEncoding::kNative)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown categorical_encoding \"", encoding, "\""));
  }
  ModelInfo info;
  info.label = j.at("label").get<std::string>();
  info.seed = j.at("seed").get<uint64_t>();
  const json& p = j.at("params");
  info.params.rounds = p.at("rounds").get<int>();
  info.params.eta = p.at("eta").get<double>();
  info.params.max_depth = p.at("max_depth").get<int>();
  info.params.min_child_weight = p.at("min_child_weight").get<double>();
  info.params.subsample = p.at("subsample").get<double>();
  info.params.colsample_bytree = p.at("colsample_bytree").get<double>();
  info.params.lambda = p.at("lambda").get<double>();
  // Absent from models saved before they existed: XGBoost's defaults, which those models used.
  info.params.colsample_bylevel = p.value("colsample_bylevel", 1.0);
  info.params.gamma = p.value("gamma", 0.0);
  info.params.max_delta_step = p.value("max_delta_step", 0.0);
  info.params.parallel_trees = p.value("parallel_trees", 1);
  info.params.monotone = p.value("monotone", std::map<std::string, int>());
  info.params.nthread = p.at("nthread").get<int>();
  info.split = j.at("split").get<std::string>();
  info.train_count = j.at("train_count").get<size_t>();
  info.train_positives = j.at("train_positives").get<size_t>();
  info.holdout = MetricsFromJson(j.at("holdout"));
  if (j.contains("first_time")) info.first_time = j.at("first_time").get<int64_t>();
  if (j.contains("last_time")) info.last_time = j.at("last_time").get<int64_t>();
  return std::make_pair(FeatureSpec(std::move(features), categorical), std::move(info));
}

absl::StatusOr<internal::DMatrix> Matrix(const FeatureSpec& spec,
                                         const std::vector<const std::vector<Attribute>*>& leads) {
  const size_t columns = spec.column_count();
  std::vector<float> values(leads.size() * columns);
  for (size_t i = 0; i < leads.size(); ++i) spec.Encode(*leads[i], values.data() + i * columns);
  return internal::DMatrix::FromDense(values, leads.size(), columns, spec.column_types());
}

std::string ValueAsSeen(const Feature& feature, float encoded, const std::vector<Attribute>& lead) {
  if (feature.kind == FeatureKind::kNumeric) {
    return std::isnan(encoded) ? "missing" : absl::StrFormat("%g", encoded);
  }
  // One-hot columns do not carry the code, and a code is no name: look the value up again.
  const Attribute* found = nullptr;
  for (const Attribute& a : lead) {
    if (a.name == feature.field) found = &a;
  }
  if (found == nullptr || std::holds_alternative<std::monostate>(found->value)) return "missing";
  const std::string text = FeatureSpec::CategoryText(found->value);
  return std::find(feature.categories.begin(), feature.categories.end(), text) ==
                 feature.categories.end()
             ? std::string(kOtherCategory)
             : text;
}

}  // namespace

Model::Model(FeatureSpec features, ModelInfo info, std::unique_ptr<Booster> booster)
    : features_(std::move(features)), info_(std::move(info)), booster_(std::move(booster)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::WithInfo(ModelInfo info) && {
  info_ = std::move(info);
  return std::move(*this);
}

absl::StatusOr<std::string> Model::ToBytes() const {
  ASSIGN_OR_RETURN(std::string booster,
                   booster_->With([](const internal::Booster& b) { return b.Save(); }));
  const std::string metadata = MetadataJson(features_, info_).dump();
  return absl::StrCat(Piece(kMagic), " ", kFormatVersion, " ", metadata.size(), " ", booster.size(),
                      "\n", metadata, booster);
}

absl::StatusOr<Model> Model::FromBytes(std::string_view bytes) {
  const size_t newline = bytes.find('\n');
  const std::vector<absl::string_view> header =
      absl::StrSplit(Piece(bytes.substr(0, newline == std::string_view::npos ? 0 : newline)), ' ');
  int version = 0;
  size_t metadata_size = 0;
  size_t booster_size = 0;
  if (newline == std::string_view::npos || header.size() != 4 || header[0] != Piece(kMagic) ||
      !absl::SimpleAtoi(header[1], &version) || !absl::SimpleAtoi(header[2], &metadata_size) ||
      !absl::SimpleAtoi(header[3], &booster_size)) {
    return absl::InvalidArgumentError(absl::StrCat("not a score model (it does not start with \"",
                                                   Piece(kMagic), " ", kFormatVersion, "\")"));
  }
  if (version != kFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("score model format ", version,
                                                   " is not supported (this build reads ",
                                                   kFormatVersion, ")"));
  }
  const std::string_view body = bytes.substr(newline + 1);
  if (body.size() != metadata_size + booster_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("score model is truncated or padded: the header says ",
                     metadata_size + booster_size, " bytes follow, there are ", body.size()));
  }
  const json metadata = json::parse(body.substr(0, metadata_size), nullptr, false);
  if (metadata.is_discarded() || !metadata.is_object()) {
    return absl::InvalidArgumentError("score model metadata is not a JSON object");
  }
  absl::StatusOr<std::pair<FeatureSpec, ModelInfo>> parsed =
      absl::InvalidArgumentError("score model metadata is incomplete");
  try {
    parsed = MetadataFromJson(metadata);
  } catch (const json::exception& e) {
    // nlohmann's accessors throw on a missing key or a wrong type; stop it here.
    return absl::InvalidArgumentError(absl::StrCat("score model metadata: ", e.what()));
  }
  if (!parsed.ok()) return parsed.status();
  ASSIGN_OR_RETURN(internal::Booster booster,
                   internal::Booster::Load(body.substr(metadata_size, booster_size)));
  return Model(std::move(parsed->first), std::move(parsed->second),
               std::make_unique<Booster>(std::move(booster)));
}

absl::StatusOr<std::vector<double>> Model::Predict(
    const std::vector<const std::vector<Attribute>*>& leads) const {
  if (leads.empty()) return std::vector<double>();
  ASSIGN_OR_RETURN(internal::DMatrix matrix, Matrix(features_, leads));
  ASSIGN_OR_RETURN(std::vector<float> scores, booster_->With([&](const internal::Booster& b) {
    return b.Predict(matrix, 0);
  }));
  return std::vector<double>(scores.begin(), scores.end());
}

absl::StatusOr<double> Model::Predict(const std::vector<Attribute>& lead) const {
  ASSIGN_OR_RETURN(std::vector<double> scores, Predict({&lead}));
  return scores.at(0);
}

absl::StatusOr<ScoreExplanation> Model::Explain(const std::vector<Attribute>& lead) const {
  const size_t columns = features_.column_count();
  std::vector<float> values(columns);
  features_.Encode(lead, values.data());
  ASSIGN_OR_RETURN(internal::DMatrix matrix,
                   internal::DMatrix::FromDense(values, 1, columns, features_.column_types()));
  ASSIGN_OR_RETURN(std::vector<float> contribs, booster_->With([&](const internal::Booster& b) {
    return b.Predict(matrix, 2);
  }));
  if (contribs.size() != columns + 1) {
    return absl::InternalError(
        absl::StrCat("XGBoost gave ", contribs.size(), " contributions for ", columns, " columns"));
  }
  ScoreExplanation out;
  out.bias = contribs[columns];
  std::vector<double> per_feature(features_.features().size(), 0.0);
  for (size_t c = 0; c < columns; ++c) {
    per_feature[features_.feature_of_column(c)] += contribs[c];
  }
  // The contributions add up to the score's log-odds; the score itself is Predict's, so that an
  // explanation shows exactly the number the decision used.
  ASSIGN_OR_RETURN(out.score, Predict(lead));
  std::vector<size_t> first_column(features_.features().size(), columns);
  for (size_t c = columns; c-- > 0;) first_column[features_.feature_of_column(c)] = c;
  for (size_t f = 0; f < per_feature.size(); ++f) {
    const Feature& feature = features_.features()[f];
    out.contributions.push_back(
        {feature.field, ValueAsSeen(feature, values[first_column[f]], lead), per_feature[f]});
  }
  std::stable_sort(out.contributions.begin(), out.contributions.end(),
                   [](const Contribution& a, const Contribution& b) {
                     return std::abs(a.log_odds) > std::abs(b.log_odds);
                   });
  return out;
}

}  // namespace leadrouter::dsl::score
