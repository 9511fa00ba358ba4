// GoogleTest helpers for absl::Status, which Abseil 20220623 does not provide.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace leadrouter::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Matches a Status or StatusOr whose code is `code` and whose message matches `message_matcher`.
MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher, negation)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                       result_listener);
}

}  // namespace leadrouter::testing

// Each evaluates `expr` once, even on failure, so calls with side effects are safe to pass.
#define EXPECT_OK(expr)                                                          \
  do {                                                                           \
    const auto& _leadrouter_status_value = (expr);                               \
    EXPECT_TRUE(::leadrouter::testing::GetStatus(_leadrouter_status_value).ok()) \
        << ::leadrouter::testing::GetStatus(_leadrouter_status_value);           \
  } while (false)
#define ASSERT_OK(expr)                                                          \
  do {                                                                           \
    const auto& _leadrouter_status_value = (expr);                               \
    ASSERT_TRUE(::leadrouter::testing::GetStatus(_leadrouter_status_value).ok()) \
        << ::leadrouter::testing::GetStatus(_leadrouter_status_value);           \
  } while (false)
