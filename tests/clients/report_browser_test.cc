// The report page in a real headless Chromium, at a laptop's and a phone's width: it loads with no
// console error and no request beyond the file, shows the figures the fixture holds, fits the
// screen (tables scroll inside their box) and is photographed whole. With
// LEADROUTER_SCREENSHOT_DIR set, the screenshots are written there as report-laptop.png,
// report-phone.png and backtest-*.png (how docs/images/ gets them, see docs/reports.md). Skipped
// when chromium is not installed (Debian: apt-get install chromium; scripts/install-deps.sh
// installs it).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_format.h"
#include "clients/leadctl/report_html.h"
#include "headless_chromium.h"
#include "report_fixture.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace leadrouter::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Starting a browser on a busy two-core machine takes seconds; a minute means it hung.
constexpr absl::Duration kTimeout = absl::Seconds(90);

struct Width {
  const char* name;
  Viewport viewport;
};
constexpr Width kLaptop = {"laptop", {.width = 1280, .height = 800, .mobile = false}};
constexpr Width kPhone = {"phone", {.width = 390, .height = 844, .mobile = true}};

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.Child(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The width a PNG says it is (its IHDR chunk, big-endian at byte 16).
int PngWidth(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return -1;
  const auto byte = [&png](size_t i) {
    return static_cast<int>(static_cast<unsigned char>(png[i]));
  };
  return byte(16) << 24 | byte(17) << 16 | byte(18) << 8 | byte(19);
}

// Where the screenshots go: LEADROUTER_SCREENSHOT_DIR if set, else the test's temp dir.
std::filesystem::path ScreenshotDir(const TempDir& dir) {
  const char* chosen = std::getenv("LEADROUTER_SCREENSHOT_DIR");
  return chosen != nullptr && *chosen ? std::filesystem::path(chosen) : dir.path();
}

class ReportBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    if (chromium_.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  }
  std::string chromium_;
};

TEST_F(ReportBrowserTest, FixtureReportAtLaptopAndPhoneWidth) {
  const TempDir dir;
  const leadctl::ReportPage page = FixtureReportPage();
  const std::string file = WriteFile(dir, "report.html", leadctl::RenderReportHtml(page));
  for (const Width& width : {kLaptop, kPhone}) {
    SCOPED_TRACE(width.name);
    absl::StatusOr<PageCapture> capture = CapturePage(chromium_, file, width.viewport, kTimeout);
    ASSERT_OK(capture.status());
    EXPECT_THAT(capture->problems, IsEmpty());

    // The figures, as the browser parsed them (not just as written).
    const std::string& dom = capture->dom;
    EXPECT_THAT(dom, HasSubstr("<h1>Leads 1–30 Nov 2026</h1>"));
    EXPECT_THAT(dom, HasSubstr("<dd id=\"headline-leads\">393<"));
    EXPECT_THAT(dom, HasSubstr(absl::StrFormat("<dd id=\"headline-gini\">%.2f<",
                                               page.distribution.gini_count())));
    EXPECT_THAT(dom, HasSubstr("<dd id=\"headline-first-contact\">1 h 5 min<"));
    EXPECT_THAT(dom, HasSubstr("<dd id=\"headline-conversion\">16.0%<"));
    for (const std::string& rep : FixtureReps()) EXPECT_THAT(dom, HasSubstr(rep));
    // Six charts, each named for screen readers, and every fairness day drawn.
    size_t charts = 0;
    for (size_t at = dom.find("<svg"); at != std::string::npos; at = dom.find("<svg", at + 1)) {
      ++charts;
      EXPECT_EQ(dom.compare(dom.find('>', at) + 1, 7, "<title>"), 0) << dom.substr(at, 200);
    }
    EXPECT_EQ(charts, 6u);
    EXPECT_THAT(dom, HasSubstr("Nov 30: Gini of quality"));

    // Nothing wider than the screen: the wide tables scroll inside their own box.
    EXPECT_LE(capture->content_width, width.viewport.width);
    EXPECT_EQ(PngWidth(capture->png), width.viewport.width);
    const std::filesystem::path shot =
        ScreenshotDir(dir) / absl::StrFormat("report-%s.png", width.name);
    std::ofstream(shot, std::ios::binary) << capture->png;
    EXPECT_GT(std::filesystem::file_size(shot), 10000u) << shot;
  }
}

TEST_F(ReportBrowserTest, BacktestAndEmptyPagesLoadCleanly) {
  const TempDir dir;
  const std::string backtest = WriteFile(
      dir, "backtest.html", leadctl::RenderBacktestHtml(FixtureBacktest(), "Backtest of v7"));
  for (const Width& width : {kLaptop, kPhone}) {
    SCOPED_TRACE(width.name);
    absl::StatusOr<PageCapture> capture =
        CapturePage(chromium_, backtest, width.viewport, kTimeout);
    ASSERT_OK(capture.status());
    EXPECT_THAT(capture->problems, IsEmpty());
    EXPECT_THAT(capture->dom, HasSubstr("<dd id=\"headline-changed\">40<"));
    EXPECT_LE(capture->content_width, width.viewport.width);
    std::ofstream(ScreenshotDir(dir) / absl::StrFormat("backtest-%s.png", width.name),
                  std::ios::binary)
        << capture->png;
  }

  leadctl::ReportPage empty;
  empty.title = "Leads 1–7 Dec 2026";
  const std::string nothing = WriteFile(dir, "empty.html", leadctl::RenderReportHtml(empty));
  absl::StatusOr<PageCapture> capture = CapturePage(chromium_, nothing, kLaptop.viewport, kTimeout);
  ASSERT_OK(capture.status());
  EXPECT_THAT(capture->problems, IsEmpty());
  EXPECT_THAT(capture->dom, HasSubstr("No leads in this range."));
}

// The harness itself: a page that fetches from the network and logs an error is caught, so the
// clean results above mean something.
TEST_F(ReportBrowserTest, CatchesRemoteLoadsAndConsoleErrors) {
  const TempDir dir;
  const std::string file =
      WriteFile(dir, "bad.html",
                "<!DOCTYPE html><html><head><title>bad</title></head><body>"
                "<img src=\"http://example.invalid/logo.png\" alt=\"\">"
                "<script>console.error('broken chart')</script></body></html>");
  absl::StatusOr<PageCapture> capture = CapturePage(chromium_, file, kLaptop.viewport, kTimeout);
  ASSERT_OK(capture.status());
  const std::string problems = ::testing::PrintToString(capture->problems);
  EXPECT_THAT(problems, HasSubstr("request beyond the file: http://example.invalid/logo.png"));
  EXPECT_THAT(problems, HasSubstr("failed load of http://example.invalid/logo.png"));
  EXPECT_THAT(problems, HasSubstr("broken chart"));
}

}  // namespace
}  // namespace leadrouter::testing
