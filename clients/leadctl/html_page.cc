#include "clients/leadctl/html_page.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace leadrouter::leadctl::html {
namespace {

// Colours, named once: every one that text or a line is drawn in has at least 4.5:1 contrast on
// white (WCAG AA); the light blue only fills bars next to their figure. Sizes are in rem so that a
// reader's font size setting applies.
constexpr absl::string_view kSharedCss =
    ":root{--text:#1a1a1a;--muted:#444;--line:#767676;--border:#bbb;--blue:#1f5f99;--light-blue:#"
    "a9c6e3;"
    "--orange:#b35900;--green:#2e7d46}\n"
    "*{box-sizing:border-box}\n"
    "body{font-family:system-ui,sans-serif;color:var(--text);background:#fff;line-height:1.4;"
    "margin:0 auto;padding:1rem;max-width:72rem}\n"
    "h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.25rem;margin:2rem 0 .5rem}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
    "td,th{border:1px solid var(--border);padding:2px 8px;text-align:right;white-space:nowrap}\n"
    "th{background:#eef1f4}td:first-child,th:first-child{text-align:left}\n"
    "figure{margin:0 0 1rem}figcaption{font-size:.9rem;color:var(--muted);max-width:40rem}\n"
    "svg{display:block;max-width:100%;height:auto}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:2rem}\n"
    ".axis{stroke:var(--muted)}.ideal{stroke:var(--line);stroke-dasharray:4 3}\n"
    ".curve{fill:none;stroke:var(--blue);stroke-width:2}.dot{fill:var(--blue)}"
    ".bar{fill:var(--green)}\n"
    ".curve.second{stroke:var(--orange);stroke-dasharray:6 3}.dot.second{fill:var(--orange)}\n"
    ".hq{fill:var(--blue)}.rest{fill:var(--light-blue)}\n"
    ".tick{font-size:12px;fill:var(--muted);text-anchor:middle}.tick.end{text-anchor:end}\n"
    ".label{font-size:13px;fill:var(--text);text-anchor:middle}\n"
    ".row-label{font-size:14px;fill:var(--text);text-anchor:end}"
    ".row-note{font-size:13px;fill:var(--muted)}\n";

// An <svg> drawn in a width x height box that shrinks with its container (CSS max-width) and is
// named by its <title>; the xmlns is a name, not something fetched.
std::string SvgElement(double width, double height, absl::string_view title,
                       absl::string_view body) {
  return absl::StrFormat(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" role="img">)"
      R"(<title>%s</title>%s</svg>)",
      width, height, width, Escape(title), body);
}

}  // namespace

std::string Escape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
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
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Page(absl::string_view title, absl::string_view page_css, absl::string_view body) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      Escape(title), "</title>\n<style>\n", kSharedCss, page_css, "</style></head><body>\n", body,
      "</body></html>\n");
}

std::string Percent(double fraction) {
  if (!std::isfinite(fraction)) return std::string(kNoFigure);
  return absl::StrFormat("%.1f%%", 100 * fraction);
}

std::string HumanDuration(int64_t seconds) {
  if (seconds < 0) return std::string(kNoFigure);
  if (seconds < 60) return absl::StrCat(seconds, " s");
  const int64_t minutes = seconds / 60;
  if (minutes < 60) return absl::StrCat(minutes, " min");
  const int64_t hours = minutes / 60;
  if (hours < 24) {
    return minutes % 60 == 0 ? absl::StrCat(hours, " h")
                             : absl::StrCat(hours, " h ", minutes % 60, " min");
  }
  return hours % 24 == 0 ? absl::StrCat(hours / 24, " d")
                         : absl::StrCat(hours / 24, " d ", hours % 24, " h");
}

double Chart::X(double fraction) const { return o_.left + fraction * o_.width; }

double Chart::Y(double value) const {
  const double clamped = std::clamp(std::isfinite(value) ? value : 0.0, 0.0, o_.y_max);
  return 8 + o_.height - clamped / o_.y_max * o_.height;
}

std::string Chart::Axes(absl::string_view x_label, absl::string_view y_label,
                        const std::vector<Tick>& x_ticks) const {
  std::string svg = absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>)"
                                    R"(<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>)",
                                    X(0), Y(0), X(1), Y(0), X(0), Y(0), X(0), Y(o_.y_max));
  for (const Tick& tick : x_ticks) {
    absl::StrAppend(&svg, absl::StrFormat(R"(<text x="%.2f" y="%g" class="tick">%s</text>)",
                                          X(tick.fraction), Y(0) + 14, Escape(tick.text)));
  }
  for (int i = 0; i <= 4; ++i) {
    const double v = i / 4.0 * o_.y_max;
    absl::StrAppend(&svg, absl::StrFormat(R"(<text x="%g" y="%g" class="tick end">%.3g</text>)",
                                          X(0) - 4, Y(v) + 4, v));
  }
  const double middle = Y(o_.y_max / 2);
  absl::StrAppend(
      &svg,
      absl::StrFormat(R"(<text x="%g" y="%g" class="label">%s</text>)", X(0.5), Y(0) + 32,
                      Escape(x_label)),
      absl::StrFormat(
          R"svg(<text x="12" y="%g" class="label" transform="rotate(-90 12 %g)">%s</text>)svg",
          middle, middle, Escape(y_label)));
  return svg;
}

std::string Chart::Rule(double value, absl::string_view css_class) const {
  return absl::StrFormat(R"(<line x1="%g" y1="%.2f" x2="%g" y2="%.2f" class="%s"/>)", X(0),
                         Y(value), X(1), Y(value), css_class);
}

std::string Chart::Bar(double from, double to, double value, absl::string_view css_class,
                       absl::string_view tooltip) const {
  return absl::StrFormat(
      R"(<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" class="%s"><title>%s</title></rect>)",
      X(from), Y(value), X(to) - X(from), Y(0) - Y(value), css_class, Escape(tooltip));
}

std::string Chart::Line(const std::vector<std::pair<double, double>>& points,
                        const std::vector<std::string>& tooltips,
                        absl::string_view css_class) const {
  std::string path;
  std::string dots;
  for (size_t i = 0; i < points.size(); ++i) {
    const double x = X(points[i].first);
    const double y = Y(points[i].second);
    absl::StrAppend(&path, absl::StrFormat("%.2f,%.2f ", x, y));
    absl::StrAppend(
        &dots, absl::StrFormat(
                   R"(<circle cx="%.2f" cy="%.2f" r="3" class="dot %s"><title>%s</title></circle>)",
                   x, y, css_class, i < tooltips.size() ? Escape(tooltips[i]) : ""));
  }
  return absl::StrCat(R"(<polyline class="curve )", css_class, R"(" points=")", path, R"("/>)",
                      dots);
}

std::string Chart::Svg(absl::string_view title, absl::string_view body) const {
  const double width = o_.left + o_.width + 16;
  const double height = 8 + o_.height + o_.bottom;
  return SvgElement(width, height, title, body);
}

std::string HorizontalBars(absl::string_view title, const std::vector<BarRow>& rows, double max) {
  constexpr double kLabelWidth = 150;  // the rows' labels, right-aligned against the bars
  constexpr double kBarWidth = 250;
  constexpr double kNoteWidth = 110;  // the text after the longest bar
  constexpr double kRowHeight = 24;
  const double scale = max > 0 && std::isfinite(max) ? kBarWidth / max : 0;
  std::string body;
  for (size_t i = 0; i < rows.size(); ++i) {
    const BarRow& row = rows[i];
    const double top = static_cast<double>(i) * kRowHeight;
    absl::StrAppend(&body, absl::StrFormat(R"(<text x="%g" y="%g" class="row-label">%s</text>)",
                                           kLabelWidth - 6, top + 16, Escape(row.label)));
    double x = kLabelWidth;
    for (const BarSegment& segment : row.segments) {
      const double width = std::isfinite(segment.value) ? std::max(0.0, segment.value) * scale : 0;
      absl::StrAppend(
          &body,
          absl::StrFormat(
              R"(<rect x="%.2f" y="%g" width="%.2f" height="%g" class="%s"><title>%s</title></rect>)",
              x, top + 4, width, kRowHeight - 8, segment.css_class, Escape(segment.tooltip)));
      x += width;
    }
    absl::StrAppend(&body, absl::StrFormat(R"(<text x="%.2f" y="%g" class="row-note">%s</text>)",
                                           x + 6, top + 16, Escape(row.note)));
  }
  const double width = kLabelWidth + kBarWidth + kNoteWidth;
  const double height = std::max(1.0, static_cast<double>(rows.size()) * kRowHeight);
  return SvgElement(width, height, title, body);
}

std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string html = "<div class=\"scroll\"><table><thead><tr>";
  for (const std::string& cell : header) absl::StrAppend(&html, "<th>", Escape(cell), "</th>");
  absl::StrAppend(&html, "</tr></thead><tbody>\n");
  for (const std::vector<std::string>& row : rows) {
    absl::StrAppend(&html, "<tr>");
    for (const std::string& cell : row) absl::StrAppend(&html, "<td>", cell, "</td>");
    absl::StrAppend(&html, "</tr>\n");
  }
  absl::StrAppend(&html, "</tbody></table></div>\n");
  return html;
}

absl::Status WritePage(const std::string& path, absl::string_view page) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(page.data(), static_cast<std::streamsize>(page.size()));
  out.close();
  if (!out) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace leadrouter::leadctl::html
