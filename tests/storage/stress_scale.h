// How much of a stress loop to run: all of it in the release build, a tenth under sanitizers
// (which slow RocksDB down 5-20x), or what LEADROUTER_STRESS_SCALE (a percentage) says.
#pragma once

#include <algorithm>
#include <cstdlib>

#include "sanitizers.h"

namespace leadrouter::storage::testing {

inline int ScaledIterations(int full) {
  int percent = 100;
  if (::leadrouter::testing::kUnderSanitizer) percent = 10;
  if (const char* env = std::getenv("LEADROUTER_STRESS_SCALE"); env != nullptr) {
    percent = std::atoi(env);
  }
  return std::max(1, full * percent / 100);
}

}  // namespace leadrouter::storage::testing
