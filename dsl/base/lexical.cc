#include "dsl/base/lexical.h"

#include <algorithm>
#include <array>

namespace leadrouter::dsl::lexical {
namespace {

constexpr std::array<std::string_view, 5> kTopLevelKeywords = {"let", "segment", "rule", "when",
                                                               "otherwise"};
constexpr std::array<std::string_view, 9> kClauseKeywords = {
    "when", "team", "require", "prefer", "distribute", "cap", "sla", "followup", "review"};
// Everything dsl/syntax/internal/grammar.h lists in `reserved_word`.
constexpr std::array<std::string_view, 30> kReservedWords = {
    "let",     "segment",    "rule",  "when", "otherwise", "unassigned",  "team",      "require",
    "prefer",  "distribute", "cap",   "sla",  "followup",  "review",      "then",      "within",
    "or",      "and",        "not",   "in",   "contains",  "starts_with", "ends_with", "matches",
    "between", "true",       "false", "null", "lead",      "rep"};

// Longest token quoted in a message; longer ones end in "...".
constexpr size_t kMaxQuotedToken = 40;

template <size_t N>
bool Contains(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

uint32_t EndOfLine(std::string_view text, uint32_t offset) {
  const size_t newline = text.find('\n', offset);
  return static_cast<uint32_t>(newline == std::string_view::npos ? text.size() : newline);
}

// The length of the UTF-8 sequence starting with `lead` (1 for a stray continuation byte).
uint32_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  return 1;
}

std::string Quote(std::string_view token) {
  std::string out = "`";
  if (token.size() > kMaxQuotedToken) {
    size_t cut = kMaxQuotedToken - 3;
    // Never cut a UTF-8 sequence in half.
    while (cut > 0 && (static_cast<unsigned char>(token[cut]) & 0xC0) == 0x80) --cut;
    out.append(token.substr(0, cut));
    out.append("...");
  } else {
    out.append(token);
  }
  out.push_back('`');
  return out;
}

}  // namespace

bool IsWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || (c >= '0' && c <= '9'); }

bool IsReservedWord(std::string_view word) { return Contains(kReservedWords, word); }
bool IsTopLevelKeyword(std::string_view word) { return Contains(kTopLevelKeywords, word); }
bool IsClauseKeyword(std::string_view word) { return Contains(kClauseKeywords, word); }

uint32_t SkipTrivia(std::string_view text, uint32_t offset) {
  while (offset < text.size()) {
    const char c = text[offset];
    if (IsBlank(c) || c == '\n') {
      ++offset;
    } else if (c == '#') {
      offset = EndOfLine(text, offset);
    } else {
      break;
    }
  }
  return std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
}

Token TokenAt(std::string_view text, uint32_t offset) {
  Token token;
  const auto size = static_cast<uint32_t>(text.size());
  offset = std::min(offset, size);
  token.span = {offset, offset};
  if (offset == size) {
    token.description = "end of file";
    return token;
  }
  const char c = text[offset];
  uint32_t end = offset + 1;
  if (c == '\n' || c == '\r') {
    token.description = "end of line";
    return token;
  }
  if (IsWordStart(c)) {
    while (end < size && IsWordChar(text[end])) ++end;
    token.is_word = true;
  } else if (c >= '0' && c <= '9') {
    while (end < size && (IsWordChar(text[end]) || text[end] == '.')) ++end;
  } else if (c == '"') {
    const uint32_t line_end = EndOfLine(text, offset);
    while (end < line_end && text[end] != '"')
      end += (text[end] == '\\' && end + 1 < line_end) ? 2 : 1;
    end = std::min(end + 1, line_end);
    if (end > offset + 1 && text[end - 1] == '\r') --end;
  } else if (end < size && text[end] == '=' && (c == '=' || c == '!' || c == '<' || c == '>')) {
    ++end;
  } else {
    end = std::min(offset + Utf8Length(static_cast<unsigned char>(c)), size);
  }
  token.span.end = end;
  token.text = text.substr(offset, end - offset);
  token.description = Quote(token.text);
  return token;
}

std::string QuoteString(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (const char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7F) {
          out.push_back(c);
          break;
        }
        out += "\\u{";
        if (byte >= 0x10) out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xF]);
        out.push_back('}');
      }
    }
  }
  out.push_back('"');
  return out;
}

bool StartsLine(std::string_view text, uint32_t offset) {
  while (offset > 0) {
    const char c = text[offset - 1];
    if (c == '\n') return true;
    if (!IsBlank(c)) return false;
    --offset;
  }
  return true;
}

uint32_t FindResyncPoint(std::string_view text, uint32_t statement_begin, uint32_t error_offset) {
  const auto size = static_cast<uint32_t>(text.size());
  // Start at the beginning of the error's line: the error may sit on the keyword that begins it.
  uint32_t line_start = std::min(error_offset, size);
  while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
  while (line_start < size) {
    uint32_t first = line_start;
    while (first < size && IsBlank(text[first])) ++first;
    uint32_t word_end = first;
    while (word_end < size && IsWordChar(text[word_end])) ++word_end;
    if (first > statement_begin && first >= error_offset && first < word_end &&
        IsWordStart(text[first]) && IsTopLevelKeyword(text.substr(first, word_end - first))) {
      return first;
    }
    const uint32_t line_end = EndOfLine(text, first);
    line_start = line_end < size ? line_end + 1 : size;
  }
  return size;
}

std::vector<Comment> ScanComments(std::string_view text) {
  std::vector<Comment> comments;
  const auto size = static_cast<uint32_t>(text.size());
  uint32_t i = 0;
  while (i < size) {
    const char c = text[i];
    if (c == '"') {
      // Skip the string to its closing quote on the same line, as the grammar reads it.
      ++i;
      while (i < size && text[i] != '"' && text[i] != '\n') {
        i += (text[i] == '\\' && i + 1 < size && text[i + 1] != '\n') ? 2 : 1;
      }
      if (i < size && text[i] == '"') ++i;
    } else if (c == '#') {
      const uint32_t end = EndOfLine(text, i);
      uint32_t begin = i + 1;
      uint32_t stop = end;
      while (begin < stop && IsBlank(text[begin])) ++begin;
      while (stop > begin && IsBlank(text[stop - 1])) --stop;
      comments.push_back({i, std::string(text.substr(begin, stop - begin)), StartsLine(text, i)});
      i = end;
    } else {
      ++i;
    }
  }
  return comments;
}

}  // namespace leadrouter::dsl::lexical
