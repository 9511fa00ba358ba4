// "Did you mean ...?" for misspelt keywords, strategies, channels and names.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::dsl {

// Edit distance counting an adjacent transposition as one edit ("reqiure" -> "require" is 1).
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo. Letter case is
// ignored on both sides (ASCII), so `LIMT` finds `LIMIT` and `Require` finds `require`; beyond
// case, at most one edit for words of up to four characters and two beyond. A candidate equal to
// `word` is not a typo of it. Ties go to the earlier candidate.
std::optional<std::string> Suggest(std::string_view word,
                                   const std::vector<std::string>& candidates);
// The same over a fixed word list (dsl/base/vocabulary.h).
std::optional<std::string> Suggest(std::string_view word,
                                   std::span<const std::string_view> candidates);

// "did you mean `<prefix><suggestion>`?", or "" when there is no suggestion.
std::string DidYouMean(const std::optional<std::string>& suggestion, std::string_view prefix = "");

}  // namespace leadrouter::dsl
