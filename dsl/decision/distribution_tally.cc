#include "dsl/decision/distribution_tally.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "dsl/base/schema.h"

namespace leadrouter::dsl {

double RepTally::quality_mean() const {
  return count == 0 ? 0 : quality_sum / static_cast<double>(count);
}

double RepTally::high_quality_share() const {
  return count == 0 ? 0 : static_cast<double>(high_quality) / static_cast<double>(count);
}

double Gini(std::vector<double> values) {
  const size_t n = values.size();
  if (n < 2) return 0;
  std::sort(values.begin(), values.end());
  double sum = 0;
  double weighted = 0;
  for (size_t i = 0; i < n; ++i) {
    sum += values[i];
    weighted += static_cast<double>(i + 1) * values[i];
  }
  if (sum <= 0) return 0;
  const double dn = static_cast<double>(n);
  return (2 * weighted) / (dn * sum) - (dn + 1) / dn;
}

DistributionTally::DistributionTally(size_t reps, double high_quality_threshold)
    : reps_(reps),
      threshold_(high_quality_threshold),
      unassigned_by_reason_(kUnassignedReasonCount, 0) {}

void DistributionTally::AddGiven(size_t rep, Outcome outcome, const Record& lead) {
  ++assigned_;
  if (outcome == Outcome::kPendingReview) ++pending_review_;
  RepTally& tally = reps_[rep];
  ++tally.count;
  // As the counters count it (quality_today): a negative or non-finite quality counts 0.
  const Value quality = lead.Get(lead_slot::kQuality);
  if (quality.is_number() && std::isfinite(quality.number_value())) {
    const double q = std::max(0.0, quality.number_value());
    tally.quality_sum += q;
    if (q >= threshold_) ++tally.high_quality;
  }
  const Value value = lead.Get(lead_slot::kValue);
  if (value.is_number() && std::isfinite(value.number_value())) {
    tally.value_sum += value.number_value();
  }
}

void DistributionTally::AddUnassigned(UnassignedReason reason) {
  ++unassigned_;
  ++unassigned_by_reason_[static_cast<size_t>(reason)];
}

Fairness DistributionTally::FairnessOver(const std::vector<bool>& counted) const {
  std::vector<double> counts;
  std::vector<double> quality;
  for (size_t r = 0; r < reps_.size() && r < counted.size(); ++r) {
    if (!counted[r]) continue;
    counts.push_back(static_cast<double>(reps_[r].count));
    quality.push_back(reps_[r].quality_sum);
  }
  Fairness out;
  out.reps = counts.size();
  out.gini_count = Gini(std::move(counts));
  out.gini_quality = Gini(std::move(quality));
  return out;
}

}  // namespace leadrouter::dsl
