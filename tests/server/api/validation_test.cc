// CheckText, the check every API string passes: length, presence, and UTF-8 exactly as RFC 3629
// says (the old check accepted overlongs, surrogates and code points above U+10FFFF); and
// CheckTimestamp, the one every request time passes.
#include "server/api/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "status_matchers.h"

namespace leadrouter::server {
namespace {

using ::leadrouter::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CheckTextTest, AcceptsUtf8AndTheLimits) {
  EXPECT_TRUE(CheckText("Zoë 😀", "lead.name", 64, /*required=*/true).ok());
  EXPECT_TRUE(CheckText("", "lead.name", 64, /*required=*/false).ok());
  EXPECT_THAT(CheckText("", "lead.name", 64, /*required=*/true),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lead.name")));
  EXPECT_THAT(CheckText(std::string(65, 'a'), "lead.name", 64, /*required=*/false),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 64 bytes, got 65")));
}

TEST(CheckTextTest, RefusesEveryKindOfInvalidUtf8NamingTheFieldAndByte) {
  struct Case {
    std::string text;
    std::string why;
  };
  const Case cases[] = {
      {"\xFF\xFE", "0xFF is never used in UTF-8, at byte 0"},
      {"a\xC0\x80", "0xC0 0x80 is an overlong encoding, at byte 1"},
      {"\xE0\x80\x80", "0xE0 0x80 0x80 is an overlong encoding, at byte 0"},
      {"\xED\xA0\x80", "0xED 0xA0 0x80 is a UTF-16 surrogate, at byte 0"},
      {"\xF4\x90\x80\x80", "0xF4 0x90 0x80 0x80 is above U+10FFFF, at byte 0"},
      {"x\xE2\x82", "0xE2 0x82 is cut short, at byte 1"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CheckText(c.text, "lead.source", 64, /*required=*/false),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("lead.source: not valid UTF-8 (" + c.why + ")")))
        << c.why;
  }
}

// The edges of the Timestamp type: its first and last second are valid, one past either is not.
TEST(CheckTimestampTest, AcceptsTheTypesRangeAndNamesTheFieldOutsideIt) {
  const auto at = [](int64_t seconds, int32_t nanos = 0) {
    google::protobuf::Timestamp time;
    time.set_seconds(seconds);
    time.set_nanos(nanos);
    return time;
  };
  EXPECT_TRUE(CheckTimestamp(at(-62135596800), "until").ok());             // 0001-01-01T00:00:00Z
  EXPECT_TRUE(CheckTimestamp(at(253402300799, 999999999), "until").ok());  // 9999-12-31T23:59:59Z
  EXPECT_TRUE(CheckTimestamp(at(-86400), "until").ok());                   // before 1970
  for (const google::protobuf::Timestamp& bad :
       {at(-62135596801), at(253402300800), at(0, -1), at(0, 1000000000)}) {
    EXPECT_THAT(CheckTimestamp(bad, "lead.create_time"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lead.create_time: ")))
        << bad.ShortDebugString();
  }
}

TEST(CheckTimeRangeTest, UnsetEndsAreOpenAndEachEndIsNamedWhenWrong) {
  v1::TimeRange range;
  absl::StatusOr<MicrosRange> micros = CheckTimeRange(range, "receive_time");
  ASSERT_TRUE(micros.ok());
  EXPECT_EQ(micros->start_us, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(micros->end_us, std::numeric_limits<int64_t>::max());

  range.mutable_start_time()->set_seconds(100);
  range.mutable_end_time()->set_seconds(200);
  micros = CheckTimeRange(range, "receive_time");
  ASSERT_TRUE(micros.ok());
  EXPECT_EQ(micros->start_us, 100'000'000);
  EXPECT_EQ(micros->end_us, 200'000'000);

  range.mutable_end_time()->set_seconds(99);
  EXPECT_THAT(CheckTimeRange(range, "decide_time"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("decide_time.end_time: is before start_time")));
  range.mutable_start_time()->set_nanos(-1);
  EXPECT_THAT(CheckTimeRange(range, "decide_time"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("decide_time.start_time: ")));
}

}  // namespace
}  // namespace leadrouter::server
