#include "clients/common/unified_diff.h"

#include <algorithm>
#include <cstddef>
#include <dtl/dtl.hpp>
#include <vector>

#include "absl/strings/str_cat.h"

namespace leadrouter::client {
namespace {

// Each line keeps its '\n', so that a last line without one differs from the same line with one,
// as in GNU diff.
std::vector<std::string> SplitLines(absl::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t newline = text.find('\n', start);
    const size_t end = newline == absl::string_view::npos ? text.size() : newline + 1;
    lines.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

enum class Op { kCommon, kDelete, kAdd };

struct Edit {
  Op op;
  const std::string* line;
};

std::string Range(size_t before, size_t count) {
  // GNU diff: an empty range names the line before it; a one-line range has no count.
  const size_t start = count == 0 ? before : before + 1;
  return count == 1 ? absl::StrCat(start) : absl::StrCat(start, ",", count);
}

void AppendLine(char mark, const std::string& line, std::string& out) {
  out += mark;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(absl::string_view old_text, absl::string_view new_text,
                        absl::string_view old_label, absl::string_view new_label, int context) {
  if (old_text == new_text) return "";
  const std::vector<std::string> old_lines = SplitLines(old_text);
  const std::vector<std::string> new_lines = SplitLines(new_text);

  dtl::Diff<std::string, std::vector<std::string>> diff(old_lines, new_lines);
  diff.compose();
  std::vector<Edit> edits;
  for (const auto& [line, info] : diff.getSes().getSequence()) {
    const Op op = info.type == dtl::SES_ADD      ? Op::kAdd
                  : info.type == dtl::SES_DELETE ? Op::kDelete
                                                 : Op::kCommon;
    // The SES holds copies; point at our own lines so the text outlives `diff`.
    const std::string* own = op == Op::kAdd ? &new_lines[static_cast<size_t>(info.afterIdx - 1)]
                                            : &old_lines[static_cast<size_t>(info.beforeIdx - 1)];
    edits.push_back({op, own});
  }
  // Within a run of changes, deletions first, as diff -u prints a replaced block.
  for (size_t run = 0; run < edits.size();) {
    size_t run_end = run;
    while (run_end < edits.size() && edits[run_end].op != Op::kCommon) ++run_end;
    std::stable_partition(edits.begin() + static_cast<ptrdiff_t>(run),
                          edits.begin() + static_cast<ptrdiff_t>(run_end),
                          [](const Edit& edit) { return edit.op == Op::kDelete; });
    run = run_end == run ? run + 1 : run_end;
  }

  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  std::string out = absl::StrCat("--- ", old_label, "\n+++ ", new_label, "\n");
  size_t i = 0;
  size_t old_before = 0;  // old lines before edits[i]
  size_t new_before = 0;
  while (i < edits.size()) {
    // Find the next change.
    size_t first = i;
    while (first < edits.size() && edits[first].op == Op::kCommon) ++first;
    if (first == edits.size()) break;
    // Extend the hunk over changes separated by at most 2 * ctx common lines.
    size_t last = first;  // one past the last change of the hunk
    size_t scan = first;
    while (scan < edits.size()) {
      if (edits[scan].op != Op::kCommon) {
        last = scan + 1;
        ++scan;
        continue;
      }
      size_t run = scan;
      while (run < edits.size() && edits[run].op == Op::kCommon) ++run;
      if (run == edits.size() || run - scan > 2 * ctx) break;
      scan = run;
    }
    const size_t begin = first - std::min(ctx, first - i);
    const size_t end = std::min(edits.size(), last + ctx);
    // Count the old / new lines skipped before the hunk.
    for (size_t k = i; k < begin; ++k) {
      ++old_before;
      ++new_before;
    }
    size_t old_count = 0;
    size_t new_count = 0;
    for (size_t k = begin; k < end; ++k) {
      if (edits[k].op != Op::kAdd) ++old_count;
      if (edits[k].op != Op::kDelete) ++new_count;
    }
    absl::StrAppend(&out, "@@ -", Range(old_before, old_count), " +", Range(new_before, new_count),
                    " @@\n");
    for (size_t k = begin; k < end; ++k) {
      const char mark = edits[k].op == Op::kAdd ? '+' : edits[k].op == Op::kDelete ? '-' : ' ';
      AppendLine(mark, *edits[k].line, out);
    }
    old_before += old_count;
    new_before += new_count;
    i = end;
  }
  return out;
}

}  // namespace leadrouter::client
