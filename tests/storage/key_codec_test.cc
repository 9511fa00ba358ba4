#include "storage/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "status_matchers.h"
#include "storage/counter_keys.h"

namespace leadrouter::storage {
namespace {

using ::leadrouter::testing::StatusIs;

TEST(KeyCodecTest, IntegersRoundTrip) {
  for (const uint64_t value : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256},
                               std::numeric_limits<uint64_t>::max()}) {
    const std::string key = KeyWriter().U64(value).key();
    KeyReader reader(key);
    EXPECT_EQ(*reader.U64(), value);
    EXPECT_TRUE(reader.done());
  }
  for (const int64_t value : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                              int64_t{1}, std::numeric_limits<int64_t>::max()}) {
    const std::string key = KeyWriter().I64(value).key();
    KeyReader reader(key);
    EXPECT_EQ(*reader.I64(), value);
  }
  const std::string key = KeyWriter().Byte(7).U32(70000).key();
  KeyReader reader(key);
  EXPECT_EQ(*reader.Byte(), 7);
  EXPECT_EQ(*reader.U32(), 70000u);
}

TEST(KeyCodecTest, IntegersSortNumerically) {
  std::vector<int64_t> values = {5, -3, 0, 1 << 20, -(1LL << 40), 2, 10, 255, 256};
  std::vector<std::string> keys;
  for (int64_t v : values) keys.push_back(KeyWriter().I64(v).key());
  std::sort(values.begin(), values.end());
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(*KeyReader(keys[i]).I64(), values[i]);
}

TEST(KeyCodecTest, StringsWithZeroBytesRoundTrip) {
  const std::vector<std::string> cases = {"",
                                          "a",
                                          std::string("\0", 1),
                                          std::string("a\0b", 3),
                                          std::string("\0\xff\x01", 3),
                                          "reps/ana",
                                          std::string("\xff\xff", 2),
                                          std::string("\0\0", 2),
                                          std::string("ab\0\0cd\0", 7)};
  for (const std::string& value : cases) {
    const std::string key = KeyWriter().String(value).U64(42).key();
    KeyReader reader(key);
    absl::StatusOr<std::string> decoded = reader.String();
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, value);
    EXPECT_EQ(*reader.U64(), 42u);
    EXPECT_TRUE(reader.done());
  }
}

TEST(KeyCodecTest, WriterContinuesAnEncodedPrefix) {
  const std::string prefix = KeyWriter().Byte(2).String("rule").key();
  EXPECT_EQ(KeyWriter(prefix).String(std::string("a\0", 2)).I64(-5).key(),
            KeyWriter().Byte(2).String("rule").String(std::string("a\0", 2)).I64(-5).key());
}

TEST(CounterKeysTest, RoundTripInEveryScope) {
  const std::vector<CounterKey> keys = {
      {CounterScope::kRep, "", "ana", CounterKind::kDay, 20'000},
      {CounterScope::kRep, "", std::string("a\0n", 3), CounterKind::kOpen, 0},
      {CounterScope::kRuleRep, "tech", "ana", CounterKind::kMonth, 24'300},
      {CounterScope::kRuleRep, "", "ben", CounterKind::kTurn, 0},
      {CounterScope::kRule, "hot", "", CounterKind::kRuleState, 0},
  };
  for (const CounterKey& key : keys) {
    const std::string encoded = EncodeCounterKey(key);
    absl::StatusOr<CounterKey> decoded = DecodeCounterKey(encoded);
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, key) << DescribeCounterKey(key);
  }
}

// Readers encode the (scope, rule, rep) part once and add each kind and period to it.
TEST(CounterKeysTest, TwoStepEncodingGivesTheSameBytes) {
  for (const CounterScope scope :
       {CounterScope::kRep, CounterScope::kRuleRep, CounterScope::kRule}) {
    const CounterKey key{scope, scope == CounterScope::kRep ? "" : "big deals",
                         scope == CounterScope::kRule ? "" : std::string("re\0p", 4),
                         CounterKind::kWeek, -3};
    EXPECT_EQ(EncodeCounterKey(EncodeCounterKeyPrefix(key.scope, key.rule, key.rep), key.kind,
                               key.period),
              EncodeCounterKey(key));
  }
}

// The property the layout relies on: (string, number) keys sort by string, then number, whatever
// bytes the strings hold; a string never bleeds into the part after it.
TEST(KeyCodecTest, CompositeKeysSortByPartsInOrder) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> length(0, 4);
  std::uniform_int_distribution<int> byte(0, 3);  // few distinct bytes: many shared prefixes
  const char alphabet[] = {'\0', '\x01', 'a', '\xff'};
  std::vector<std::pair<std::string, uint64_t>> parts;
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    for (int n = length(random); n > 0; --n) s.push_back(alphabet[byte(random)]);
    parts.emplace_back(s, random() % 4);
  }
  std::vector<std::string> keys;
  for (const auto& [s, n] : parts) keys.push_back(KeyWriter().String(s).U64(n).key());
  std::sort(parts.begin(), parts.end());
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < parts.size(); ++i) {
    KeyReader reader(keys[i]);
    EXPECT_EQ(*reader.String(), parts[i].first);
    EXPECT_EQ(*reader.U64(), parts[i].second);
  }
}

TEST(KeyCodecTest, PrefixOfLeadingPartsSelectsExactlyThoseKeys) {
  const std::string prefix = KeyWriter().String("leads/a").key();
  const std::string end = PrefixEnd(prefix);
  EXPECT_LT(prefix, KeyWriter().String("leads/a").U64(0).key());
  EXPECT_LT(KeyWriter().String("leads/a").U64(~uint64_t{0}).key(), end);
  // "leads/ab" and "leads/a\0" are other leads and fall outside the range.
  const std::string ab = KeyWriter().String("leads/ab").U64(1).key();
  const std::string a0 = KeyWriter().String(std::string("leads/a\0", 8)).U64(1).key();
  EXPECT_FALSE(ab >= prefix && ab < end);
  EXPECT_FALSE(a0 >= prefix && a0 < end);
}

TEST(KeyCodecTest, PrefixEnd) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), "");
}

TEST(KeyCodecTest, MalformedKeysAreDataLossNotCrashes) {
  EXPECT_THAT(KeyReader("abc").U64(), StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  EXPECT_THAT(KeyReader("").Byte(), StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  EXPECT_THAT(KeyReader("abc").String(), StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  EXPECT_THAT(KeyReader(std::string("a\0", 2)).String(),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  EXPECT_THAT(KeyReader(std::string("a\0b", 3)).String(),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::HasSubstr("escape")));
}

}  // namespace
}  // namespace leadrouter::storage
