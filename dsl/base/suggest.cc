#include "dsl/base/suggest.h"

#include <algorithm>

namespace leadrouter::dsl {
namespace {

// ASCII only, so the result never depends on the C locale.
std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment, three rows; words here are short, and callers cap their length.
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[m];
}

namespace {

template <typename Candidates>
std::optional<std::string> SuggestFrom(std::string_view word, const Candidates& candidates) {
  if (word.empty() || word.size() > 64) return std::nullopt;
  const std::string lower = LowerAscii(word);
  const size_t allowed = word.size() <= 4 ? 1 : 2;
  std::optional<std::string_view> best;
  int best_distance = static_cast<int>(allowed) + 1;
  for (const std::string_view candidate : candidates) {
    if (candidate == word) continue;  // not a typo of itself
    // The distance is at least the difference in length: skip (long) candidates that cannot win.
    const size_t length_difference =
        std::max(candidate.size(), word.size()) - std::min(candidate.size(), word.size());
    if (length_difference > allowed) continue;
    const int distance = EditDistance(lower, LowerAscii(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best ? std::optional<std::string>(*best) : std::nullopt;
}

}  // namespace

std::optional<std::string> Suggest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  return SuggestFrom(word, candidates);
}

std::optional<std::string> Suggest(std::string_view word,
                                   std::span<const std::string_view> candidates) {
  return SuggestFrom(word, candidates);
}

std::string DidYouMean(const std::optional<std::string>& suggestion, std::string_view prefix) {
  if (!suggestion) return "";
  std::string out = "did you mean `";
  out.append(prefix);
  out += *suggestion;
  out += "`?";
  return out;
}

}  // namespace leadrouter::dsl
