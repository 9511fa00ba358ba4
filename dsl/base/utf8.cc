#include "dsl/base/utf8.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dsl/base/source.h"

namespace leadrouter::dsl::utf8 {
namespace {

unsigned char Byte(std::string_view text, size_t i) { return static_cast<unsigned char>(text[i]); }

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The sequence length the shape of a lead byte announces (110xxxxx: 2, 1110xxxx: 3, 11110xxx: 4),
// whatever it continues with; 1 for ASCII; 0 for a continuation byte or 11111xxx.
uint32_t ShapeLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC0) return 0;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  if (lead < 0xF8) return 4;
  return 0;
}

}  // namespace

Decoded Decode(std::string_view text, size_t offset) {
  if (offset >= text.size()) return {};
  const unsigned char lead = Byte(text, offset);
  const uint32_t length = ShapeLength(lead);
  if (length == 0 || offset + length > text.size()) return {};
  if (length == 1) return {lead, 1};
  static constexpr uint32_t kLeadBits[] = {0, 0, 0x1F, 0x0F, 0x07};
  static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  uint32_t code_point = lead & kLeadBits[length];
  for (uint32_t k = 1; k < length; ++k) {
    const unsigned char byte = Byte(text, offset + k);
    if (!IsContinuation(byte)) return {};
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return {};
  }
  return {code_point, length};
}

size_t FirstInvalid(std::string_view text, size_t from) {
  size_t i = from;
  while (i < text.size()) {
    // ASCII runs are the common case: no decoding needed.
    if (Byte(text, i) < 0x80) {
      ++i;
      continue;
    }
    const Decoded decoded = Decode(text, i);
    if (decoded.length == 0) return i;
    i += decoded.length;
  }
  return std::string_view::npos;
}

size_t InvalidLength(std::string_view text, size_t offset) {
  const uint32_t announced = std::max<uint32_t>(ShapeLength(Byte(text, offset)), 1);
  size_t end = offset + 1;
  while (end < text.size() && end < offset + announced && IsContinuation(Byte(text, end))) ++end;
  return end - offset;
}

std::string DescribeInvalid(std::string_view text, size_t offset) {
  const size_t length = InvalidLength(text, offset);
  std::string bytes;
  for (size_t k = 0; k < length; ++k) {
    absl::StrAppend(&bytes, k == 0 ? "" : " ",
                    absl::StrFormat("0x%02X", static_cast<unsigned>(Byte(text, offset + k))));
  }
  const unsigned char lead = Byte(text, offset);
  if (IsContinuation(lead)) return absl::StrCat(bytes, " continues a sequence that never began");
  // F5..FF would begin sequences above U+10FFFF (or none at all).
  if (lead >= 0xF5) return absl::StrCat(bytes, " is never used in UTF-8");
  if (length < ShapeLength(lead)) return absl::StrCat(bytes, " is cut short");
  // A whole sequence that still does not decode: which rule it breaks.
  uint32_t code_point = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    code_point = (code_point << 6) | (Byte(text, offset + k) & 0x3F);
  }
  if (code_point >= 0xD800 && code_point <= 0xDFFF) {
    return absl::StrCat(bytes, " is a UTF-16 surrogate");
  }
  if (code_point > 0x10FFFF) return absl::StrCat(bytes, " is above U+10FFFF");
  return absl::StrCat(bytes, " is an overlong encoding");
}

std::string DescribeInvalidAt(std::string_view text, size_t offset) {
  const std::string what = DescribeInvalid(text, offset);
  if (text.find('\n') == std::string_view::npos) return absl::StrCat(what, ", at byte ", offset);
  // The error path only: copying the text for the rule files' own line index is cheap enough.
  const LineColumn at = SourceFile("", std::string(text)).Locate(static_cast<uint32_t>(offset));
  return absl::StrCat(what, ", at line ", at.line, ", column ", at.column, " (byte ", offset, ")");
}

}  // namespace leadrouter::dsl::utf8
