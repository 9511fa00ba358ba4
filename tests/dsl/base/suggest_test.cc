// The did-you-mean policy shared by the parser, the checker and the roster lint.
#include "dsl/base/suggest.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace leadrouter::dsl {
namespace {

TEST(EditDistanceTest, CountsATranspositionAsOneEdit) {
  EXPECT_EQ(EditDistance("reqiure", "require"), 1);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
}

TEST(SuggestTest, IgnoresCaseOnBothSides) {
  // Upper-case candidates (let constants) were compared as written against the lower-cased word,
  // so `LIMT` found nothing.
  EXPECT_EQ(Suggest("LIMT", {"LIMIT"}), "LIMIT");
  EXPECT_EQ(Suggest("limt", {"LIMIT"}), "LIMIT");
  EXPECT_EQ(Suggest("Tech", {"tech"}), "tech");
  EXPECT_EQ(Suggest("REQUIRE", {"when", "require"}), "require");
}

TEST(SuggestTest, AllowsOneEditUpToFourCharactersAndTwoBeyond) {
  EXPECT_EQ(Suggest("tehc", {"tech"}), "tech");
  EXPECT_EQ(Suggest("txcx", {"tech"}), std::nullopt);
  EXPECT_EQ(Suggest("finanse", {"finance"}), "finance");
  EXPECT_EQ(Suggest("fnanse", {"finance"}), "finance");
  EXPECT_EQ(Suggest("fnans", {"finance"}), std::nullopt);
}

TEST(SuggestTest, NeverSuggestsTheWordItselfAndPrefersTheEarlierOfEqualCandidates) {
  EXPECT_EQ(Suggest("tech", {"tech"}), std::nullopt);
  EXPECT_EQ(Suggest("cat", {"bat", "cut"}), "bat");
  EXPECT_EQ(Suggest("cat", {"cut", "bat"}), "cut");
  EXPECT_EQ(Suggest("cat", {"bat", "Cat"}), "Cat");  // a case-only difference is closest
}

TEST(SuggestTest, EmptyOrOverlongWordsAndFarCandidatesGiveNothing) {
  EXPECT_EQ(Suggest("", {"a"}), std::nullopt);
  EXPECT_EQ(Suggest(std::string(65, 'a'), {std::string(64, 'a')}), std::nullopt);
  EXPECT_EQ(Suggest("tech", {std::string(100000, 't')}), std::nullopt);
}

TEST(DidYouMeanTest, QuotesTheSuggestionOrSaysNothing) {
  EXPECT_EQ(DidYouMean(std::string("require")), "did you mean `require`?");
  EXPECT_EQ(DidYouMean(std::string("day"), "/"), "did you mean `/day`?");
  EXPECT_EQ(DidYouMean(std::nullopt), "");
}

}  // namespace
}  // namespace leadrouter::dsl
