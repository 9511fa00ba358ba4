#include "dsl/syntax/internal/comment_attachment.h"

#include <algorithm>
#include <variant>

#include "absl/strings/str_cat.h"

namespace leadrouter::dsl {
namespace {

// A place a comment can attach to: a statement's header (or the whole of a `let`/`segment`), or a
// clause.
struct Slot {
  SourceSpan span;
  ast::Comments* comments;
  bool first_of_statement;
  ast::Comments* statement_comments;
};

std::vector<Slot> CollectSlots(ast::File& file) {
  std::vector<Slot> slots;
  for (ast::Statement& statement : file.statements) {
    ast::Comments* own = &statement.comments;
    std::vector<ast::Clause>* clauses = nullptr;
    SourceSpan header = statement.span;
    bool has_header = true;
    if (auto* rule = std::get_if<ast::Rule>(&statement.node)) {
      clauses = &rule->clauses;
      if (rule->name) {
        header.end = rule->name_span.end;
      } else {
        has_header = false;
      }
    } else if (auto* otherwise = std::get_if<ast::Otherwise>(&statement.node)) {
      clauses = &otherwise->clauses;
      if (!otherwise->unassigned) header.end = header.begin + 9;  // `otherwise`
    }
    const size_t first = slots.size();
    if (has_header) slots.push_back({header, own, false, own});
    if (clauses != nullptr) {
      for (ast::Clause& clause : *clauses) {
        slots.push_back({clause.span, &clause.comments, false, own});
      }
    }
    if (slots.size() > first) slots[first].first_of_statement = true;
  }
  // Clauses are stored as written, so this is already in source order; keep it robust anyway.
  std::stable_sort(slots.begin(), slots.end(),
                   [](const Slot& a, const Slot& b) { return a.span.begin < b.span.begin; });
  return slots;
}

bool SameLine(std::string_view text, uint32_t from, uint32_t to) {
  return text.substr(from, to - from).find('\n') == std::string_view::npos;
}

void AppendTrailing(ast::Comments& comments, const std::string& text) {
  comments.trailing = comments.trailing.empty() ? text : absl::StrCat(comments.trailing, " ", text);
}

}  // namespace

void AttachComments(std::string_view text, const std::vector<lexical::Comment>& comments,
                    ast::File& file) {
  const std::vector<Slot> slots = CollectSlots(file);
  size_t next = 0;  // the first slot that begins after the current comment
  for (const lexical::Comment& comment : comments) {
    while (next < slots.size() && slots[next].span.begin <= comment.offset) ++next;
    const Slot* previous = next > 0 ? &slots[next - 1] : nullptr;
    if (previous != nullptr && comment.offset >= previous->span.end &&
        SameLine(text, previous->span.end, comment.offset)) {
      AppendTrailing(*previous->comments, comment.text);
    } else if (previous != nullptr && comment.offset < previous->span.end) {
      // Inside a multi-line clause or definition: keep it, above the clause.
      previous->comments->leading.push_back(comment.text);
    } else if (next < slots.size()) {
      const Slot& below = slots[next];
      ast::Comments* target = below.first_of_statement ? below.statement_comments : below.comments;
      target->leading.push_back(comment.text);
    } else {
      file.trailing_comments.push_back(comment.text);
    }
  }
}

}  // namespace leadrouter::dsl
