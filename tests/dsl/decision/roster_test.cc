// Rosters: the reps a program is bound to.
#include "dsl/decision/roster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "decision_testing.h"
#include "status_matchers.h"

namespace leadrouter::dsl {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::HasSubstr;
using testing::Rep;

TEST(Roster, RejectsDuplicateAndEmptyIds) {
  auto program = testing::CompileOrDie("rule \"a\" when true distribute round_robin");
  EXPECT_THAT(Roster::Bind(program, {Rep("x"), Rep("x")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  EXPECT_THAT(Roster::Bind(program, {Rep("")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

}  // namespace
}  // namespace leadrouter::dsl
