#include "clients/common/progress.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace leadrouter::client {

std::string ProgressLine(uint64_t done, uint64_t total, const std::string& unit) {
  constexpr uint64_t kWidth = 40;
  const uint64_t shown = std::min(done, total);
  const uint64_t filled = total == 0 ? kWidth : kWidth * shown / total;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  return absl::StrCat("[", bar, "] ", done, "/", total, " ", unit);
}

Progress::Progress(std::string unit, uint64_t total, ProgressOptions options)
    : unit_(std::move(unit)),
      total_(total),
      options_(options),
      enabled_(options.out != nullptr && total >= options.min_total &&
               (options.force || isatty(fileno(options.out)) == 1)) {}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t done) {
  last_done_ = done;
  if (!enabled_ || finished_) return;
  const int permille =
      total_ == 0 ? 1000 : static_cast<int>(1000 * std::min(done, total_) / total_);
  if (permille / 10 == last_permille_ / 10 && last_permille_ >= 0) return;
  last_permille_ = permille;
  Draw(done);
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  Draw(last_done_);
  std::fputc('\n', options_.out);
  std::fflush(options_.out);
}

void Progress::Draw(uint64_t done) {
  std::fprintf(options_.out, "\r%s", ProgressLine(done, total_, unit_).c_str());
  std::fflush(options_.out);
}

}  // namespace leadrouter::client
