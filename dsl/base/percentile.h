// The nearest-rank percentile: the one definition of p50/p90/p99 that the reports and the load
// generator print, so a report's median and a benchmark's median mean the same thing.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace leadrouter::dsl {

// The value of rank ceil(p * n) (at least 1) of `sorted` (ascending), for p in (0, 1]; 0 when
// empty.
inline int64_t NearestRankPercentile(std::span<const int64_t> sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace leadrouter::dsl
