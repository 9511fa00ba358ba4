// "Did you mean ...?" for misspelt keywords, strategies, channels and names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::dsl {

// Edit distance counting an adjacent transposition as one edit ("reqiure" -> "require" is 1).
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo: a case-only
// difference, or at most one edit for words of up to four letters and two beyond. Ties go to the
// earlier candidate.
std::optional<std::string> Suggest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace leadrouter::dsl
