// Small lexical questions about rule-file text, asked outside the grammar: what token is at an
// offset (for error messages), where the next statement starts (to resume after an error), where
// the comments are (for the formatter), and how a string is written as a literal.
//
// They agree with dsl/syntax/internal/grammar.h on what a word, a string and a comment are; they
// never throw and never read outside the text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/base/source.h"

namespace leadrouter::dsl::lexical {

bool IsWordStart(char c);
bool IsWordChar(char c);

// True for the words the grammar reserves (`let`, `and`, `team`, `lead`, ...).
bool IsReservedWord(std::string_view word);
// `let`, `segment`, `rule`, `when`, `otherwise`: the words that begin a statement.
bool IsTopLevelKeyword(std::string_view word);
// `when`, `team`, `require`, `prefer`, `distribute`, `cap`, `sla`, `followup`, `review`.
bool IsClauseKeyword(std::string_view word);

// The offset of the first character at or after `offset` that is not a blank, newline or comment.
uint32_t SkipTrivia(std::string_view text, uint32_t offset);

// The token starting at `offset`, as an error message quotes it.
struct Token {
  SourceSpan span;          // empty at the end of the file or of a line
  std::string_view text;    // the token's text (not truncated)
  std::string description;  // "`require`", "`)`", "end of file", "end of line"
  bool is_word = false;
};
Token TokenAt(std::string_view text, uint32_t offset);

// `value` as a string literal that reads back as `value`: in double quotes, with `\"`, `\\`, `\n`,
// `\t` and `\r`, other control characters and DEL as `\u{..}` (upper-case hex: `\u{1B}`), every
// other byte (UTF-8 included) as it is. The formatter writes string literals with it, and the
// Program dump and explanations quote values with it, so both read as the language writes them.
std::string QuoteString(std::string_view value);

// True when only blanks precede `offset` on its line.
bool StartsLine(std::string_view text, uint32_t offset);

// Where parsing resumes after a syntax error at `error_offset` in the statement that began at
// `statement_begin`: the first line, not before the error, whose first token is a statement keyword
// and lies after `statement_begin`. The text's size when there is none.
uint32_t FindResyncPoint(std::string_view text, uint32_t statement_begin, uint32_t error_offset);

// A `#` comment: `offset` of the `#`, `text` without the `#` and surrounding blanks.
struct Comment {
  uint32_t offset = 0;
  std::string text;
  bool own_line = false;  // nothing but blanks before it on its line
};
// Every comment of the file in order (a `#` inside a string is not one).
std::vector<Comment> ScanComments(std::string_view text);

}  // namespace leadrouter::dsl::lexical
