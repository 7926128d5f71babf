#include "rules/term_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lexwatch::rules {
namespace {

std::vector<std::uint32_t> Ids(std::span<const std::uint32_t> ids) {
  return {ids.begin(), ids.end()};
}

TEST(WordIndex, FindsIdsInTheOrderAdded) {
  WordIndex index;
  index.Add("water", 3);
  index.Add("sewage", 1);
  index.Add("water", 7);
  index.Freeze();
  EXPECT_EQ(Ids(index.Find("water")), (std::vector<std::uint32_t>{3, 7}));
  EXPECT_EQ(Ids(index.Find("sewage")), (std::vector<std::uint32_t>{1}));
  EXPECT_TRUE(index.Find("wate").empty());
  EXPECT_TRUE(index.Find("waters").empty());
  EXPECT_TRUE(index.Find("").empty());
}

TEST(WordIndex, ManyWordsAllFoundAfterFreeze) {
  WordIndex index;
  for (std::uint32_t i = 0; i < 5000; ++i) {
    index.Add("w" + std::to_string(i), i);
  }
  index.Freeze();
  for (std::uint32_t i = 0; i < 5000; ++i) {
    ASSERT_EQ(Ids(index.Find("w" + std::to_string(i))),
              std::vector<std::uint32_t>{i});
  }
  EXPECT_TRUE(index.Find("w5000").empty());
}

TEST(WordIndex, EmptyIndexFindsNothing) {
  WordIndex index;
  index.Freeze();
  EXPECT_TRUE(index.Find("water").empty());
}

TEST(PrefixTrie, ReportsEveryPrefixOfAWordShortestFirst) {
  PrefixTrie trie;
  trie.Add("procure", 1);
  trie.Add("pro", 2);
  trie.Add("procurement", 3);
  trie.Add("avløp", 4);
  trie.Freeze();
  std::vector<std::uint32_t> got;
  trie.ForEachPrefixOf("procurements",
                       [&](std::uint32_t id) { got.push_back(id); });
  EXPECT_EQ(got, (std::vector<std::uint32_t>{2, 1, 3}));
  got.clear();
  trie.ForEachPrefixOf("avløpsvann",
                       [&](std::uint32_t id) { got.push_back(id); });
  EXPECT_EQ(got, (std::vector<std::uint32_t>{4}));
  got.clear();
  trie.ForEachPrefixOf("pr", [&](std::uint32_t id) { got.push_back(id); });
  EXPECT_TRUE(got.empty());
}

}  // namespace
}  // namespace lexwatch::rules
