#include "clients/leadctl/score_report.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/leadctl/html_page.h"

namespace leadrouter::leadctl {
namespace {

using html::Escape;

// The x axis of both charts runs over fractions: of the score, of the leads.
std::vector<html::Tick> QuarterTicks() {
  std::vector<html::Tick> ticks;
  for (int i = 0; i <= 4; ++i) ticks.push_back({i / 4.0, absl::StrFormat("%g", i / 4.0)});
  return ticks;
}

// Predicted (x) against observed (y) per decile; the diagonal is perfect calibration.
std::string CalibrationSvg(const dsl::score::Metrics& m) {
  const html::Chart chart({});
  std::string body = chart.Axes("mean score of the decile", "share converted", QuarterTicks());
  absl::StrAppend(&body, absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" class="ideal"/>)",
                                         chart.X(0), chart.Y(0), chart.X(1), chart.Y(1)));
  std::vector<std::pair<double, double>> points;
  std::vector<std::string> tooltips;
  for (const dsl::score::CalibrationBin& b : m.deciles) {
    points.emplace_back(b.mean_predicted, b.observed_rate);
    tooltips.push_back(absl::StrFormat("%d leads: mean score %.3f, %.3f converted", b.count,
                                       b.mean_predicted, b.observed_rate));
  }
  absl::StrAppend(&body, chart.Line(points, tooltips, "first"));
  return chart.Svg("Calibration: share converted against mean score, per decile", body);
}

// The lift of each decile, highest scores on the left: how many times the base rate it converts.
std::string LiftSvg(const dsl::score::Metrics& m) {
  double top = 1;
  std::vector<double> lifts;
  for (auto it = m.deciles.rbegin(); it != m.deciles.rend(); ++it) {
    lifts.push_back(m.base_rate > 0 ? it->observed_rate / m.base_rate : 0);
    top = std::max(top, lifts.back());
  }
  const html::Chart chart({.y_max = std::ceil(top)});
  std::string body =
      chart.Axes("deciles, highest scores first", "lift (x base rate)", QuarterTicks());
  const double width = lifts.empty() ? 0 : 1 / static_cast<double>(lifts.size());
  for (size_t i = 0; i < lifts.size(); ++i) {
    const double from = static_cast<double>(i) * width;
    absl::StrAppend(
        &body, chart.Bar(from + 0.005, from + width - 0.005, lifts[i], "bar",
                         absl::StrFormat("decile %d from the top: lift %.2f", i + 1, lifts[i])));
  }
  absl::StrAppend(&body, chart.Rule(1, "ideal"));
  return chart.Svg("Lift per decile of score, highest first", body);
}

std::string MetricsTable(const dsl::score::Metrics& m) {
  std::vector<std::vector<std::string>> rows;
  for (size_t b = 0; b < m.deciles.size(); ++b) {
    const dsl::score::CalibrationBin& bin = m.deciles[b];
    rows.push_back({absl::StrCat(b + 1), absl::StrCat(bin.count),
                    absl::StrFormat("%.3f", bin.mean_predicted),
                    absl::StrFormat("%.3f", bin.observed_rate)});
  }
  return absl::StrCat(
      absl::StrFormat("<p>%d leads, %d converted (%.1f%%): <b>ROC AUC %.4f</b>, log loss %.4f, "
                      "top-decile lift %.2f</p>\n",
                      m.count, m.positives, 100 * m.base_rate, m.roc_auc, m.log_loss,
                      m.top_decile_lift),
      html::Table({"decile", "leads", "mean score", "converted"}, rows));
}

}  // namespace

std::string ScoreReportHtml(const dsl::score::Model& model, const dsl::score::Metrics& measured,
                            const std::string& leads_label) {
  const dsl::score::ModelInfo& info = model.info();
  std::string features;
  for (const dsl::score::Feature& f : model.features().features()) {
    absl::StrAppend(&features, "<li>", Escape(f.field), " (",
                    std::string(dsl::score::FeatureKindName(f.kind)),
                    f.kind == dsl::score::FeatureKind::kCategorical
                        ? absl::StrCat(", ", f.categories.size(), " values and other")
                        : "",
                    ")</li>");
  }
  const std::string body = absl::StrCat(
      "<h1>Lead score report</h1>\n",
      absl::StrFormat("<p>Label <code>%s</code>; trained on %d leads (%d converted), seed %d; "
                      "%d trees of depth %d, learning rate %g.</p>\n",
                      Escape(info.label), info.train_count, info.train_positives, info.seed,
                      info.params.rounds, info.params.max_depth, info.params.eta),
      "<h2>On ", Escape(leads_label), "</h2>\n", MetricsTable(measured),
      "<div class=\"charts\"><figure>", CalibrationSvg(measured),
      "<figcaption>Calibration: each dot a tenth of the leads; on the dashed line a score of "
      "0.3 means 30% convert.</figcaption></figure><figure>",
      LiftSvg(measured),
      "<figcaption>Lift: how many times the base rate each tenth converts, best-scored "
      "first.</figcaption></figure></div>\n",
      "<h2>Held out when it was trained (", Escape(info.split), " split)</h2>\n",
      MetricsTable(info.holdout), "<h2>Features</h2>\n<ul>", features, "</ul>\n",
      "<p>A score is a prior learned from past outcomes, not a verdict: see "
      "docs/scoring.md.</p>\n");
  return html::Page("Lead score report", "", body);
}

}  // namespace leadrouter::leadctl
