// The shape samples in tests/data/fixtures, parsed end to end.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "feed/feed_parser.h"

namespace lexwatch::feed {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(LEXWATCH_FIXTURES_DIR) + "/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<Item> ParseFixture(const std::string& name,
                               const std::string& source) {
  Result<std::vector<Item>> items = ParseFeed(ReadFixture(name), source);
  EXPECT_TRUE(items.ok()) << items.status().ToString();
  return items.ok() ? *items : std::vector<Item>();
}

TEST(EurlexOjFeed, ParsesAllItemsInOrder) {
  const std::vector<Item> items = ParseFixture("eurlex-oj-l.rss", "oj-l");
  ASSERT_EQ(items.size(), 7u);
  std::vector<std::string> celex;
  for (const Item& item : items) celex.push_back(item.celex);
  EXPECT_EQ(celex, (std::vector<std::string>{
                       "32024L1760", "32024L1203", "32024R0573", "22024D0512",
                       "32024R2754", "32023R1542R(02)", "32023R1115"}));
}

TEST(EurlexOjFeed, FirstItemIsCleanedUp) {
  const std::vector<Item> items = ParseFixture("eurlex-oj-l.rss", "oj-l");
  ASSERT_FALSE(items.empty());
  const Item& item = items[0];
  EXPECT_EQ(item.source, "oj-l");
  EXPECT_EQ(item.title,
            "Directive (EU) 2024/1760 of the European Parliament and of the "
            "Council of 13 June 2024 on corporate sustainability due diligence "
            "and amending Directive (EU) 2019/1937 and Regulation (EU) "
            "2023/2859 (Text with EEA relevance)");
  EXPECT_EQ(item.doc_type, "directive");
  EXPECT_EQ(
      item.link,
      "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:32024L1760");
  EXPECT_EQ(item.guid,
            "https://eur-lex.europa.eu/./legal-content/AUTO/"
            "?uri=CELLAR:1e9b4f6a-3a66-11ef-b441-01aa75ed71a1");
  EXPECT_EQ(item.summary, "");
  EXPECT_EQ(item.author, "European Parliament, Council of the European Union");
  EXPECT_EQ(item.language, "en");
  EXPECT_EQ(item.published, 1720130400);  // 2024-07-04T22:00:00Z.
  EXPECT_EQ(item.Key(), "celex:32024L1760");
}

TEST(EurlexOjFeed, EeaJointCommitteeDecisionHasItsOwnType) {
  const std::vector<Item> items = ParseFixture("eurlex-oj-l.rss", "oj-l");
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[3].doc_type, "eea-decision");
  EXPECT_EQ(items[3].author, "EEA Joint Committee");
  EXPECT_EQ(items[3].published, 1707346800);  // 2024-02-07T23:00:00Z.
  EXPECT_EQ(items[2].doc_type, "regulation");
}

TEST(EurlexOjFeed, CorrigendumTitleNamesTheCorrectedAct) {
  const std::vector<Item> items = ParseFixture("eurlex-oj-l.rss", "oj-l");
  ASSERT_EQ(items.size(), 7u);
  const Item& item = items[5];
  EXPECT_EQ(item.title, "Corrigendum to 32023R1542");
  EXPECT_EQ(item.celex, "32023R1542R(02)");
  EXPECT_EQ(item.doc_type, "corrigendum");
  EXPECT_EQ(item.summary,
            "The corrigendum does not concern the English version.");
  EXPECT_EQ(item.link,
            "https://eur-lex.europa.eu/legal-content/AUTO/"
            "?uri=CELEX:32023R1542R(02)");
}

TEST(EurlexOjFeed, OjLinkItemTakesCelexFromTitleAndHtmlSummaryBecomesText) {
  const std::vector<Item> items = ParseFixture("eurlex-oj-l.rss", "oj-l");
  ASSERT_EQ(items.size(), 7u);
  const Item& item = items[6];
  EXPECT_EQ(item.celex, "32023R1115");
  EXPECT_EQ(item.link,
            "https://eur-lex.europa.eu/legal-content/AUTO/?uri=OJ:L_2023150");
  EXPECT_TRUE(item.title.starts_with("Regulation (EU) 2023/1115 "));
  EXPECT_NE(item.title.find("degradation & repealing"), std::string::npos);
  EXPECT_EQ(item.summary, "See also ELI \u2013 entry into force 29.6.2023");
}

TEST(EurlexProposalsFeed, ItemsWithoutPubDateHaveNoPublishedTime) {
  const std::vector<Item> items =
      ParseFixture("eurlex-proposals.rss", "proposals");
  ASSERT_EQ(items.size(), 3u);
  for (const Item& item : items) {
    EXPECT_EQ(item.published, std::nullopt) << item.celex;
    EXPECT_EQ(item.doc_type, "proposal") << item.celex;
    EXPECT_EQ(item.language, "en") << item.celex;
  }
  EXPECT_EQ(items[0].celex, "52023PC0533");
  EXPECT_EQ(items[0].title,
            "Proposal for a REGULATION OF THE EUROPEAN PARLIAMENT AND OF THE "
            "COUNCIL on combating late payment in commercial transactions");
}

TEST(EeaNewsFeed, HtmlDescriptionBecomesPlainText) {
  const std::vector<Item> items = ParseFixture("eea-news.rss", "eea");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].summary,
            "Almost 86% of Europe\u2019s coastal and inland bathing sites met "
            "the EU\u2019s \u2018excellent\u2019 standards \u2026");
  EXPECT_EQ(items[1].summary,
            "Urban areas across Europe face growing climate risks; "
            "nature-based solutions and spatial planning are key.");
  EXPECT_EQ(items[2].summary, "");
}

TEST(EeaNewsFeed, PlainItemsHaveNoCelex) {
  const std::vector<Item> items = ParseFixture("eea-news.rss", "eea");
  ASSERT_EQ(items.size(), 3u);
  const Item& item = items[2];
  EXPECT_EQ(item.title,
            "Air pollution from road transport: Europe\u2019s cities still "
            "above WHO guidelines");
  EXPECT_EQ(item.guid, "eea-news-air-quality-2025");
  EXPECT_EQ(
      item.link,
      "https://www.eea.europa.eu/en/newsroom/news/air-quality-status-2025");
  EXPECT_EQ(item.language, "en");
  EXPECT_EQ(item.published, 1745481600);  // 2025-04-24T08:00:00Z.
  EXPECT_EQ(item.celex, "");
  EXPECT_EQ(item.doc_type, "");
  EXPECT_EQ(item.Key(), "guid:eea:eea-news-air-quality-2025");
}

TEST(CellarSparqlResults, IsNotAFeed) {
  Result<std::vector<Item>> items =
      ParseFeed(ReadFixture("cellar-sparql-results.xml"), "cellar");
  ASSERT_FALSE(items.ok());
  EXPECT_TRUE(items.status().IsInvalidArgument());
  EXPECT_EQ(items.status().message(),
            "cellar: not a feed: root element <sparql>");
}

}  // namespace
}  // namespace lexwatch::feed
