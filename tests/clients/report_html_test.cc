// The report and backtest pages (clients/leadctl/report_html.h) and the pieces every leadctl page
// shares (html_page.h), rendered from fixtures: escaped text, the figures a reader looks for, a
// page that says "no leads" instead of drawing NaN, and nothing that would fetch or run anything.
#include "clients/leadctl/report_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "clients/leadctl/html_page.h"
#include "report_fixture.h"

namespace leadrouter::leadctl {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// The page must work offline and without scripts: no script element, no attribute that loads
// something (the renderer always quotes attributes; escaped text cannot hold a quote), no CSS that
// fetches, and the one "http" the SVG namespace (a name, never fetched).
void ExpectSelfContained(const std::string& page) {
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  EXPECT_THAT(page, Not(ContainsRegex("(src|href|srcset|action)=\"")));
  EXPECT_THAT(page, Not(HasSubstr("url(")));
  EXPECT_THAT(page, Not(HasSubstr("@import")));
  EXPECT_THAT(page, Not(ContainsRegex(" on[a-z]+=\"")));  // event handler attributes
  const std::string without_namespace =
      absl::StrReplaceAll(page, {{"xmlns=\"http://www.w3.org/2000/svg\"", ""}});
  EXPECT_THAT(without_namespace, Not(HasSubstr("http")));
}

// NaN and infinities print as "nan"/"inf" through printf: none may reach the reader.
void ExpectNoNonNumbers(const std::string& page) {
  EXPECT_THAT(page, Not(ContainsRegex("[^a-z](nan|inf|NaN|Infinity)[^a-z]")));
}

TEST(HtmlPageTest, EscapesEveryCharacterThatCouldEndTextOrAnAttribute) {
  EXPECT_EQ(html::Escape(R"(<a href="x">Tom & 'Jerry'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
}

TEST(HtmlPageTest, DurationsAndPercentagesForPeople) {
  EXPECT_EQ(html::HumanDuration(45), "45 s");
  EXPECT_EQ(html::HumanDuration(12 * 60 + 5), "12 min");
  EXPECT_EQ(html::HumanDuration(3600), "1 h");
  EXPECT_EQ(html::HumanDuration(3 * 3600 + 20 * 60), "3 h 20 min");
  EXPECT_EQ(html::HumanDuration(2 * 86400 + 4 * 3600 + 59), "2 d 4 h");
  EXPECT_EQ(html::HumanDuration(-1), "–");
  EXPECT_EQ(html::Percent(0.875), "87.5%");
  EXPECT_EQ(html::Percent(std::nan("")), "–");
}

TEST(HtmlPageTest, ChartsScaleWithTheirContainerAndAreNamed) {
  const html::Chart chart({.width = 200, .height = 100, .y_max = 2});
  EXPECT_DOUBLE_EQ(chart.Y(2) + 100, chart.Y(0));
  EXPECT_DOUBLE_EQ(chart.Y(7), chart.Y(2));  // clamped to the axis
  EXPECT_DOUBLE_EQ(chart.Y(std::nan("")), chart.Y(0));
  const std::string svg = chart.Svg("A <title>", "");
  EXPECT_THAT(svg, AllOf(HasSubstr("viewBox=\"0 0 "), HasSubstr("role=\"img\""),
                         HasSubstr("<title>A &lt;title&gt;</title>")));
}

TEST(ReportHtmlTest, HeadlineFiguresOfTheFixture) {
  const ReportPage page = testing::FixtureReportPage();
  const std::string html = RenderReportHtml(page);
  EXPECT_THAT(html, HasSubstr("<title>Leads 1–30 Nov 2026</title>"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-leads\">393<"));
  EXPECT_THAT(html, HasSubstr(absl::StrFormat("<dd id=\"headline-gini\">%.2f<",
                                              page.distribution.gini_count())));
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-first-contact\">1 h 5 min<"));
  EXPECT_THAT(html, HasSubstr(absl::StrFormat(
                        "<dd id=\"headline-sla\">%.1f%%<",
                        100.0 * static_cast<double>(page.followups.total().sla_met()) /
                            static_cast<double>(page.followups.total().sla_leads()))));
  // 63 of 393 leads converted.
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-conversion\">16.0%<"));
}

TEST(ReportHtmlTest, EveryChartAndGroupIsOnThePage) {
  const std::string html = RenderReportHtml(testing::FixtureReportPage());
  for (const char* section :
       {"volume", "fairness", "first-contact", "sla", "conversion-source", "conversion-rule"}) {
    EXPECT_THAT(html, HasSubstr(absl::StrFormat("<section id=\"%s\">", section)));
  }
  for (const std::string& rep : testing::FixtureReps()) EXPECT_THAT(html, HasSubstr(rep));
  for (const char* group : {"web_form", "referral", "(none)", "enterprise", "otherwise"}) {
    EXPECT_THAT(html, HasSubstr(group));
  }
  // One dot per day on each fairness line, dated by the day the bucket starts.
  EXPECT_THAT(html, HasSubstr("Nov 01: Gini of leads"));
  EXPECT_THAT(html, HasSubstr("Nov 30: Gini of quality"));
  EXPECT_THAT(html, HasSubstr("leads first contacted in ≥ 24 h"));
  // The new rep without leads has no SLA figure rather than 100% or NaN.
  EXPECT_THAT(html, HasSubstr("no lead with an SLA"));
  ExpectNoNonNumbers(html);
  ExpectSelfContained(html);
}

TEST(ReportHtmlTest, EscapesTitleAndLabels) {
  ReportPage page = testing::FixtureReportPage();
  page.title = "Q4 <script>alert('x')</script> & co";
  page.distribution.mutable_rows(0)->mutable_key()->set_label("Ana <b>\"the best\"</b>");
  page.conversion_by_source.mutable_rows(0)->mutable_key()->set_value("<img src=x>");
  const std::string html = RenderReportHtml(page);
  EXPECT_THAT(html, HasSubstr("Q4 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
  EXPECT_THAT(html, HasSubstr("Ana &lt;b&gt;&quot;the best&quot;&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  ExpectSelfContained(html);
}

TEST(ReportHtmlTest, NoLeadsSaysSoInsteadOfDrawingEmptyCharts) {
  ReportPage page;
  page.title = "Leads 1–7 Dec 2026";
  page.followups.mutable_total()->set_sla_compliance(1);  // the report's value with no SLA leads
  const std::string html = RenderReportHtml(page);
  EXPECT_THAT(html, HasSubstr("No leads in this range."));
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-leads\">0<"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-sla\">–<"));
  EXPECT_THAT(html, Not(HasSubstr("<svg")));
  EXPECT_THAT(html, Not(HasSubstr("<section")));
  ExpectNoNonNumbers(html);
  ExpectSelfContained(html);
}

TEST(ReportHtmlTest, LeadsButNoContactOrDaysYet) {
  ReportPage page = testing::FixtureReportPage();
  page.followups = {};
  page.distribution_by_day = {};
  const std::string html = RenderReportHtml(page);
  EXPECT_THAT(html, HasSubstr("No lead in this range has been contacted yet."));
  EXPECT_THAT(html, HasSubstr("No daily figures for this range."));
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-first-contact\">–<"));
  ExpectNoNonNumbers(html);
}

TEST(BacktestHtmlTest, RealAndBacktestedSideBySide) {
  const v1::BacktestResponse backtest = testing::FixtureBacktest();
  const std::string html = RenderBacktestHtml(backtest, "Backtest of v7 <draft>");
  EXPECT_THAT(html, HasSubstr("<h1>Backtest of v7 &lt;draft&gt;</h1>"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-leads\">393<"));
  EXPECT_THAT(html, HasSubstr("<dd id=\"headline-changed\">40<"));
  EXPECT_THAT(html, HasSubstr(absl::StrFormat("<dd id=\"headline-gini-actual\">%.2f<",
                                              backtest.actual().gini_count())));
  EXPECT_THAT(html, HasSubstr(absl::StrFormat("<dd id=\"headline-gini-candidate\">%.2f<",
                                              backtest.candidate().gini_count())));
  EXPECT_THAT(html, HasSubstr("Real leads per rep"));
  EXPECT_THAT(html, HasSubstr("Backtested leads per rep"));
  // Dev Patel really got 61 leads; the candidate rules would give him 33.
  EXPECT_THAT(html, ContainsRegex("<td>Dev Patel</td><td>61</td><td>33</td><td>-28</td>"));
  EXPECT_THAT(html, HasSubstr("<td>leads/L1000</td><td>reps/rep4</td><td>reps/rep12</td>"));
  EXPECT_THAT(html, HasSubstr("&quot;inbound-web&quot; (#2)"));
  ExpectNoNonNumbers(html);
  ExpectSelfContained(html);
}

TEST(BacktestHtmlTest, NoLeads) {
  const std::string html = RenderBacktestHtml(v1::BacktestResponse(), "Backtest");
  EXPECT_THAT(html, HasSubstr("No leads in this range."));
  EXPECT_THAT(html, Not(HasSubstr("<svg")));
  ExpectNoNonNumbers(html);
  ExpectSelfContained(html);
}

}  // namespace
}  // namespace leadrouter::leadctl
