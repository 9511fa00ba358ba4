// How good a score is on leads whose outcome is known: ranking (ROC AUC), probability (log loss,
// calibration by decile) and use (the lift of the top decile). Printed on every training;
// docs/scoring.md says how to read them. Value types; pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace leadrouter::dsl::score {

// One tenth of the leads, by predicted probability (deciles[0] the lowest scores).
struct CalibrationBin {
  size_t count = 0;
  double mean_predicted = 0;  // the mean score of its leads
  double observed_rate = 0;   // the share of them that converted
};

struct Metrics {
  size_t count = 0;
  size_t positives = 0;
  double base_rate = 0;  // positives / count
  // The chance that a converted lead scores above one that did not (ties count half); 0.5 is a
  // coin, 1 a perfect ranking. 0.5 when either outcome is absent.
  double roc_auc = 0.5;
  // Mean of -log(p) for converted leads and -log(1-p) for the others, p clamped to [1e-15,
  // 1-1e-15]; lower is better, and always predicting base_rate gives the entropy of base_rate.
  double log_loss = 0;
  // observed_rate of the top decile / base_rate: how many times likelier a top-tenth lead is to
  // convert than a lead picked at random. 0 when there are no positives.
  double top_decile_lift = 0;
  std::vector<CalibrationBin> deciles;  // 10 bins (fewer when there are fewer than 10 leads)
};

// `predictions[i]` is the probability for the lead whose outcome is `labels[i]`; same size.
Metrics Evaluate(const std::vector<double>& predictions, const std::vector<bool>& labels);

// The metrics as text: a summary line and the calibration table, for a terminal.
std::string FormatMetrics(const Metrics& metrics);

}  // namespace leadrouter::dsl::score
