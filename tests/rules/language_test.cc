// Matching with stems, exact phrases, proximity, field scopes, and the
// explanations (terms, fields, highlights, priority) a match carries.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "rules/rule_set.h"
#include "rules/rules_test_util.h"

namespace lexwatch::rules {

void PrintTo(const Highlight& h, std::ostream* os) {
  *os << h.field << "[" << h.begin << "," << h.end << ") '" << h.term << "'";
}

namespace {

using testing::CompileOne;
using testing::MakeItem;
using testing::Messages;
using Strings = std::vector<std::string>;

std::shared_ptr<const Matcher> Rule(const std::string& lines) {
  LoadResult result = CompileOne(
      "[[rule]]\nid = \"r\"\ntopic = \"water\"\nagencies = [\"vav\"]\n" +
      lines + "\n");
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(Messages(result));
  return result.matcher;
}

std::shared_ptr<const Matcher> Query(const std::string& query) {
  return Rule("query = '" + query + "'");
}

Item InLanguage(const std::string& language, const std::string& title) {
  Item item = MakeItem(title);
  item.language = language;
  return item;
}

bool Fires(const Matcher& matcher, const Item& item) {
  return !matcher.Match(item).empty();
}
bool Fires(const Matcher& matcher, const std::string& title,
           const std::string& summary = "") {
  return Fires(matcher, MakeItem(title, summary));
}

TEST(Stemming, EnglishWordsMatchTheirInflections) {
  auto matcher = Query("regulations");
  EXPECT_TRUE(Fires(*matcher, InLanguage("en", "Commission Regulation (EU)")));
  EXPECT_TRUE(Fires(*matcher, InLanguage("en", "regulating")));
  EXPECT_FALSE(Fires(*matcher, InLanguage("en", "regular intervals")));
}

TEST(Stemming, NorwegianWordsMatchTheirInflections) {
  auto matcher = Rule("any = [\"anskaffelsene\"]");
  EXPECT_TRUE(Fires(*matcher, InLanguage("nb", "Offentlige anskaffelser")));
  EXPECT_TRUE(Fires(*matcher, InLanguage("nb", "Ny anskaffelse")));
  EXPECT_TRUE(Fires(*matcher, InLanguage("no", "ANSKAFFELSE")));
  auto avlop = Rule("any = [\"avløp\"]");
  EXPECT_TRUE(Fires(*avlop, InLanguage("nb", "Avløpet fra byen")));
}

TEST(Stemming, ItemLanguageChoosesTheStemmer) {
  auto matcher = Rule("any = [\"anskaffelsene\"]");
  // English stems: "anskaffelsen" and "anskaffels" differ.
  EXPECT_FALSE(Fires(*matcher, InLanguage("en", "anskaffelse")));
  // Unknown language: either stemmer may match.
  EXPECT_TRUE(Fires(*matcher, InLanguage("", "anskaffelse")));
  EXPECT_TRUE(Fires(*matcher, InLanguage("fr", "anskaffelse")));
}

TEST(Stemming, StemmingKeepsWordBoundaries) {
  auto matcher = Rule("any = [\"water\"]");
  EXPECT_TRUE(Fires(*matcher, InLanguage("en", "Union waters")));
  EXPECT_FALSE(Fires(*matcher, InLanguage("en", "Waterproofing membranes")));
  EXPECT_FALSE(Fires(*matcher, InLanguage("en", "urban wastewater")));
  EXPECT_FALSE(Fires(*matcher, InLanguage("nb", "vannverk")));
}

TEST(Stemming, PrefixTermsAreNotStemmed) {
  auto matcher = Query("procure*");
  EXPECT_TRUE(Fires(*matcher, InLanguage("en", "procurement")));
  EXPECT_FALSE(Fires(*matcher, InLanguage("en", "procuring")));
}

TEST(ExactTerms, QuotedListTermMatchesExactWordsOnly) {
  auto exact = Rule("any = ['\"drinking water\"']");
  auto stemmed = Rule("any = [\"drinking water\"]");
  EXPECT_TRUE(Fires(*exact, "Drinking-water supply"));
  EXPECT_FALSE(Fires(*exact, "drinking waters"));
  EXPECT_TRUE(Fires(*stemmed, "drinking waters"));
}

TEST(ExactTerms, QuotedPhraseInAQueryMatchesExactWordsOnly) {
  auto matcher = Query("\"Union waters\"");
  EXPECT_TRUE(Fires(*matcher, "fishing in Union waters"));
  EXPECT_FALSE(Fires(*matcher, "Union water policy"));
  auto prefix = Query("\"public procure*\"");
  EXPECT_TRUE(Fires(*prefix, "public procurement"));
  EXPECT_FALSE(Fires(*prefix, "publics procurement"));
}

TEST(Operators, PrecedenceIsNotThenAndThenOr) {
  auto matcher =
      Query("water OR sewage sludge");  // water OR (sewage AND sludge)
  EXPECT_TRUE(Fires(*matcher, "water"));
  EXPECT_TRUE(Fires(*matcher, "sludge from sewage"));
  EXPECT_FALSE(Fires(*matcher, "sewage"));
  auto negation = Query("NOT fishing water OR flood");  // (NOT f AND w) OR f
  EXPECT_TRUE(Fires(*negation, "water"));
  EXPECT_FALSE(Fires(*negation, "fishing water"));
  EXPECT_TRUE(Fires(*negation, "fishing flood"));
}

TEST(Operators, ParenthesesGroup) {
  auto matcher = Query("(water OR sewage) AND (treatment OR sludge)");
  EXPECT_TRUE(Fires(*matcher, "sewage treatment"));
  EXPECT_TRUE(Fires(*matcher, "water sludge"));
  EXPECT_FALSE(Fires(*matcher, "water sewage"));
}

TEST(Operators, LowerCaseKeywordsAreWords) {
  auto matcher = Query("rock and roll");
  EXPECT_TRUE(Fires(*matcher, "rock and roll"));
  EXPECT_FALSE(Fires(*matcher, "rock roll"));
}

TEST(Proximity, QuotedPhraseWithTildeMatchesWordsNearEachOtherInAnyOrder) {
  auto matcher = Query("\"water reuse\"~3");
  EXPECT_TRUE(Fires(*matcher, "water reuse"));
  EXPECT_TRUE(Fires(*matcher, "reuse of treated water"));
  EXPECT_TRUE(Fires(*matcher, "water for agricultural reuse"));
  EXPECT_FALSE(Fires(*matcher, "water for agricultural irrigation reuse"));
  EXPECT_FALSE(Fires(*matcher, "water", "reuse"));  // Not across fields.
}

TEST(Proximity, NearJoinsWordsAndPhrases) {
  auto matcher = Query("sewage NEAR/2 sludge");
  EXPECT_TRUE(Fires(*matcher, "sludge from sewage"));
  EXPECT_TRUE(Fires(*matcher, "sewage sludge"));
  EXPECT_FALSE(Fires(*matcher, "sewage treatment and the sludge"));
  EXPECT_FALSE(Fires(*matcher, "sewage"));
  auto stemmed = Query("regulations NEAR/1 \"drinking water\"");
  EXPECT_TRUE(Fires(*stemmed, InLanguage("en", "drinking water regulation")));
  EXPECT_FALSE(
      Fires(*stemmed, InLanguage("en", "regulation on drinking water")));
  auto chain = Query("a1 NEAR/2 b1 NEAR/2 c1");
  EXPECT_TRUE(Fires(*chain, "c1 a1 b1"));
  EXPECT_FALSE(Fires(*chain, "c1 x a1 b1"));  // c1 and b1 are 3 apart.
  EXPECT_FALSE(Fires(*chain, "a1 b1 x x c1"));
}

TEST(Scopes, TextFieldScopes) {
  auto title = Query("title:water");
  EXPECT_TRUE(Fires(*title, "water"));
  EXPECT_FALSE(Fires(*title, "energy", "water"));
  auto group = Query("title:(water OR sewage) summary:treatment");
  EXPECT_TRUE(Fires(*group, "sewage", "treatment"));
  EXPECT_FALSE(Fires(*group, "treatment", "sewage"));
  Item item = MakeItem("Directive on water");
  item.author = "European Parliament, Council of the European Union";
  item.eurovoc = {"water supply", "drinking water"};
  EXPECT_TRUE(Fires(*Query("author:council"), item));
  EXPECT_FALSE(Fires(*Query("author:water"), item));
  EXPECT_TRUE(Fires(*Query("eurovoc:\"drinking water\""), item));
  EXPECT_FALSE(Fires(*Query("eurovoc:\"supply drinking\""), item));
  EXPECT_FALSE(Fires(*Query("water AND NOT title:directive"), item));
}

TEST(Scopes, ValueFieldScopes) {
  Item item = MakeItem("Directive (EU) 2024/1275 on buildings");
  item.celex = "32024L1275";
  item.doc_type = "directive";
  item.source = "oj-l";
  item.language = "en";
  EXPECT_TRUE(Fires(*Query("type:directive"), item));
  EXPECT_FALSE(Fires(*Query("type:regulation"), item));
  EXPECT_TRUE(Fires(*Query("celex:32024L*"), item));
  EXPECT_TRUE(Fires(*Query("celex:32024l1275"), item));
  EXPECT_FALSE(Fires(*Query("celex:32024R*"), item));
  EXPECT_TRUE(Fires(*Query("source:oj-l"), item));
  EXPECT_FALSE(Fires(*Query("source:oj"), item));
  EXPECT_TRUE(Fires(*Query("lang:en buildings"), item));
  EXPECT_FALSE(Fires(*Query("lang:nb buildings"), item));
  EXPECT_TRUE(Fires(*Query("type:(regulation OR directive)"), item));
}

TEST(Scopes, EeaFlagMatchesOnlyWhenKnown) {
  auto relevant = Query("eea:true");
  auto not_relevant = Query("eea:false");
  Item item = MakeItem("x");
  EXPECT_FALSE(Fires(*relevant, item));
  EXPECT_FALSE(Fires(*not_relevant, item));
  item.eea_relevant = true;
  EXPECT_TRUE(Fires(*relevant, item));
  item.eea_relevant = false;
  EXPECT_TRUE(Fires(*not_relevant, item));
}

TEST(Scopes, AnnexMatchesNumberOrSubject) {
  Item item = MakeItem("Decision of the EEA Joint Committee No 1/2025");
  item.doc_type = "eea-decision";
  item.eea_annex = "XIII Transport; XX Environment";
  EXPECT_TRUE(Fires(*Query("annex:XX"), item));
  EXPECT_TRUE(Fires(*Query("annex:environment"), item));
  EXPECT_FALSE(Fires(*Query("annex:II"), item));
  EXPECT_TRUE(Fires(*Query("type:eea-decision annex:(XIII OR XV)"), item));
}

TEST(Explanation, TermsAndFieldsOfAQueryRule) {
  Item item = MakeItem("Urban wastewater", "On sewage sludge");
  item.doc_type = "directive";
  auto reasons =
      Query("type:directive (sewage NEAR/1 sludge OR fish) NOT ships")
          ->Match(item);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].terms, (Strings{"directive", "sewage NEAR/1 sludge"}));
  EXPECT_EQ(reasons[0].fields, (Strings{"type", "summary"}));
}

TEST(Explanation, HighlightsGiveByteRangesOfEveryMatch) {
  const std::string title =
      "Drinking water: Regulations on drinking-water quality";
  auto reasons = Rule("any = [\"drinking water\", \"regulation\", \"water\"]")
                     ->Match(InLanguage("en", title));
  ASSERT_EQ(reasons.size(), 1u);
  const std::vector<Highlight> expected = {
      {"title", 0, 14, "drinking water"}, {"title", 9, 14, "water"},
      {"title", 16, 27, "regulation"},    {"title", 31, 45, "drinking water"},
      {"title", 40, 45, "water"},
  };
  EXPECT_EQ(reasons[0].highlights, expected);
  EXPECT_EQ(title.substr(16, 11), "Regulations");
}

TEST(Explanation, HighlightsInNonAsciiAndEurovocText) {
  Item item = InLanguage("nb", "Krav til «avløpet» i byene");
  item.eurovoc = {"water supply", "drinking water"};
  auto reasons = Query("avløp OR eurovoc:\"drinking water\"")->Match(item);
  ASSERT_EQ(reasons.size(), 1u);
  const std::vector<Highlight> expected = {
      {"title", 11, 19, "avløp"},
      {"eurovoc", 14, 28, "\"drinking water\""},
  };
  EXPECT_EQ(reasons[0].highlights, expected);
  EXPECT_EQ(item.title.substr(11, 8), "avløpet");
  EXPECT_EQ(FieldText(item, "eurovoc").substr(14, 14), "drinking water");
  EXPECT_EQ(FieldText(item, "title"), item.title);
  EXPECT_EQ(FieldText(item, "type"), "");
}

TEST(Explanation, NearHighlightsTheWordsThatWereNear) {
  auto reasons = Query("sewage NEAR/2 sludge")
                     ->Match(MakeItem("sewage and sewage sludge"));
  ASSERT_EQ(reasons.size(), 1u);
  const std::vector<Highlight> expected = {
      {"title", 11, 17, "sewage NEAR/2 sludge"},
      {"title", 18, 24, "sewage NEAR/2 sludge"},
  };
  EXPECT_EQ(reasons[0].highlights, expected);
}

TEST(Explanation, PriorityDefaultsToNormal) {
  EXPECT_EQ(Rule("any = [\"water\"]")->Match(MakeItem("water"))[0].priority,
            "normal");
  EXPECT_EQ(Rule("any = [\"water\"]\npriority = \"urgent\"")
                ->Match(MakeItem("water"))[0]
                .priority,
            "urgent");
}

TEST(Explanation, ExcludedTermsAreNotListed) {
  auto reasons = Query("water NOT (fish OR ships)")->Match(MakeItem("water"));
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].terms, Strings{"water"});
}

TEST(Index, ManyRulesSharingTermsAllFireAndOnlyTheyFire) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "[[rule]]\nid = \"r" + std::to_string(1000 + i) +
            "\"\ntopic = \"water\"\nagencies = [\"vav\"]\nquery = 'w" +
            std::to_string(i % 100) + " AND (shared OR x" + std::to_string(i) +
            ")'\n";
  }
  LoadResult result = CompileOne(text);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(testing::RuleIds(result.matcher->Match(MakeItem("w7 shared"))),
            (Strings{"r1007", "r1107", "r1207"}));
  EXPECT_EQ(testing::RuleIds(result.matcher->Match(MakeItem("w7 x107"))),
            Strings{"r1107"});
}

}  // namespace
}  // namespace lexwatch::rules
