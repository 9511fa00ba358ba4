#include "clients/leadctl/report_html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "clients/common/proto_output.h"
#include "clients/leadctl/assignment_view.h"
#include "clients/leadctl/html_page.h"

namespace leadrouter::leadctl {
namespace {

using html::BarRow;
using html::Escape;
using html::Percent;

constexpr absl::string_view kReportCss =
    ".sub{color:var(--muted);margin:0 0 1rem}\n"
    ".headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;"
    "margin:0}\n"
    ".headline div{border:1px solid var(--border);border-radius:6px;padding:.5rem .75rem}\n"
    ".headline dt{font-size:.85rem;color:var(--muted)}.headline dd{margin:0;font-size:1.6rem;"
    "font-weight:600}\n"
    ".headline .detail{display:block;font-size:.8rem;font-weight:400;color:var(--muted)}\n"
    ".legend{font-size:.9rem;margin:.25rem 0}.swatch{display:inline-block;width:.9em;height:.9em;"
    "vertical-align:-.1em;margin:0 .3em 0 .8em;border-radius:2px}\n"
    ".swatch.hq,.swatch.line{background:var(--blue)}.swatch.rest{background:var(--light-blue)}"
    ".swatch.second{background:var(--orange)}\n"
    ".empty{font-size:1.2rem;border:1px dashed var(--line);padding:1rem;border-radius:6px}\n"
    ".warning{color:#8a4b00}\n";

// What a row is called on the page: the server's label, else its key, else that it has none (a
// lead without a source).
std::string KeyLabel(const v1::GroupKey& key) {
  if (!key.label().empty()) return key.label();
  if (!key.value().empty()) return key.value();
  return "(none)";
}

std::string Fixed2(double value) {
  return std::isfinite(value) ? absl::StrFormat("%.2f", value) : std::string(html::kNoFigure);
}

std::string Money(double value) {
  return std::isfinite(value) ? absl::StrFormat("%.0f", value) : std::string(html::kNoFigure);
}

std::string Duration(const google::protobuf::Duration& duration) {
  return html::HumanDuration(duration.seconds());
}

// A first-contact figure only means something once a lead was contacted.
std::string ContactDuration(const v1::FollowUpsRow& row, const google::protobuf::Duration& d) {
  return row.contacted() > 0 ? Duration(d) : std::string(html::kNoFigure);
}

std::string SlaCompliance(const v1::FollowUpsRow& row) {
  return row.sla_leads() > 0 ? Percent(row.sla_compliance()) : std::string(html::kNoFigure);
}

// A headline figure; `id` lets a reader (and the browser test) find it.
std::string Figure(absl::string_view id, absl::string_view name, absl::string_view value,
                   absl::string_view detail) {
  return absl::StrCat(
      "<div><dt>", Escape(name), "</dt><dd id=\"", id, "\">", Escape(value),
      detail.empty() ? "" : absl::StrCat("<span class=\"detail\">", Escape(detail), "</span>"),
      "</dd></div>");
}

std::string Headline(const ReportPage& page) {
  const v1::DistributionRow& leads = page.distribution.total();
  const v1::FollowUpsRow& followups = page.followups.total();
  const v1::ConversionRow& conversion = page.conversion_by_source.total();
  const bool any = leads.leads() > 0;
  return absl::StrCat(
      "<dl class=\"headline\">",
      Figure("headline-leads", "Leads", absl::StrCat(leads.leads()),
             any ? absl::StrCat(leads.high_quality_leads(), " high quality") : ""),
      Figure("headline-gini", "Fairness (Gini of leads)",
             any ? Fixed2(page.distribution.gini_count()) : std::string(html::kNoFigure),
             any ? absl::StrCat("of quality ", Fixed2(page.distribution.gini_quality())) : ""),
      Figure("headline-first-contact", "Median first contact",
             ContactDuration(followups, followups.first_contact_median()),
             followups.contacted() > 0 ? absl::StrCat(followups.contacted(), " contacted") : ""),
      Figure("headline-sla", "SLA compliance", SlaCompliance(followups),
             followups.sla_leads() > 0
                 ? absl::StrCat(followups.sla_met(), " of ", followups.sla_leads(), " in time")
                 : "no lead with an SLA"),
      Figure("headline-conversion", "Conversion",
             conversion.leads() > 0 ? Percent(conversion.conversion_rate())
                                    : std::string(html::kNoFigure),
             conversion.leads() > 0 ? absl::StrCat(conversion.converted(), " converted") : ""),
      "</dl>\n");
}

std::string Section(absl::string_view id, absl::string_view heading, absl::string_view content) {
  return absl::StrCat("<section id=\"", id, "\"><h2>", Escape(heading), "</h2>\n", content,
                      "</section>\n");
}

std::string VolumeSection(const v1::DistributionResponse& distribution) {
  const double threshold = distribution.high_quality_threshold();
  std::vector<BarRow> bars;
  std::vector<std::vector<std::string>> table;
  double most = 0;
  for (const v1::DistributionRow& row : distribution.rows()) {
    const std::string name = KeyLabel(row.key());
    const int64_t other = row.leads() - row.high_quality_leads();
    bars.push_back(BarRow{
        name,
        {{static_cast<double>(row.high_quality_leads()), "hq",
          absl::StrCat(name, ": ", row.high_quality_leads(), " high-quality leads")},
         {static_cast<double>(other), "rest", absl::StrCat(name, ": ", other, " other leads")}},
        absl::StrCat(row.leads(), " · ", Percent(row.high_quality_share()), " HQ")});
    most = std::max(most, static_cast<double>(row.leads()));
    table.push_back({Escape(name), absl::StrCat(row.leads()), Percent(row.share()),
                     absl::StrCat(row.high_quality_leads()), Percent(row.high_quality_share()),
                     absl::StrFormat("%.1f", row.quality_mean()),
                     absl::StrCat(row.reassigned_away())});
  }
  return Section(
      "volume", "Leads per rep",
      absl::StrCat(
          "<figure>", html::HorizontalBars("Leads per rep, high quality first", bars, most),
          absl::StrFormat("<p class=\"legend\"><span class=\"swatch hq\"></span>high quality "
                          "(quality ≥ %g)<span class=\"swatch rest\"></span>other</p>",
                          threshold),
          "<figcaption>Each bar is the leads a rep received; its dark part the high-quality "
          "ones, so an even split of volume that hides an uneven split of quality "
          "shows.</figcaption>"
          "</figure>\n",
          html::Table({"Rep", "Leads", "Share", "High quality", "HQ share", "Mean quality",
                       "Reassigned away"},
                      table)));
}

// The calendar day a bucket starts. Buckets start at midnight in the server's time zone, which
// the message does not name; the UTC day of start + 12 h is that day for any zone within ±12 h.
std::string DayText(const google::protobuf::Timestamp& start) {
  const absl::Time noon = absl::FromUnixSeconds(start.seconds()) + absl::Hours(12);
  return absl::FormatTime("%b %d", noon, absl::UTCTimeZone());
}

std::string FairnessSection(const v1::DistributionResponse& by_day) {
  const auto& buckets = by_day.fairness_by_bucket();
  if (buckets.empty()) {
    return Section("fairness", "Fairness over time", "<p>No daily figures for this range.</p>\n");
  }
  const size_t n = static_cast<size_t>(buckets.size());
  const auto at = [n](size_t i) {
    return n == 1 ? 0.5 : static_cast<double>(i) / static_cast<double>(n - 1);
  };
  std::vector<std::pair<double, double>> count;
  std::vector<std::pair<double, double>> quality;
  std::vector<std::string> count_tips;
  std::vector<std::string> quality_tips;
  std::vector<html::Tick> ticks;
  const size_t step = (n + 5) / 6;  // at most six dates fit under the axis
  for (size_t i = 0; i < n; ++i) {
    const v1::BucketFairness& b = buckets[static_cast<int>(i)];
    const std::string day = DayText(b.bucket_start());
    count.emplace_back(at(i), b.gini_count());
    quality.emplace_back(at(i), b.gini_quality());
    count_tips.push_back(absl::StrCat(day, ": Gini of leads ", Fixed2(b.gini_count())));
    quality_tips.push_back(absl::StrCat(day, ": Gini of quality ", Fixed2(b.gini_quality())));
    if (i % step == 0) ticks.push_back({at(i), day});
  }
  const html::Chart chart({.width = 440, .height = 200, .y_max = 1});
  const std::string svg = chart.Svg("Gini of leads and of quality per day",
                                    absl::StrCat(chart.Axes("day", "Gini (0 = even)", ticks),
                                                 chart.Line(count, count_tips, "first"),
                                                 chart.Line(quality, quality_tips, "second")));
  return Section(
      "fairness", "Fairness over time",
      absl::StrCat("<figure>", svg,
                   "<p class=\"legend\"><span class=\"swatch line\"></span>Gini of leads"
                   "<span class=\"swatch second\"></span>Gini of quality</p>"
                   "<figcaption>The Gini index of each day's leads and of their quality across "
                   "reps: 0 when every rep received the same, towards 1 when a few received "
                   "everything. A rising line is a day the routing favoured someone.</figcaption>"
                   "</figure>\n"));
}

std::string FirstContactSection(const v1::FollowUpsResponse& followups) {
  const v1::FollowUpsRow& total = followups.total();
  if (total.contacted() == 0) {
    return Section("first-contact", "Time to first contact",
                   "<p>No lead in this range has been contacted yet.</p>\n");
  }
  struct Bucket {
    absl::string_view name;
    int64_t leads;
  };
  const Bucket buckets[] = {{"< 1 h", total.first_contact_under_1h()},
                            {"1–8 h", total.first_contact_1h_to_8h()},
                            {"8–24 h", total.first_contact_8h_to_24h()},
                            {"≥ 24 h", total.first_contact_24h_or_more()}};
  int64_t most = 1;
  for (const Bucket& b : buckets) most = std::max(most, b.leads);
  // A multiple of four, so that the five y ticks are whole leads.
  const html::Chart chart(
      {.width = 320, .height = 200, .y_max = static_cast<double>((most + 3) / 4 * 4)});
  std::string bars;
  std::vector<html::Tick> ticks;
  for (size_t i = 0; i < std::size(buckets); ++i) {
    const double from = static_cast<double>(i) / 4;
    absl::StrAppend(
        &bars,
        chart.Bar(from + 0.03, from + 0.22, static_cast<double>(buckets[i].leads), "bar",
                  absl::StrCat(buckets[i].leads, " leads first contacted in ", buckets[i].name)));
    ticks.push_back({from + 0.125, std::string(buckets[i].name)});
  }
  return Section(
      "first-contact", "Time to first contact",
      absl::StrCat(
          "<figure>",
          chart.Svg("Contacted leads by time from assignment to first contact",
                    absl::StrCat(chart.Axes("time to first contact", "leads", ticks), bars)),
          absl::StrFormat(
              "<figcaption>%d of %d leads contacted (%s). Wall-clock time to the first contact: "
              "median %s, 90th percentile %s; in the owner's working time: median %s, 90th "
              "percentile %s.</figcaption></figure>\n",
              total.contacted(), total.leads(), Percent(total.contact_rate()),
              Duration(total.first_contact_median()), Duration(total.first_contact_p90()),
              Duration(total.first_contact_working_median()),
              Duration(total.first_contact_working_p90()))));
}

std::string SlaSection(const v1::FollowUpsResponse& followups) {
  std::vector<BarRow> bars;
  std::vector<std::vector<std::string>> table;
  for (const v1::FollowUpsRow& row : followups.rows()) {
    const std::string name = KeyLabel(row.key());
    BarRow bar{name, {}, "no lead with an SLA"};
    if (row.sla_leads() > 0) {
      bar.segments.push_back({row.sla_compliance(), "bar",
                              absl::StrCat(name, ": ", row.sla_met(), " of ", row.sla_leads(),
                                           " SLA leads contacted in time")});
      bar.note = absl::StrCat(Percent(row.sla_compliance()), " of ", row.sla_leads());
    }
    bars.push_back(std::move(bar));
    table.push_back({Escape(name), absl::StrCat(row.leads()), absl::StrCat(row.contacted()),
                     Percent(row.contact_rate()), ContactDuration(row, row.first_contact_median()),
                     ContactDuration(row, row.first_contact_p90()),
                     ContactDuration(row, row.first_contact_working_median()),
                     absl::StrCat(row.sla_met(), " / ", row.sla_leads()), SlaCompliance(row),
                     absl::StrCat(row.breaches()), absl::StrCat(row.breaches_reassigned()),
                     absl::StrCat(row.breaches_escalated()), absl::StrCat(row.tasks_overdue())});
  }
  return Section(
      "sla", "SLA compliance by rep",
      absl::StrCat(
          "<figure>",
          html::HorizontalBars("Share of SLA leads first contacted in time, per rep", bars, 1),
          "<figcaption>Of the leads whose rule set an SLA and whose deadline has come, the share "
          "the rep contacted in time.</figcaption></figure>\n",
          html::Table({"Rep", "Leads", "Contacted", "Contact rate", "Median first contact",
                       "90th percentile", "Working-time median", "SLA met", "SLA compliance",
                       "Breaches", "Reassigned", "Escalated", "Overdue tasks"},
                      table)));
}

// `column` names the grouping in the table's first column ("Source", "Rule").
std::string ConversionSection(absl::string_view id, absl::string_view heading,
                              absl::string_view column, const v1::ConversionResponse& report) {
  if (report.rows().empty()) {
    return Section(id, heading, "<p>No leads to convert in this range.</p>\n");
  }
  std::vector<BarRow> bars;
  std::vector<std::vector<std::string>> table;
  double best = 0;
  for (const v1::ConversionRow& row : report.rows()) {
    const std::string name = KeyLabel(row.key());
    bars.push_back(BarRow{
        name,
        {{row.conversion_rate(), "bar",
          absl::StrCat(name, ": ", row.converted(), " of ", row.leads(), " leads converted")}},
        absl::StrCat(Percent(row.conversion_rate()), " of ", row.leads())});
    best = std::max(best, row.conversion_rate());
    table.push_back(
        {Escape(name), absl::StrCat(row.leads()), absl::StrCat(row.converted()),
         absl::StrCat(row.lost()), absl::StrCat(row.open()), Percent(row.conversion_rate()),
         Percent(row.win_rate()), Money(row.converted_value()),
         row.converted() > 0 ? Duration(row.time_to_convert_mean()) : std::string(html::kNoFigure),
         row.has_predicted_rate() ? Percent(row.predicted_rate()) : std::string(html::kNoFigure)});
  }
  return Section(
      id, heading,
      absl::StrCat(
          "<figure>", html::HorizontalBars(heading, bars, best > 0 ? best : 1), "</figure>\n",
          html::Table({std::string(column), "Leads", "Converted", "Lost", "Open", "Conversion",
                       "Win rate", "Converted value", "Mean time to convert", "Predicted"},
                      table)));
}

// A rep's tallies in the real and the backtested distribution (either may be missing when the
// roster changed).
struct RepPair {
  std::string name;
  v1::RepTally actual;
  v1::RepTally candidate;
};

// In the real summary's order (name order), then reps only the backtest has.
std::vector<RepPair> PairReps(const v1::BacktestResponse& backtest) {
  std::vector<RepPair> pairs;
  std::map<std::string, size_t> index;  // rep -> its place in `pairs`
  const auto pair_of = [&](const std::string& rep) -> RepPair& {
    const auto [at, added] = index.emplace(rep, pairs.size());
    if (added) pairs.push_back(RepPair{rep, {}, {}});
    return pairs[at->second];
  };
  for (const v1::RepTally& rep : backtest.actual().reps()) pair_of(rep.rep()).actual = rep;
  for (const v1::RepTally& rep : backtest.candidate().reps()) pair_of(rep.rep()).candidate = rep;
  for (RepPair& pair : pairs) {
    const std::string& display = !pair.actual.display_name().empty()
                                     ? pair.actual.display_name()
                                     : pair.candidate.display_name();
    if (!display.empty()) pair.name = display;
  }
  return pairs;
}

BarRow TallyBar(const std::string& name, const v1::RepTally& tally) {
  const int64_t other = tally.count() - tally.high_quality_count();
  return BarRow{
      name,
      {{static_cast<double>(tally.high_quality_count()), "hq",
        absl::StrCat(name, ": ", tally.high_quality_count(), " high-quality leads")},
       {static_cast<double>(other), "rest", absl::StrCat(name, ": ", other, " other leads")}},
      absl::StrCat(tally.count())};
}

std::string BacktestHeadline(const v1::BacktestResponse& backtest) {
  const bool any = backtest.leads() > 0;
  const double changed =
      any ? static_cast<double>(backtest.changed()) / static_cast<double>(backtest.leads()) : 0;
  return absl::StrCat(
      "<dl class=\"headline\">",
      Figure("headline-leads", "Leads replayed", absl::StrCat(backtest.leads()),
             backtest.truncated() ? "more matched: the oldest only" : ""),
      Figure("headline-changed", "Rep would change", absl::StrCat(backtest.changed()),
             any ? Percent(changed) : ""),
      Figure("headline-gini-actual", "Gini of leads, real",
             any ? Fixed2(backtest.actual().gini_count()) : std::string(html::kNoFigure),
             any ? absl::StrCat("of quality ", Fixed2(backtest.actual().gini_quality())) : ""),
      Figure("headline-gini-candidate", "Gini of leads, backtested",
             any ? Fixed2(backtest.candidate().gini_count()) : std::string(html::kNoFigure),
             any ? absl::StrCat("of quality ", Fixed2(backtest.candidate().gini_quality())) : ""),
      "</dl>\n");
}

std::string BacktestDistribution(const v1::BacktestResponse& backtest) {
  const std::vector<RepPair> pairs = PairReps(backtest);
  std::vector<BarRow> actual;
  std::vector<BarRow> candidate;
  std::vector<std::vector<std::string>> table;
  double most = 0;
  for (const RepPair& pair : pairs) {
    actual.push_back(TallyBar(pair.name, pair.actual));
    candidate.push_back(TallyBar(pair.name, pair.candidate));
    most = std::max({most, static_cast<double>(pair.actual.count()),
                     static_cast<double>(pair.candidate.count())});
    const int64_t difference = int64_t{pair.candidate.count()} - pair.actual.count();
    table.push_back({Escape(pair.name), absl::StrCat(pair.actual.count()),
                     absl::StrCat(pair.candidate.count()),
                     absl::StrCat(difference > 0 ? "+" : "", difference),
                     absl::StrCat(pair.actual.high_quality_count()),
                     absl::StrCat(pair.candidate.high_quality_count()),
                     absl::StrFormat("%.1f", pair.actual.quality_mean()),
                     absl::StrFormat("%.1f", pair.candidate.quality_mean())});
  }
  // Both charts on one scale, so that bars of the same length are the same number of leads.
  return Section(
      "distribution", "Leads per rep, real and backtested",
      absl::StrCat(
          "<div class=\"charts\"><figure>",
          html::HorizontalBars("Real leads per rep, high quality first", actual, most),
          "<figcaption>What really happened.</figcaption></figure><figure>",
          html::HorizontalBars("Backtested leads per rep, high quality first", candidate, most),
          "<figcaption>What the backtested rules would do.</figcaption></figure></div>\n",
          absl::StrFormat("<p class=\"legend\"><span class=\"swatch hq\"></span>high quality "
                          "(quality ≥ %g)<span class=\"swatch rest\"></span>other</p>\n",
                          backtest.candidate().high_quality_threshold()),
          html::Table({"Rep", "Real", "Backtested", "Change", "Real HQ", "Backtested HQ",
                       "Real mean quality", "Backtested mean quality"},
                      table)));
}

std::string BacktestChanges(const v1::BacktestResponse& backtest) {
  // The page stays readable: the full list is the command's text or JSON output.
  constexpr int kShown = 100;
  std::vector<std::vector<std::string>> table;
  for (const v1::BacktestChange& change : backtest.changes()) {
    if (static_cast<int>(table.size()) == kShown) break;
    const std::string rule = RuleText(change.candidate_rule());
    table.push_back(
        {Escape(change.lead()),
         Escape(change.actual_rep().empty() ? std::string(html::kNoFigure) : change.actual_rep()),
         Escape(change.candidate_rep().empty() ? std::string(html::kNoFigure)
                                               : change.candidate_rep()),
         Escape(client::OutcomeText(change.candidate_outcome())),
         Escape(rule.empty() ? std::string(html::kNoFigure) : rule)});
  }
  const std::string more = backtest.changed() > static_cast<int>(table.size())
                               ? absl::StrFormat("<p>The first %d of %d changed leads.</p>\n",
                                                 table.size(), backtest.changed())
                               : "";
  return Section("changes", "Leads whose rep would change",
                 table.empty()
                     ? "<p>No lead would go to another rep.</p>\n"
                     : absl::StrCat(more, html::Table({"Lead", "Real rep", "Backtested rep",
                                                       "Outcome", "Backtested rule"},
                                                      table)));
}

}  // namespace

std::string RenderReportHtml(const ReportPage& page) {
  std::string body = absl::StrCat(
      "<h1>", Escape(page.title), "</h1>\n",
      absl::StrFormat("<p class=\"sub\">%d reps; high quality means quality ≥ %g.</p>\n",
                      page.distribution.rows_size(), page.distribution.high_quality_threshold()),
      Headline(page));
  if (page.distribution.total().leads() == 0) {
    absl::StrAppend(&body, "<p class=\"empty\" id=\"empty\">No leads in this range.</p>\n");
  } else {
    absl::StrAppend(&body, VolumeSection(page.distribution),
                    FairnessSection(page.distribution_by_day), FirstContactSection(page.followups),
                    SlaSection(page.followups),
                    ConversionSection("conversion-source", "Conversion by source", "Source",
                                      page.conversion_by_source),
                    ConversionSection("conversion-rule", "Conversion by rule", "Rule",
                                      page.conversion_by_rule));
  }
  return html::Page(page.title, kReportCss, body);
}

std::string RenderBacktestHtml(const v1::BacktestResponse& backtest, std::string_view title_text) {
  const absl::string_view title(title_text.data(), title_text.size());
  std::string body = absl::StrCat(
      "<h1>", Escape(title), "</h1>\n",
      backtest.version() > 0
          ? absl::StrFormat("<p class=\"sub\">Rules version %d.</p>\n", backtest.version())
          : "",
      BacktestHeadline(backtest));
  if (backtest.truncated()) {
    absl::StrAppend(&body,
                    "<p class=\"warning\">More leads matched than were replayed: these are "
                    "the oldest.</p>\n");
  }
  if (backtest.leads() == 0) {
    absl::StrAppend(&body, "<p class=\"empty\" id=\"empty\">No leads in this range.</p>\n");
  } else {
    absl::StrAppend(&body, BacktestDistribution(backtest), BacktestChanges(backtest));
  }
  return html::Page(title, kReportCss, body);
}

}  // namespace leadrouter::leadctl
