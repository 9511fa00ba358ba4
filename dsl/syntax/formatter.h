// The canonical layout of a rule file, as `leadctl fmt` writes it.
//
// Format(Parse(text).file) keeps the meaning exactly (the result parses to the same tree, spans
// aside) and is idempotent. The layout:
// - Statements are separated by one blank line, except that consecutive `let`s, and consecutive
//   `segment`s, stay together as a block; a comment above a statement opens a new block.
// - A named rule puts `rule "name"` on its own line and one clause per line, indented two spaces,
// in
//   the canonical order: when, team, require, prefer, distribute, cap, sla, followup.
// - An anonymous rule (`when ...`) and `otherwise` stay on one line when that line fits in
//   kMaxLineWidth columns and no comment sits between their clauses; otherwise they are laid out
//   like a named rule, the first line holding `when ...` or `otherwise`.
// - Expressions are never wrapped; they get one space around binary operators and after commas, and
//   the fewest parentheses that keep the tree as parsed.
// - Numbers and durations keep the text they were written with; strings are re-escaped; cap limits
//   are written as plain integers.
// - Comments stay with the statement or clause they were attached to (see
//   dsl/syntax/internal/comment_attachment.h): leading ones on their own lines above, a trailing
//   one two spaces after the line's code.
//
// Thread-safe; never fails.
#pragma once

#include <string>

#include "dsl/syntax/ast.h"

namespace leadrouter::dsl {

inline constexpr size_t kMaxLineWidth = 100;

std::string Format(const ast::File& file);

// One expression in canonical form, as Format writes it.
std::string FormatExpression(const ast::Expr& expr);

}  // namespace leadrouter::dsl
