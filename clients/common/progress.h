// A progress bar for long commands (import, dry-run of large files, restore), drawn on stderr and
// only when stderr is a terminal: a script, a pipe or a CI log sees nothing, and stdout (the
// command's answer) is never touched.
//
//   client::Progress progress("leads", leads.size());
//   for (...) { ...; progress.Update(done); }
//   progress.Finish();
//
// Redraws at most every 1% (and on Finish), so a hot loop may call Update for every item. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace leadrouter::client {

struct ProgressOptions {
  // Where the bar goes. Default: stderr.
  std::FILE* out = stderr;
  // Draw even when `out` is not a terminal (tests). Default: false
  bool force = false;
  // Totals below this are too quick to be worth a bar. Default: 0 (always)
  uint64_t min_total = 0;
};

class Progress {
 public:
  // `unit` names what is counted ("leads", "bytes"): `[#####.....] 4096/9237 leads`.
  Progress(std::string unit, uint64_t total, ProgressOptions options = {});
  ~Progress();  // Finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Whether anything is drawn.
  bool enabled() const { return enabled_; }

  void Update(uint64_t done);
  // Draws the full bar once more with the last count and ends the line; later calls do nothing.
  void Finish();

 private:
  void Draw(uint64_t done);

  std::string unit_;
  uint64_t total_;
  ProgressOptions options_;
  bool enabled_;
  bool finished_ = false;
  uint64_t last_done_ = 0;
  int last_permille_ = -1;
};

// The bar's text for `done` of `total` (no carriage return), for tests and for Progress.
std::string ProgressLine(uint64_t done, uint64_t total, const std::string& unit);

}  // namespace leadrouter::client
