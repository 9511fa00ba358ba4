// The pieces every leadctl HTML page is made of, so that the pages look alike and each is one
// self-contained file: the page shell with the shared CSS (no script, no web font, nothing
// fetched), escaping, number texts that never print NaN, and SVG charts that scale with their
// container (viewBox) and carry a <title> for screen readers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace leadrouter::leadctl::html {

// `text` made safe as HTML content or as a quoted attribute value (& < > " ' escaped).
std::string Escape(absl::string_view text);

// A whole page: doctype, charset, a viewport for phones, the shared CSS followed by `page_css`,
// the escaped `title`, then `body` (HTML, not escaped).
std::string Page(absl::string_view title, absl::string_view page_css, absl::string_view body);

// Writes `page` to the file `path`, replacing it; INVALID_ARGUMENT naming the path and the reason
// when it cannot.
absl::Status WritePage(const std::string& path, absl::string_view page);

// What a page shows for a figure that has nothing to stand on (no lead contacted, no SLA due).
inline constexpr absl::string_view kNoFigure = "–";

// `fraction` in [0, 1] as "12.5%"; kNoFigure when it is not a finite number.
std::string Percent(double fraction);
// A duration for people: "45 s", "12 min", "3 h 20 min", "2 d 4 h"; kNoFigure when negative.
std::string HumanDuration(int64_t seconds);

// A tick on a chart's x axis: where (a fraction of the plot's width) and its text.
struct Tick {
  double fraction = 0;
  std::string text;
};

// One plot area in SVG user units, values from 0 to `y_max` upwards.
struct ChartOptions {
  double width = 320;  // plot area; the margins come on top
  double height = 320;
  double y_max = 1;    // the value at the top of the y axis; must be > 0
  double left = 52;    // room for the y axis' ticks and label
  double bottom = 40;  // room for the x axis' ticks and label
};

class Chart {
 public:
  explicit Chart(ChartOptions options) : o_(options) {}

  // SVG x of a fraction of the plot's width; SVG y of a value (clamped to [0, y_max]).
  double X(double fraction) const;
  double Y(double value) const;

  // Both axes, with `x_ticks`, five y ticks from 0 to y_max, and the axes' labels.
  std::string Axes(absl::string_view x_label, absl::string_view y_label,
                   const std::vector<Tick>& x_ticks) const;
  // A horizontal reference line at `value`.
  std::string Rule(double value, absl::string_view css_class) const;
  // A bar from 0 up to `value` between two fractions of the width, with a tooltip.
  std::string Bar(double from, double to, double value, absl::string_view css_class,
                  absl::string_view tooltip) const;
  // A line through (fraction, value) points, with a dot and tooltip at each.
  std::string Line(const std::vector<std::pair<double, double>>& points,
                   const std::vector<std::string>& tooltips, absl::string_view css_class) const;
  // The chart as an <svg> that scales down to its container, titled `title` (its accessible name).
  std::string Svg(absl::string_view title, absl::string_view body) const;

 private:
  ChartOptions o_;
};

// One row of a horizontal bar chart: its label, the bar's stacked segments (values on the same
// scale) and the text after the bar.
struct BarSegment {
  double value = 0;
  std::string css_class;
  std::string tooltip;
};
struct BarRow {
  std::string label;
  std::vector<BarSegment> segments;
  std::string note;
};

// Labelled horizontal bars, one row each, scaled so that `max` fills the bar area; suits long
// labels (rep names, sources) and narrow screens better than vertical bars.
std::string HorizontalBars(absl::string_view title, const std::vector<BarRow>& rows, double max);

// `rows` of cells (already HTML) under `header` (plain text), in a box that scrolls sideways on a
// narrow screen rather than widening the page.
std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

}  // namespace leadrouter::leadctl::html
