#include "dsl/score/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace leadrouter::dsl::score {

Metrics Evaluate(const std::vector<double>& predictions, const std::vector<bool>& labels) {
  Metrics m;
  m.count = std::min(predictions.size(), labels.size());
  if (m.count == 0) return m;
  m.positives = static_cast<size_t>(std::count(labels.begin(), labels.begin() + m.count, true));
  m.base_rate = static_cast<double>(m.positives) / static_cast<double>(m.count);

  // Ascending by score, ties by index, so that equal scores land in the same place every run.
  std::vector<size_t> order(m.count);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return predictions[a] < predictions[b]; });

  // AUC by ranks (Mann-Whitney U), a tied group sharing the mean of its ranks.
  const size_t negatives = m.count - m.positives;
  if (m.positives > 0 && negatives > 0) {
    double positive_rank_sum = 0;
    for (size_t i = 0; i < m.count;) {
      size_t j = i;
      while (j < m.count && predictions[order[j]] == predictions[order[i]]) ++j;
      const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
      for (size_t k = i; k < j; ++k) {
        if (labels[order[k]]) positive_rank_sum += mean_rank;
      }
      i = j;
    }
    const double p = static_cast<double>(m.positives);
    m.roc_auc = (positive_rank_sum - p * (p + 1) / 2) / (p * static_cast<double>(negatives));
  }

  double loss = 0;
  for (size_t i = 0; i < m.count; ++i) {
    const double p = std::clamp(predictions[i], 1e-15, 1 - 1e-15);
    loss -= labels[i] ? std::log(p) : std::log(1 - p);
  }
  m.log_loss = loss / static_cast<double>(m.count);

  const size_t bins = std::min<size_t>(10, m.count);
  for (size_t b = 0; b < bins; ++b) {
    const size_t begin = b * m.count / bins;
    const size_t end = (b + 1) * m.count / bins;
    CalibrationBin bin;
    bin.count = end - begin;
    size_t converted = 0;
    for (size_t k = begin; k < end; ++k) {
      bin.mean_predicted += predictions[order[k]];
      if (labels[order[k]]) ++converted;
    }
    bin.mean_predicted /= static_cast<double>(bin.count);
    bin.observed_rate = static_cast<double>(converted) / static_cast<double>(bin.count);
    m.deciles.push_back(bin);
  }
  if (m.positives > 0) m.top_decile_lift = m.deciles.back().observed_rate / m.base_rate;
  return m;
}

std::string FormatMetrics(const Metrics& m) {
  std::string out = absl::StrFormat(
      "held-out leads %d (%d converted, %.1f%%): ROC AUC %.4f, log loss %.4f, top-decile lift "
      "%.2f\n",
      m.count, m.positives, 100 * m.base_rate, m.roc_auc, m.log_loss, m.top_decile_lift);
  absl::StrAppend(&out, "calibration by decile (1 = lowest scores):\n",
                  "  decile  leads  mean score  converted\n");
  for (size_t b = 0; b < m.deciles.size(); ++b) {
    const CalibrationBin& bin = m.deciles[b];
    absl::StrAppend(&out, absl::StrFormat("  %6d  %5d  %10.3f  %9.3f\n", b + 1, bin.count,
                                          bin.mean_predicted, bin.observed_rate));
  }
  return out;
}

}  // namespace leadrouter::dsl::score
