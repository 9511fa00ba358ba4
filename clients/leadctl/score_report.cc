#include "clients/leadctl/score_report.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace leadrouter::leadctl {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr double kSize = 320;   // plot area, px
constexpr double kMargin = 40;  // for the axes' labels

double X(double v) { return kMargin + v * kSize; }
double Y(double v, double top) { return kMargin + kSize - v / top * kSize; }

std::string Axes(const std::string& x_label, const std::string& y_label, double top) {
  std::string svg =
      absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>)"
                      R"(<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>)",
                      X(0), Y(0, top), X(1), Y(0, top), X(0), Y(0, top), X(0), Y(top, top));
  for (int i = 0; i <= 4; ++i) {
    const double v = i / 4.0;
    absl::StrAppend(&svg, absl::StrFormat(R"(<text x="%g" y="%g" class="tick">%g</text>)", X(v),
                                          Y(0, top) + 14, v));
    absl::StrAppend(&svg, absl::StrFormat(R"(<text x="%g" y="%g" class="tick end">%.3g</text>)",
                                          X(0) - 4, Y(v * top, top) + 4, v * top));
  }
  absl::StrAppend(
      &svg,
      absl::StrFormat(R"(<text x="%g" y="%g" class="label">%s</text>)", X(0.5), Y(0, top) + 32,
                      Escape(x_label)),
      absl::StrFormat(
          R"svg(<text x="12" y="%g" class="label" transform="rotate(-90 12 %g)">%s</text>)svg",
          Y(top / 2, top), Y(top / 2, top), Escape(y_label)));
  return svg;
}

std::string Svg(const std::string& body) {
  return absl::StrFormat(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" role="img">%s</svg>)",
      kSize + 2 * kMargin, kSize + 2 * kMargin, body);
}

// Predicted (x) against observed (y) per decile; the diagonal is perfect calibration.
std::string CalibrationSvg(const dsl::score::Metrics& m) {
  std::string body = Axes("mean score of the decile", "share converted", 1.0);
  absl::StrAppend(&body, absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" class="ideal"/>)",
                                         X(0), Y(0, 1), X(1), Y(1, 1)));
  std::string points;
  for (const dsl::score::CalibrationBin& b : m.deciles) {
    absl::StrAppend(&points,
                    absl::StrFormat("%.2f,%.2f ", X(b.mean_predicted), Y(b.observed_rate, 1)));
    absl::StrAppend(
        &body,
        absl::StrFormat(
            R"(<circle cx="%.2f" cy="%.2f" r="4" class="dot"><title>%d leads: mean score %.3f, %.3f converted</title></circle>)",
            X(b.mean_predicted), Y(b.observed_rate, 1), b.count, b.mean_predicted,
            b.observed_rate));
  }
  absl::StrAppend(&body, R"(<polyline class="curve" points=")", points, R"("/>)");
  return Svg(body);
}

// The lift of each decile, highest scores on the left: how many times the base rate it converts.
std::string LiftSvg(const dsl::score::Metrics& m) {
  double top = 1;
  std::vector<double> lifts;
  for (auto it = m.deciles.rbegin(); it != m.deciles.rend(); ++it) {
    lifts.push_back(m.base_rate > 0 ? it->observed_rate / m.base_rate : 0);
    top = std::max(top, lifts.back());
  }
  top = std::ceil(top);
  std::string body = Axes("deciles, highest scores first", "lift (x base rate)", top);
  const double width = lifts.empty() ? 0 : kSize / static_cast<double>(lifts.size());
  for (size_t i = 0; i < lifts.size(); ++i) {
    absl::StrAppend(
        &body,
        absl::StrFormat(
            R"(<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" class="bar"><title>decile %d from the top: lift %.2f</title></rect>)",
            X(0) + i * width + 2, Y(lifts[i], top), width - 4, Y(0, top) - Y(lifts[i], top), i + 1,
            lifts[i]));
  }
  absl::StrAppend(&body, absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" class="ideal"/>)",
                                         X(0), Y(1, top), X(1), Y(1, top)));
  return Svg(body);
}

std::string MetricsTable(const dsl::score::Metrics& m) {
  std::string rows;
  for (size_t b = 0; b < m.deciles.size(); ++b) {
    const dsl::score::CalibrationBin& bin = m.deciles[b];
    absl::StrAppend(
        &rows, absl::StrFormat("<tr><td>%d</td><td>%d</td><td>%.3f</td><td>%.3f</td></tr>\n", b + 1,
                               bin.count, bin.mean_predicted, bin.observed_rate));
  }
  return absl::StrFormat(
      "<p>%d leads, %d converted (%.1f%%): <b>ROC AUC %.4f</b>, log loss %.4f, top-decile lift "
      "%.2f</p>\n<table><tr><th>decile</th><th>leads</th><th>mean "
      "score</th><th>converted</th></tr>\n%s</table>\n",
      m.count, m.positives, 100 * m.base_rate, m.roc_auc, m.log_loss, m.top_decile_lift, rows);
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
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>Lead score report</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:60em}\n"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px "
      "8px;text-align:right}\n"
      ".charts{display:flex;flex-wrap:wrap;gap:2em}.axis{stroke:#444}.ideal{stroke:#999;stroke-"
      "dasharray:4 3}\n"
      ".curve{fill:none;stroke:#1f6fb2;stroke-width:2}.dot{fill:#1f6fb2}.bar{fill:#4a9a5b}\n"
      ".tick{font-size:10px;text-anchor:middle}.tick.end{text-anchor:end}.label{font-size:12px;"
      "text-anchor:middle}\n"
      "</style></head><body>\n<h1>Lead score report</h1>\n",
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
      "<p>A score is a prior learned from past outcomes, not a verdict: see docs/scoring.md.</p>\n"
      "</body></html>\n");
}

}  // namespace leadrouter::leadctl
