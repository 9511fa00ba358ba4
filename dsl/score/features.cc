#include "dsl/score/features.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/base/text_util.h"

namespace leadrouter::dsl::score {
namespace {

bool IsMissing(const AttributeValue& value) {
  return std::holds_alternative<std::monostate>(value);
}

// Fields of these kinds describe a lead as a feature can; the rest (lists, durations, timestamps,
// skill maps) have no single value to split on and are left out.
bool IsUsable(const AttributeValue& value) {
  return std::holds_alternative<double>(value) || std::holds_alternative<std::string>(value) ||
         std::holds_alternative<bool>(value);
}

}  // namespace

std::string_view FeatureKindName(FeatureKind kind) {
  return kind == FeatureKind::kNumeric ? "numeric" : "categorical";
}

std::string_view CategoricalEncodingName(CategoricalEncoding encoding) {
  return encoding == CategoricalEncoding::kNative ? "native" : "one-hot";
}

std::string FeatureSpec::CategoryText(const AttributeValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const auto* number = std::get_if<double>(&value)) return absl::StrFormat("%g", *number);
  return "";
}

FeatureSpec::FeatureSpec(std::vector<Feature> features, CategoricalEncoding encoding)
    : features_(std::move(features)), encoding_(encoding) {
  std::sort(features_.begin(), features_.end(),
            [](const Feature& a, const Feature& b) { return a.field < b.field; });
  for (size_t f = 0; f < features_.size(); ++f) {
    const Feature& feature = features_[f];
    first_column_.push_back(column_feature_.size());
    if (feature.kind == FeatureKind::kNumeric || encoding_ == CategoricalEncoding::kNative) {
      column_names_.push_back(feature.field);
      column_types_.push_back(feature.kind == FeatureKind::kNumeric ? "q" : "c");
      column_feature_.push_back(f);
      continue;
    }
    for (size_t c = 0; c <= feature.categories.size(); ++c) {
      const std::string_view value =
          c < feature.categories.size() ? std::string_view(feature.categories[c]) : kOtherCategory;
      column_names_.push_back(absl::StrCat(feature.field, "=", Piece(value)));
      column_types_.push_back("i");
      column_feature_.push_back(f);
    }
  }
}

void FeatureSpec::Encode(const std::vector<Attribute>& lead, float* out) const {
  const float nan = std::nanf("");
  std::fill(out, out + column_count(), nan);
  // A missing value stays NaN in every column of its feature (one-hot included), so that XGBoost
  // treats it as missing rather than as "no category".
  for (const Attribute& attribute : lead) {
    const auto it =
        std::lower_bound(features_.begin(), features_.end(), attribute.name,
                         [](const Feature& f, const std::string& name) { return f.field < name; });
    if (it == features_.end() || it->field != attribute.name) continue;
    const size_t f = static_cast<size_t>(it - features_.begin());
    float* column = out + first_column_[f];
    if (IsMissing(attribute.value)) {
      // A repeated name: the last one wins, as in BindRecord.
      const size_t width =
          it->kind == FeatureKind::kCategorical && encoding_ == CategoricalEncoding::kOneHot
              ? it->categories.size() + 1
              : 1;
      std::fill(column, column + width, nan);
      continue;
    }
    if (it->kind == FeatureKind::kNumeric) {
      const double* number = std::get_if<double>(&attribute.value);
      // A numeric feature that arrives as text has no number: missing, not an error, as rules
      // see a mistyped field.
      *column = number != nullptr ? static_cast<float>(*number) : nan;
      continue;
    }
    const std::string text = CategoryText(attribute.value);
    const auto found = std::find(it->categories.begin(), it->categories.end(), text);
    const size_t code = static_cast<size_t>(found - it->categories.begin());  // size(): other
    if (encoding_ == CategoricalEncoding::kNative) {
      *column = static_cast<float>(code);
    } else {
      std::fill(column, column + it->categories.size() + 1, 0.0f);
      column[code] = 1.0f;
    }
  }
}

absl::StatusOr<FeatureSpec> FitFeatures(const std::vector<const std::vector<Attribute>*>& leads,
                                        std::string_view label, const FeatureOptions& options) {
  struct Seen {
    bool categorical = false;
    bool unusable = false;
    size_t present = 0;
    std::map<std::string, size_t> counts;  // categorical text -> leads
  };
  std::map<std::string, Seen> fields;
  for (const std::vector<Attribute>* lead : leads) {
    // Count each field once per lead (the last value wins, as in Encode).
    std::map<std::string_view, const AttributeValue*> values;
    for (const Attribute& a : *lead) values[a.name] = &a.value;
    for (const auto& [name, value] : values) {
      if (name == label || std::find(options.exclude.begin(), options.exclude.end(), name) !=
                               options.exclude.end()) {
        continue;
      }
      Seen& seen = fields[std::string(name)];
      if (IsMissing(*value)) continue;
      if (!IsUsable(*value)) {
        seen.unusable = true;
        continue;
      }
      ++seen.present;
      if (!std::holds_alternative<double>(*value)) seen.categorical = true;
      ++seen.counts[FeatureSpec::CategoryText(*value)];
    }
  }
  std::vector<Feature> features;
  for (auto& [name, seen] : fields) {
    if (seen.unusable || seen.present == 0) continue;
    Feature feature;
    feature.field = name;
    feature.kind = seen.categorical ? FeatureKind::kCategorical : FeatureKind::kNumeric;
    if (seen.categorical) {
      std::vector<std::pair<std::string, size_t>> kept;
      for (auto& [text, count] : seen.counts) {
        if (count >= options.min_category_rows) kept.emplace_back(text, count);
      }
      // Most frequent first, then by text: a stable vocabulary for a given training set.
      std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      // A field with no value common enough carries nothing the trees could use.
      if (kept.empty()) continue;
      for (auto& [text, count] : kept) feature.categories.push_back(text);
    }
    features.push_back(std::move(feature));
  }
  if (features.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no lead field to learn from besides the label \"", Piece(label),
                     "\" and the excluded fields"));
  }
  return FeatureSpec(std::move(features), options.encoding);
}

}  // namespace leadrouter::dsl::score
