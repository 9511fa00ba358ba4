// Instants written as RFC 3339 text in tests, e.g. At("2026-03-09T14:00:00-04:00").
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "absl/time/time.h"

namespace leadrouter::testing {

// Text that does not parse fails the test (and yields the Unix epoch).
inline absl::Time At(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &error)) << text << ": " << error;
  return t;
}

}  // namespace leadrouter::testing
