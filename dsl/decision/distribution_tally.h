// What a run of decisions gave each rep, and how evenly: the one tally behind the offline dry run
// (dry_run.h), the server's dry run and both sides of a backtest (backtest.h), so that the three
// count leads, quality and fairness the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsl/base/record.h"
#include "dsl/decision/explanation.h"

namespace leadrouter::dsl {

// Leads with quality at least this count as high quality, unless a caller says otherwise.
inline constexpr double kHighQuality = 80;

// One rep's totals. A lead without quality counts 0 in the sum and the mean (the API's meaning of
// RepTally.quality_mean), and a lead without value counts 0.
struct RepTally {
  int64_t count = 0;
  double quality_sum = 0;
  int64_t high_quality = 0;  // leads with quality >= the tally's threshold
  double value_sum = 0;

  double quality_mean() const;
  double high_quality_share() const;
};

// Gini coefficient of non-negative values: 0 when all are equal, towards 1 when one holds all.
// 0 for fewer than two values or an all-zero input.
double Gini(std::vector<double> values);

struct Fairness {
  double gini_count = 0;    // of RepTally::count
  double gini_quality = 0;  // of RepTally::quality_sum
  size_t reps = 0;          // how many reps were counted
};

class DistributionTally {
 public:
  DistributionTally() : DistributionTally(0, kHighQuality) {}
  DistributionTally(size_t reps, double high_quality_threshold);

  // `lead` went to the rep at `rep` (an index into reps()); a proposal for review counts as given,
  // as it counts against caps.
  void AddGiven(size_t rep, Outcome outcome, const Record& lead);
  void AddUnassigned(UnassignedReason reason);

  // Gini over the reps whose `counted` entry is true (one entry per rep).
  Fairness FairnessOver(const std::vector<bool>& counted) const;

  const std::vector<RepTally>& reps() const { return reps_; }
  double high_quality_threshold() const { return threshold_; }
  size_t assigned() const { return assigned_; }
  size_t pending_review() const { return pending_review_; }
  size_t unassigned() const { return unassigned_; }
  // Indexed by UnassignedReason.
  const std::vector<size_t>& unassigned_by_reason() const { return unassigned_by_reason_; }

 private:
  std::vector<RepTally> reps_;
  double threshold_;
  size_t assigned_ = 0;
  size_t pending_review_ = 0;
  size_t unassigned_ = 0;
  std::vector<size_t> unassigned_by_reason_;
};

}  // namespace leadrouter::dsl
