#include "clients/common/unified_diff.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace leadrouter::client {
namespace {

TEST(UnifiedDiffTest, EqualTextsGiveNothing) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "old", "new"), "");
  EXPECT_EQ(UnifiedDiff("", "", "old", "new"), "");
}

TEST(UnifiedDiffTest, OneChangedLineWithContext) {
  const std::string old_text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  const std::string new_text = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(UnifiedDiff(old_text, new_text, "rules/versions/1", "rules/versions/2"),
            "--- rules/versions/1\n"
            "+++ rules/versions/2\n"
            "@@ -2,7 +2,7 @@\n"
            " 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiffTest, AddedAndRemovedLinesAtTheEdges) {
  EXPECT_EQ(UnifiedDiff("b\nc\n", "a\nb\nc\n", "o", "n"),
            "--- o\n+++ n\n@@ -1,2 +1,3 @@\n+a\n b\n c\n");
  EXPECT_EQ(UnifiedDiff("a\nb\nc\n", "a\nb\n", "o", "n"),
            "--- o\n+++ n\n@@ -1,3 +1,2 @@\n a\n b\n-c\n");
}

TEST(UnifiedDiffTest, EmptySidesNameTheLineBefore) {
  // As GNU diff: an empty range is `-0,0`.
  EXPECT_EQ(UnifiedDiff("", "a\nb\n", "/dev/null", "n"),
            "--- /dev/null\n+++ n\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  EXPECT_EQ(UnifiedDiff("a\n", "", "o", "n"), "--- o\n+++ n\n@@ -1 +0,0 @@\n-a\n");
}

TEST(UnifiedDiffTest, ReplacedBlockShowsDeletionsFirst) {
  EXPECT_EQ(UnifiedDiff("x\na\nb\ny\n", "x\nc\nd\ny\n", "o", "n"),
            "--- o\n+++ n\n@@ -1,4 +1,4 @@\n x\n-a\n-b\n+c\n+d\n y\n");
}

TEST(UnifiedDiffTest, DistantChangesMakeSeparateHunks) {
  std::string old_text;
  for (int i = 1; i <= 20; ++i) old_text += std::to_string(i) + "\n";
  std::string new_text = old_text;
  new_text.replace(new_text.find("2\n"), 2, "two\n");
  new_text.replace(new_text.find("19\n"), 3, "nineteen\n");
  EXPECT_EQ(UnifiedDiff(old_text, new_text, "o", "n"),
            "--- o\n+++ n\n"
            "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
            "@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n");
}

TEST(UnifiedDiffTest, ChangesCloserThanTwiceTheContextShareAHunk) {
  // Six unchanged lines between two changes: one hunk with context 3 (GNU diff merges them).
  const std::string old_text = "a\n1\n2\n3\n4\n5\n6\nb\n";
  const std::string new_text = "A\n1\n2\n3\n4\n5\n6\nB\n";
  EXPECT_EQ(UnifiedDiff(old_text, new_text, "o", "n"),
            "--- o\n+++ n\n@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n");
  // Seven: two hunks.
  const std::string old7 = "a\n1\n2\n3\n4\n5\n6\n7\nb\n";
  const std::string new7 = "A\n1\n2\n3\n4\n5\n6\n7\nB\n";
  EXPECT_EQ(
      UnifiedDiff(old7, new7, "o", "n"),
      "--- o\n+++ n\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n");
}

TEST(UnifiedDiffTest, MissingFinalNewlineIsMarked) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb", "o", "n"),
            "--- o\n+++ n\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n");
}

TEST(UnifiedDiffTest, ContextZeroAndLongerOldSide) {
  // The old side longer than the new exercises dtl's swapped comparison.
  EXPECT_EQ(UnifiedDiff("a\nb\nc\nd\ne\n", "a\nc\ne\n", "o", "n", /*context=*/0),
            "--- o\n+++ n\n@@ -2 +1,0 @@\n-b\n@@ -4 +2,0 @@\n-d\n");
}

// Applies a unified diff made with context >= 0 to `old_text`; the hunks must match exactly.
std::string Apply(const std::string& old_text, const std::string& diff) {
  std::vector<std::string> old_lines;
  std::istringstream old_in(old_text);
  for (std::string line; std::getline(old_in, line);) old_lines.push_back(line);
  std::istringstream in(diff);
  std::string line;
  std::getline(in, line);  // ---
  std::getline(in, line);  // +++
  std::vector<std::string> out;
  size_t next_old = 0;  // 0-based index of the next old line not yet copied
  while (std::getline(in, line)) {
    if (line.rfind("@@ -", 0) == 0) {
      size_t start = std::stoul(line.substr(4));
      const size_t comma = line.find(',');
      const size_t space = line.find(' ', 4);
      const bool empty = comma != std::string::npos && comma < space &&
                         line.substr(comma + 1, space - comma - 1) == "0";
      const size_t first = empty ? start : start - 1;  // 0-based first old line of the hunk
      while (next_old < first) out.push_back(old_lines[next_old++]);
      continue;
    }
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '-') {
      EXPECT_EQ(old_lines.at(next_old), line.substr(1));
      ++next_old;
      if (line[0] == ' ') out.push_back(line.substr(1));
    } else if (line[0] == '+') {
      out.push_back(line.substr(1));
    }
  }
  while (next_old < old_lines.size()) out.push_back(old_lines[next_old++]);
  std::string text;
  for (const std::string& l : out) text += l + "\n";
  return text;
}

TEST(UnifiedDiffTest, RandomEditsApplyBackToTheNewText) {
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> lines;
    const int n = static_cast<int>(random() % 30);
    for (int i = 0; i < n; ++i)
      lines.push_back(std::string(1, static_cast<char>('a' + random() % 5)));
    std::vector<std::string> edited = lines;
    const int edits = static_cast<int>(random() % 6);
    for (int e = 0; e < edits; ++e) {
      const size_t at = edited.empty() ? 0 : random() % (edited.size() + 1);
      switch (random() % 3) {
        case 0:
          edited.insert(edited.begin() + static_cast<long>(at), "new" + std::to_string(e));
          break;
        case 1:
          if (at < edited.size()) edited.erase(edited.begin() + static_cast<long>(at));
          break;
        default:
          if (at < edited.size()) edited[at] = "changed" + std::to_string(e);
      }
    }
    std::string old_text;
    std::string new_text;
    for (const std::string& l : lines) old_text += l + "\n";
    for (const std::string& l : edited) new_text += l + "\n";
    const int context = static_cast<int>(random() % 4);
    const std::string diff = UnifiedDiff(old_text, new_text, "o", "n", context);
    if (old_text == new_text) {
      EXPECT_EQ(diff, "");
      continue;
    }
    EXPECT_EQ(Apply(old_text, diff), new_text) << diff;
  }
}

}  // namespace
}  // namespace leadrouter::client
