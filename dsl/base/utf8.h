// UTF-8 exactly as RFC 3629 defines it: what every text leadrouter accepts must be (rule files,
// request strings, stored values). No overlong encodings (`C0 80`, `E0 80 80`), no UTF-16
// surrogates (`ED A0 80`), nothing above U+10FFFF (`F4 90 80 80`, `F5..FF`), no sequence cut
// short. One definition, so that the rule checker, the API validation and the request parser
// (proto/strict_parse.h) can never disagree on what is valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace leadrouter::dsl::utf8 {

// One decoded code point; `length` is 0 when the bytes at the offset are not valid UTF-8.
struct Decoded {
  uint32_t code_point = 0;
  uint32_t length = 0;
};
Decoded Decode(std::string_view text, size_t offset);

// The offset of the first byte at or after `from` that does not begin a valid sequence;
// std::string_view::npos when the rest of the text is valid.
size_t FirstInvalid(std::string_view text, size_t from = 0);

inline bool IsValid(std::string_view text) { return FirstInvalid(text) == std::string_view::npos; }

// The bytes of the invalid sequence starting at `offset` (its lead byte and the continuation
// bytes that follow it): what a scan skips before looking for the next problem. At least 1.
size_t InvalidLength(std::string_view text, size_t offset);

// Why the sequence at `offset` is invalid, quoting its bytes: "0xC0 0x80 is an overlong encoding",
// "0xED 0xA0 0x80 is a UTF-16 surrogate", "0xFF is never used in UTF-8", "0xE2 0x82 is cut short".
std::string DescribeInvalid(std::string_view text, size_t offset);

// DescribeInvalid followed by where the sequence is: ", at byte 12" in one-line text, and in text
// of several lines (a rule source sent through the API) ", at line 3, column 5 (byte 40)", the
// line and byte column a rule file's diagnostic would give.
std::string DescribeInvalidAt(std::string_view text, size_t offset);

}  // namespace leadrouter::dsl::utf8
