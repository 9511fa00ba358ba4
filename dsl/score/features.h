// Which lead fields a score model reads, and how each becomes a column of XGBoost's matrix.
//
// The features are fitted on the training leads (FitFeatures) and stored with the model, so that a
// lead is scored later with exactly the training vocabulary:
// - a field whose training values are all numbers is numeric: its value, or NaN when missing;
// - a field with a text or true/false value is categorical: each value seen in at least
//   `min_category_rows` training leads keeps a code of its own, rarer ones (and at scoring time
//   values never seen) share the code "other", and a missing value is NaN, which XGBoost treats
//   as missing (it learns a default direction at every split) rather than as a category;
// - fields of other kinds (lists, durations, timestamps, skills) and excluded fields are not read.
// Which cells count as missing ("Select" in the X Education export) is the lead mapping's
// business (dsl/data/lead_mapping.h): by the time a lead reaches here a missing cell is an absent
// attribute.
//
// Value types; thread-compatible (Encode is const).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsl/base/record.h"

namespace leadrouter::dsl::score {

enum class FeatureKind : uint8_t { kNumeric, kCategorical };

// How a categorical feature reaches XGBoost.
enum class CategoricalEncoding : uint8_t {
  kNative,  // one column of codes, typed "c" (XGBoost's own categorical splits, tree_method hist)
  kOneHot,  // one 0/1 column per kept category and "other"
};

std::string_view FeatureKindName(FeatureKind kind);
std::string_view CategoricalEncodingName(CategoricalEncoding encoding);

inline constexpr std::string_view kOtherCategory = "other";

struct Feature {
  std::string field;  // the lead field (attribute name)
  FeatureKind kind = FeatureKind::kNumeric;
  // Categorical: the kept values, code i = categories[i]; code categories.size() is "other".
  std::vector<std::string> categories;
};

struct FeatureOptions {
  // Fields never used, besides the label. Default: the lead's id and arrival time, which identify
  // a lead rather than describe it.
  std::vector<std::string> exclude = {"id", "created_at"};
  // A categorical value seen in fewer training leads is grouped as "other". Default: 20.
  size_t min_category_rows = 20;
  // Default: one-hot, which cross-validated better than native on the X Education leads
  // (docs/scoring.md).
  CategoricalEncoding encoding = CategoricalEncoding::kOneHot;
};

class FeatureSpec {
 public:
  FeatureSpec() = default;
  FeatureSpec(std::vector<Feature> features, CategoricalEncoding encoding);

  const std::vector<Feature>& features() const { return features_; }
  CategoricalEncoding encoding() const { return encoding_; }

  // XGBoost's columns: their count, names (`field`, or `field=value` for one-hot) and types
  // ("q" numeric, "c" categorical, "i" a one-hot indicator).
  size_t column_count() const { return column_feature_.size(); }
  const std::vector<std::string>& column_names() const { return column_names_; }
  const std::vector<std::string>& column_types() const { return column_types_; }
  // The feature a column belongs to (index into features()).
  size_t feature_of_column(size_t column) const { return column_feature_[column]; }

  // Writes the lead's column_count() values to `out`.
  void Encode(const std::vector<Attribute>& lead, float* out) const;
  // The categorical text of a value (a number as %g, true / false), for Encode and FitFeatures.
  static std::string CategoryText(const AttributeValue& value);

 private:
  std::vector<Feature> features_;
  CategoricalEncoding encoding_ = CategoricalEncoding::kNative;
  std::vector<std::string> column_names_;
  std::vector<std::string> column_types_;
  std::vector<size_t> column_feature_;
  std::vector<size_t> first_column_;  // per feature
};

// The features of `leads` (every field but `label` and options.exclude), in field-name order.
// InvalidArgument when no field is left to learn from.
[[nodiscard]] absl::StatusOr<FeatureSpec> FitFeatures(
    const std::vector<const std::vector<Attribute>*>& leads, std::string_view label,
    const FeatureOptions& options);

}  // namespace leadrouter::dsl::score
