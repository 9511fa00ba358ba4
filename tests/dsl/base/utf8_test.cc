// Strict UTF-8 (RFC 3629): the one check behind rule files, request validation and the request
// parser. The lax check it replaced accepted overlongs, surrogates and code points above U+10FFFF.
#include "dsl/base/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace leadrouter::dsl::utf8 {
namespace {

struct Case {
  std::string text;
  size_t first_invalid;  // npos: valid
  std::string description;
};

TEST(Utf8Test, AcceptsExactlyRfc3629) {
  constexpr size_t kValid = std::string_view::npos;
  const Case cases[] = {
      {"", kValid, ""},
      {"plain ascii", kValid, ""},
      {"caf\xC3\xA9", kValid, ""},               // U+00E9
      {"\xE4\xB8\xAD\xE6\x96\x87", kValid, ""},  // 中文
      {"\xF0\x9F\x98\x80", kValid, ""},          // U+1F600
      {"\xF4\x8F\xBF\xBF", kValid, ""},          // U+10FFFF, the last code point
      {"\xED\x9F\xBF", kValid, ""},              // U+D7FF, just below the surrogates
      {"\xEE\x80\x80", kValid, ""},              // U+E000, just above them
      {"\xFF\xFE", 0, "0xFF is never used in UTF-8"},
      {"a\xC0\x80", 1, "0xC0 0x80 is an overlong encoding"},
      {"\xC1\xBF", 0, "0xC1 0xBF is an overlong encoding"},
      {"\xE0\x80\x80", 0, "0xE0 0x80 0x80 is an overlong encoding"},
      {"\xF0\x80\x80\x80", 0, "0xF0 0x80 0x80 0x80 is an overlong encoding"},
      {"\xED\xA0\x80", 0, "0xED 0xA0 0x80 is a UTF-16 surrogate"},
      {"\xED\xBF\xBF", 0, "0xED 0xBF 0xBF is a UTF-16 surrogate"},
      {"\xF4\x90\x80\x80", 0, "0xF4 0x90 0x80 0x80 is above U+10FFFF"},
      {"\xF5\x80\x80\x80", 0, "0xF5 0x80 0x80 0x80 is never used in UTF-8"},
      {"x\xE2\x82", 1, "0xE2 0x82 is cut short"},
      {"\xE2\x82x", 0, "0xE2 0x82 is cut short"},
      {"ok\x80", 2, "0x80 continues a sequence that never began"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.description.empty() ? "valid: " + c.text : c.description);
    EXPECT_EQ(FirstInvalid(c.text), c.first_invalid);
    EXPECT_EQ(IsValid(c.text), c.first_invalid == kValid);
    if (c.first_invalid != kValid) {
      EXPECT_EQ(DescribeInvalid(c.text, c.first_invalid), c.description);
    }
  }
}

TEST(Utf8Test, DecodeGivesTheCodePointAndLength) {
  EXPECT_EQ(Decode("A", 0).code_point, 0x41u);
  EXPECT_EQ(Decode("\xC3\xA9", 0).code_point, 0xE9u);
  EXPECT_EQ(Decode("\xC3\xA9", 0).length, 2u);
  EXPECT_EQ(Decode("\xF0\x9F\x98\x80", 0).code_point, 0x1F600u);
  EXPECT_EQ(Decode("\xED\xA0\x80", 0).length, 0u);
  EXPECT_EQ(Decode("abc", 3).length, 0u);  // past the end: nothing, not a read out of bounds
}

TEST(Utf8Test, WhereIsTheByteInOneLineAndTheLineAndColumnInSeveral) {
  EXPECT_EQ(DescribeInvalidAt("ab\xFF", 2), "0xFF is never used in UTF-8, at byte 2");
  // The third line's fifth byte: what a rule file's diagnostic would say (2:20 style, 1-based).
  const std::string source = "rule \"a\"\n  when\n  x\xC0\x80 == 1\n";
  ASSERT_EQ(FirstInvalid(source), 19u);
  EXPECT_EQ(DescribeInvalidAt(source, 19),
            "0xC0 0x80 is an overlong encoding, at line 3, column 4 (byte 19)");
  EXPECT_EQ(DescribeInvalidAt("\n\xFF", 1),
            "0xFF is never used in UTF-8, at line 2, column 1 (byte 1)");
}

TEST(Utf8Test, ScanningResumesAfterAnInvalidSequence) {
  const std::string text = "a\xC0\x80 b \xFF c";
  const size_t first = FirstInvalid(text);
  ASSERT_EQ(first, 1u);
  EXPECT_EQ(InvalidLength(text, first), 2u);  // C0 and its continuation byte: one problem
  const size_t second = FirstInvalid(text, first + InvalidLength(text, first));
  EXPECT_EQ(second, 6u);
  EXPECT_EQ(FirstInvalid(text, second + InvalidLength(text, second)), std::string_view::npos);
}

}  // namespace
}  // namespace leadrouter::dsl::utf8
