#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "rules/rules_test_util.h"

namespace lexwatch::rules {
namespace {

using testing::CompileOne;
using testing::MakeItem;
using testing::Messages;
using testing::RuleIds;
using Ids = std::vector<std::string>;

// Compiles one rule with the given query lines; fails the test on errors.
std::shared_ptr<const Matcher> OneRule(const std::string& query) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies = [\"vav\"]\n" +
      query + "\n");
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(Messages(result));
  return result.matcher;
}

bool Fires(const Matcher& matcher, const std::string& title,
           const std::string& summary = "") {
  return !matcher.Match(MakeItem(title, summary)).empty();
}

TEST(Matcher, WordMatchesOnlyWholeWords) {
  auto matcher = OneRule("any = [\"water\"]");
  EXPECT_TRUE(Fires(*matcher, "Quality of WATER for bathing"));
  EXPECT_TRUE(Fires(*matcher, "waste-water treatment"));
  EXPECT_FALSE(Fires(*matcher, "Waterproofing membranes"));
  EXPECT_FALSE(Fires(*matcher, "Urban wastewater treatment"));
}

TEST(Matcher, PhraseMatchesConsecutiveWordsOnly) {
  auto matcher = OneRule("any = [\"drinking water\"]");
  EXPECT_TRUE(Fires(*matcher, "the supply of drinking-water to cities"));
  EXPECT_FALSE(Fires(*matcher, "drinking and water"));
  EXPECT_FALSE(Fires(*matcher, "water drinking"));
  EXPECT_FALSE(Fires(*matcher, "drinking"));
}

TEST(Matcher, TrailingStarMatchesWordPrefix) {
  auto matcher = OneRule("any = [\"procure*\"]");
  EXPECT_TRUE(Fires(*matcher, "Public Procurement"));
  EXPECT_TRUE(Fires(*matcher, "to procure"));
  EXPECT_FALSE(Fires(*matcher, "procuring"));
  EXPECT_FALSE(Fires(*matcher, "preprocurement"));
}

TEST(Matcher, TrailingStarOnPhraseAppliesToItsLastWord) {
  auto matcher = OneRule("any = [\"public procure*\"]");
  EXPECT_TRUE(Fires(*matcher, "rules on public procurement"));
  EXPECT_FALSE(Fires(*matcher, "public authorities procure"));
}

TEST(Matcher, IgnoresCaseAndDiacritics) {
  auto matcher = OneRule("any = [\"avløp\", \"Miljø\"]");
  EXPECT_TRUE(Fires(*matcher, "AVLØP og vann"));
  EXPECT_TRUE(Fires(*matcher, "Avlop"));
  EXPECT_TRUE(Fires(*matcher, "miljo"));
}

TEST(Matcher, AllTermsMustEveryOneOccur) {
  auto matcher = OneRule("any = [\"water\"]\nall = [\"quality\", \"urban\"]");
  EXPECT_TRUE(Fires(*matcher, "Urban water", "quality standards"));
  EXPECT_FALSE(Fires(*matcher, "Urban water"));
  EXPECT_FALSE(Fires(*matcher, "water quality"));
}

TEST(Matcher, RuleWithOnlyAllTermsFires) {
  auto matcher = OneRule("all = [\"bathing\", \"water\"]");
  EXPECT_TRUE(Fires(*matcher, "Bathing water quality"));
  EXPECT_FALSE(Fires(*matcher, "Bathing sites"));
}

TEST(Matcher, NoneTermVetoesTheRule) {
  auto matcher = OneRule("any = [\"water\"]\nnone = [\"Union waters\"]");
  EXPECT_TRUE(Fires(*matcher, "water supply"));
  EXPECT_FALSE(Fires(*matcher, "fishing in Union waters and water"));
  EXPECT_FALSE(Fires(*matcher, "water", "in Union waters"));
}

TEST(Matcher, FieldsLimitWhereTermsAreSought) {
  auto matcher =
      OneRule("any = [\"water\"]\nnone = [\"fishing\"]\nfields = [\"title\"]");
  EXPECT_TRUE(Fires(*matcher, "water", "fishing"));  // Exclusion not in title.
  EXPECT_FALSE(Fires(*matcher, "energy", "water"));
}

TEST(Matcher, ReasonListsTermsAsWrittenInRuleOrderOnce) {
  auto matcher = OneRule(
      "description = \"Water\"\n"
      "any = [\"Drinking Water\", \"drikkevann\", \"drinking water\"]\n"
      "all = [\"Quality\", \"Drinking water\"]");
  auto reasons = matcher->Match(
      MakeItem("Drikkevann: quality", "On drinking water and its quality"));
  ASSERT_EQ(reasons.size(), 1u);
  const MatchReason& reason = reasons[0];
  EXPECT_EQ(reason.rule_id, "r");
  EXPECT_EQ(reason.topic, "water");
  EXPECT_EQ(reason.description, "Water");
  EXPECT_EQ(reason.agencies, Ids{"vav"});
  EXPECT_EQ(reason.terms, (Ids{"Drinking Water", "drikkevann", "Quality"}));
  EXPECT_EQ(reason.fields, (Ids{"summary", "title", "title"}));
}

TEST(Matcher, ResultsAreSortedByRuleIdAndShareTerms) {
  LoadResult result = CompileOne(R"(
[[rule]]
id = "zeta"
topic = "water"
agencies = ["vav"]
any = ["water"]

[[rule]]
id = "alpha"
topic = "sustainability"
agencies = ["kli", "vav"]
any = ["Water", "climate"]

[[rule]]
id = "mid"
topic = "transport"
agencies = ["bym"]
any = ["road"]
)");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.matcher->rule_count(), 3u);
  auto reasons = result.matcher->Match(MakeItem("Water and climate"));
  EXPECT_EQ(RuleIds(reasons), (Ids{"alpha", "zeta"}));
  EXPECT_EQ(reasons[0].terms, (Ids{"Water", "climate"}));
  EXPECT_EQ(reasons[0].agencies, (Ids{"kli", "vav"}));
}

// Phrases are filed under their first word; each must still be checked
// word by word, in the same field, in the item's languages.
TEST(Matcher, PhrasesSharingAFirstWordFireOnlyOnTheirOwnNextWords) {
  LoadResult result = CompileOne(R"(
[[rule]]
id = "reuse"
topic = "water"
agencies = ["vav"]
any = ['"water reuse"']

[[rule]]
id = "supply"
topic = "water"
agencies = ["vav"]
any = ['"water supply"']

[[rule]]
id = "supply-chain"
topic = "water"
agencies = ["vav"]
any = ['"water supply chain"']

[[rule]]
id = "stemmed"
topic = "water"
agencies = ["vav"]
any = ["vann forsyning"]
)");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(Messages(result));
  const Matcher& matcher = *result.matcher;
  EXPECT_EQ(RuleIds(matcher.Match(MakeItem("Water supply in cities"))),
            (Ids{"supply"}));
  EXPECT_EQ(RuleIds(matcher.Match(MakeItem("water supply chain; water reuse"))),
            (Ids{"reuse", "supply", "supply-chain"}));
  // The next word in another field, or none at all, is no next word.
  EXPECT_TRUE(matcher.Match(MakeItem("Clean water", "supply")).empty());
  EXPECT_TRUE(matcher.Match(MakeItem("water")).empty());
  Item norwegian = MakeItem("Vannet og forsyningen");
  EXPECT_TRUE(matcher.Match(norwegian).empty());
  norwegian.language = "nb";
  norwegian.title = "Regler om vannets forsyninger";
  EXPECT_EQ(RuleIds(matcher.Match(norwegian)), (Ids{"stemmed"}));
  norwegian.title = "Regler om vannets kvalitet og forsyninger";
  EXPECT_TRUE(matcher.Match(norwegian).empty());
}

TEST(Matcher, MatchIntoReusedVectorGivesWhatMatchGives) {
  LoadResult result = CompileOne(R"(
[[rule]]
id = "a-water"
topic = "water"
agencies = ["vav", "kli"]
any = ["drinking water", "water"]

[[rule]]
id = "b-climate"
topic = "sustainability"
agencies = ["kli"]
query = 'title:climate OR "heat pump*"'

[[rule]]
id = "c-road"
topic = "transport"
agencies = ["bym"]
any = ["road"]
)");
  ASSERT_TRUE(result.ok());
  // More reasons, then fewer, then none, then more again: leftovers of a
  // longer explanation must never show through.
  const std::vector<std::string> titles = {
      "Drinking water, climate and road safety", "Road charging",
      "Anti-dumping duties on steel",
      "Climate, water and heat pumps for road tunnels", "Water"};
  std::vector<MatchReason> reused;
  std::size_t fired = 0;
  for (const std::string& title : titles) {
    const Item item = MakeItem(title);
    result.matcher->MatchInto(item, &reused);
    EXPECT_EQ(reused, result.matcher->Match(item)) << title;
    fired += reused.size();
  }
  EXPECT_EQ(fired, 3u + 1u + 0u + 3u + 1u);
}

TEST(Matcher, DisabledRuleIsNotCompiled) {
  LoadResult result = CompileOne(R"(
[[rule]]
id = "off"
topic = "water"
agencies = ["vav"]
any = ["water"]
enabled = false
)");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.matcher->rule_count(), 0u);
  EXPECT_TRUE(result.matcher->Match(MakeItem("water")).empty());
}

TEST(Matcher, ManyPrefixLengthsAreAllTried) {
  auto matcher = OneRule("any = [\"ab*\", \"abcd*\", \"klima*\"]");
  auto reasons = matcher->Match(MakeItem("abcdef klimatilpasning"));
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].terms, (Ids{"ab*", "abcd*", "klima*"}));
}

}  // namespace
}  // namespace lexwatch::rules
