// Opens a local HTML file in a real headless Chromium and reports what a reader's browser would:
// the rendered DOM, the page's width, a full-page screenshot, and every console error, script
// exception, failed load or request that left the machine. Driven over the DevTools protocol on a
// pipe (--remote-debugging-pipe): no port to pick, no output to scrape.
//
// Each capture starts its own browser with a fresh profile in a temp dir, in its own process group,
// and kills that group when it is done or when the deadline passes, so a hung browser fails the
// test instead of hanging it or outliving it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace leadrouter::testing {

// The Chromium to run: $LEADROUTER_CHROMIUM, else `chromium` (Debian's package) on PATH; "" when
// there is none.
std::string FindChromium();

struct Viewport {
  int width = 1280;     // CSS pixels
  int height = 800;     // the window; the screenshot covers the whole page regardless
  bool mobile = false;  // a phone: touch, and the page's <meta name="viewport"> applies
};

struct PageCapture {
  std::string dom;                    // document.documentElement.outerHTML after the load event
  int content_width = 0;              // the page's scroll width in CSS pixels
  std::vector<std::string> problems;  // console errors, exceptions, failed and remote loads
  std::string png;                    // the whole page, viewport.width pixels wide
};

// Loads `html_file` (an absolute path) at `viewport`. An error is the browser failing (it did not
// start, answered nonsense, or `timeout` passed); problems of the page are in `problems`.
absl::StatusOr<PageCapture> CapturePage(const std::string& chromium, const std::string& html_file,
                                        const Viewport& viewport, absl::Duration timeout);

}  // namespace leadrouter::testing
