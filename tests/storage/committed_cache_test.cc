#include "storage/committed_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace leadrouter::storage {
namespace {

TEST(CommittedCacheTest, RemembersValuesAndAbsence) {
  CommittedCache cache(8);
  EXPECT_EQ(cache.Find("a"), nullptr);
  cache.Put("a", "1");
  cache.Put("gone", std::nullopt);
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(*cache.Find("a"), "1");
  ASSERT_NE(cache.Find("gone"), nullptr);
  EXPECT_EQ(*cache.Find("gone"), std::nullopt);
  cache.Put("a", "2");
  EXPECT_EQ(*cache.Find("a"), "2");
}

TEST(CommittedCacheTest, KeepsAtMostTwoGenerations) {
  CommittedCache cache(4);
  for (int i = 0; i < 100; ++i) cache.Put(std::to_string(i), "v");
  EXPECT_LE(cache.size(), 8u);
  EXPECT_NE(cache.Find("99"), nullptr);  // the newest survive
  EXPECT_EQ(cache.Find("0"), nullptr);   // the oldest are gone
}

TEST(CommittedCacheTest, EntriesInUseSurviveGenerationChanges) {
  CommittedCache cache(4);
  cache.Put("hot", "h");
  for (int i = 0; i < 100; ++i) {
    cache.Put(std::to_string(i), "v");
    ASSERT_NE(cache.Find("hot"), nullptr) << "after " << i;
  }
  EXPECT_EQ(*cache.Find("hot"), "h");
  EXPECT_LE(cache.size(), 8u);
}

TEST(CommittedCacheTest, PutReplacesAnOlderGenerationsValue) {
  CommittedCache cache(2);
  cache.Put("k", "old");
  cache.Put("x", "v");
  cache.Put("y", "v");  // "k" is now in the older generation
  cache.Put("k", "new");
  EXPECT_EQ(*cache.Find("k"), "new");
  cache.Put("z", "v");
  cache.Put("w", "v");  // whatever generation "k" was in, no stale value may come back
  const CommittedCache::Value* k = cache.Find("k");
  if (k != nullptr) {
    EXPECT_EQ(*k, "new");
  }
}

TEST(CommittedCacheTest, ClearForgetsEverything) {
  CommittedCache cache(4);
  cache.Put("a", "1");
  cache.Clear();
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CommittedCacheTest, ZeroCapacityKeepsNothing) {
  CommittedCache cache(0);
  cache.Put("a", "1");
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace leadrouter::storage
