#include "feed/sparql_results.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lexwatch::feed {
namespace {

constexpr char kType[] =
    "http://publications.europa.eu/resource/authority/resource-type/";

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(LEXWATCH_FIXTURES_DIR) + "/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string Results(const std::string& results) {
  return "<?xml version=\"1.0\"?>\n"
         "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">"
         "<head/><results>" +
         results + "</results></sparql>";
}

std::string Uri(const std::string& name, const std::string& value) {
  return "<binding name=\"" + name + "\"><uri>" + value + "</uri></binding>";
}

std::string Literal(const std::string& name, const std::string& value) {
  return "<binding name=\"" + name + "\"><literal>" + value +
         "</literal></binding>";
}

std::string Result(const std::string& bindings) {
  return "<result>" + bindings + "</result>";
}

std::vector<Item> Parse(const std::string& xml) {
  lexwatch::Result<std::vector<Item>> items = ParseSparqlResults(xml, "cellar");
  EXPECT_TRUE(items.ok()) << items.status().ToString();
  return items.ok() ? *items : std::vector<Item>();
}

std::string ErrorOf(const std::string& bytes) {
  lexwatch::Result<std::vector<Item>> items =
      ParseSparqlResults(bytes, "cellar");
  EXPECT_FALSE(items.ok());
  EXPECT_TRUE(items.status().IsInvalidArgument());
  return items.status().message();
}

TEST(SparqlResults, FixtureGivesOneItemPerResultInOrder) {
  const std::vector<Item> items =
      Parse(ReadFixture("cellar-sparql-results.xml"));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].celex, "32023R1542");
  EXPECT_EQ(items[1].celex, "32024L1788");
  EXPECT_EQ(items[2].celex, "32024R1787");
}

TEST(SparqlResults, FixtureFirstItemCarriesEveryBinding) {
  const Item item = Parse(ReadFixture("cellar-sparql-results.xml"))[0];
  EXPECT_EQ(item.source, "cellar");
  EXPECT_EQ(item.guid,
            "http://publications.europa.eu/resource/cellar/"
            "47f3c6a0-4a50-11ef-8b17-01aa75ed71a1");
  EXPECT_EQ(item.link,
            "https://eur-lex.europa.eu/legal-content/AUTO/"
            "?uri=CELEX:32023R1542");
  EXPECT_EQ(item.doc_type, "regulation");
  EXPECT_EQ(item.language, "en");
  EXPECT_EQ(item.published, 1690502400);  // 2023-07-28T00:00:00Z
  EXPECT_EQ(item.eea_relevant, std::optional<bool>(true));
  EXPECT_EQ(item.eurovoc,
            (std::vector<std::string>{"battery", "waste management",
                                      "recycling", "circular economy"}));
  EXPECT_TRUE(item.title.starts_with("Regulation (EU) 2023/1542 of the"));
  EXPECT_EQ(item.Key(), "celex:32023R1542");
}

TEST(SparqlResults, FixtureItemWithoutOptionalBindingsHasNoMetadata) {
  const Item item = Parse(ReadFixture("cellar-sparql-results.xml"))[2];
  EXPECT_TRUE(item.eurovoc.empty());
  // No EEA flag binding, but the title says so.
  EXPECT_EQ(item.eea_relevant, std::optional<bool>(true));
}

TEST(SparqlResults, ResourceTypeGivesDocType) {
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "REG"), "regulation");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "REG_IMPL"),
            "regulation");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "DIR"), "directive");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "DEC_DEL"),
            "decision");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "RECO"),
            "recommendation");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "PROP_REG"),
            "proposal");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "PROP_DIR"),
            "proposal");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "COM"),
            "communication");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "CORRIGENDUM"),
            "corrigendum");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "RECOMMEND"), "");
  EXPECT_EQ(DocTypeFromResourceType(std::string(kType) + "OPIN"), "");
  EXPECT_EQ(DocTypeFromResourceType("http://example.org/REG"), "");
}

TEST(SparqlResults, UnknownResourceTypeFallsBackToCelex) {
  const std::vector<Item> items =
      Parse(Results(Result(Literal("celex", "32024H0001") +
                           Uri("type", std::string(kType) + "OPIN")) +
                    Result(Literal("celex", "52024PC0010"))));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].doc_type, "recommendation");
  EXPECT_EQ(items[1].doc_type, "proposal");
}

TEST(SparqlResults, EeaJointCommitteeDecisionIsRecognisedWithItsAnnex) {
  const std::vector<Item> items = Parse(Results(Result(
      Literal("celex", "22024D1955") + Uri("type", std::string(kType) + "DEC") +
      Literal("title",
              "Decision of the EEA Joint Committee No 123/2024 of 14 June "
              "2024 amending Annex XX (Environment) to the EEA Agreement"))));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].doc_type, "eea-decision");
  EXPECT_EQ(items[0].eea_annex, "XX Environment");
}

TEST(SparqlResults, LinkIsEliWithoutCelexAndWorkWithoutEli) {
  const std::vector<Item> items = Parse(Results(
      Result(Uri("work", "http://publications.europa.eu/resource/cellar/a") +
             Literal("eli", "http://data.europa.eu/eli/reg/2024/1/oj")) +
      Result(Uri("work", "http://publications.europa.eu/resource/cellar/b")) +
      Result(Uri("work", "urn:x-cellar:c") + Literal("eli", "ftp://x/y"))));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].link, "http://data.europa.eu/eli/reg/2024/1/oj");
  EXPECT_EQ(items[0].celex, "");
  EXPECT_EQ(items[0].Key(),
            "guid:cellar:http://publications.europa.eu/resource/cellar/a");
  EXPECT_EQ(items[1].link, "http://publications.europa.eu/resource/cellar/b");
  EXPECT_EQ(items[2].link, "");
  EXPECT_EQ(items[2].guid, "urn:x-cellar:c");
}

TEST(SparqlResults, ResultWithNeitherCelexNorWorkIsSkipped) {
  const std::vector<Item> items = Parse(Results(
      Result(Literal("title", "Orphan") + Literal("eli", "http://e/1")) +
      Result(Literal("celex", "not a celex") + Literal("title", "Bad")) +
      Result(Literal("celex", "32024R0001"))));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].celex, "32024R0001");
}

TEST(SparqlResults, RepeatedActIsKeptOnce) {
  const std::vector<Item> items = Parse(
      Results(Result(Literal("celex", "32024R0001") + Literal("title", "A")) +
              Result(Literal("celex", "32024R0001") + Literal("title", "B"))));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].title, "A");
}

TEST(SparqlResults, EeaFlagIsReadAsBoolean) {
  const std::vector<Item> items = Parse(Results(
      Result(Literal("celex", "32024R0001") + Literal("eea", "false")) +
      Result(Literal("celex", "32024R0002") + Literal("eea", "1")) +
      Result(Literal("celex", "32024R0003") + Literal("eea", "maybe")) +
      Result(Literal("celex", "32024R0004") + Literal("eea", "false") +
             Literal("title", "Regulation (Text with EEA relevance)"))));
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].eea_relevant, std::optional<bool>(false));
  EXPECT_EQ(items[1].eea_relevant, std::optional<bool>(true));
  EXPECT_EQ(items[2].eea_relevant, std::nullopt);
  EXPECT_EQ(items[3].eea_relevant, std::optional<bool>(true));
}

TEST(SparqlResults, EurovocLabelsAreSanitisedAndDeduplicated) {
  const std::vector<Item> items = Parse(Results(Result(
      Literal("celex", "32024R0001") +
      Literal("eurovoc", " water\tsupply |  | drinking water|water supply"))));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].eurovoc,
            (std::vector<std::string>{"water supply", "drinking water"}));
}

TEST(SparqlResults, DateWithZoneIsTheCalendarDayAtUtcMidnight) {
  const std::vector<Item> items = Parse(Results(
      Result(Literal("celex", "32024R0001") +
             Literal("date", "2024-07-15+02:00")) +
      Result(Literal("celex", "32024R0002") + Literal("date", "soon"))));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].published, 1721001600);  // 2024-07-15T00:00:00Z
  EXPECT_EQ(items[1].published, std::nullopt);
}

TEST(SparqlResults, TitleLanguageComesFromXmlLang) {
  const std::vector<Item> items = Parse(Results(
      Result(Literal("celex", "32024R0001") +
             "<binding name=\"title\"><literal xml:lang=\"fr\">Règlement"
             "</literal></binding>")));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].language, "fr");
}

TEST(SparqlResults, HostileValuesAreSanitised) {
  const std::vector<Item> items = Parse(Results(
      Result(Literal("celex", "32024R0001") +
             Literal("title", "A&#0;B&#x000;C&#10;D\xC3(<b>nested</b>)"))));
  ASSERT_EQ(items.size(), 1u);
  // NUL references do not cut the title; markup inside a literal is text.
  EXPECT_EQ(items[0].title, "ABC D\xEF\xBF\xBD(nested)");
}

TEST(SparqlResults, LiteralMarkupIsTextNotHtml) {
  const std::vector<Item> items = Parse(Results(Result(
      Literal("celex", "32024R0001") + Literal("title", "a &lt;b&gt; c"))));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].title, "a <b> c");
}

TEST(SparqlResults, PrefixedNamespaceIsAccepted) {
  const std::vector<Item> items = Parse(
      "<s:sparql xmlns:s=\"http://www.w3.org/2005/sparql-results#\">"
      "<s:results><s:result><s:binding name=\"celex\"><s:literal>32024R0001"
      "</s:literal></s:binding></s:result></s:results></s:sparql>");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].celex, "32024R0001");
}

TEST(SparqlResults, EmptyResultsAreOk) {
  EXPECT_TRUE(Parse(Results("")).empty());
}

TEST(SparqlResults, HtmlPageIsNamedAsSuch) {
  EXPECT_EQ(ErrorOf("<!DOCTYPE html><html><body>challenge"),
            "cellar: not SPARQL results: HTML page where XML was expected");
  EXPECT_EQ(ErrorOf("<html><body><p>x</p></body></html>"),
            "cellar: not SPARQL results: HTML page where XML was expected");
}

TEST(SparqlResults, JsonAnswerIsNamedAsSuch) {
  EXPECT_EQ(ErrorOf("  {\"head\": {}, \"results\": {\"bindings\": []}}"),
            "cellar: not SPARQL results: JSON where XML was expected");
}

TEST(SparqlResults, WrongRootIsRejected) {
  EXPECT_EQ(ErrorOf("<rss version=\"2.0\"><channel/></rss>"),
            "cellar: not SPARQL results: root element <rss>");
  EXPECT_EQ(ErrorOf("<sparql xmlns=\"urn:other\"><results/></sparql>"),
            "cellar: not SPARQL results: root element <sparql>");
}

TEST(SparqlResults, MissingResultsElementIsRejected) {
  EXPECT_EQ(ErrorOf("<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">"
                    "<head/><boolean>true</boolean></sparql>"),
            "cellar: not SPARQL results: no <results> element");
}

TEST(SparqlResults, MalformedXmlNamesTheOffset) {
  EXPECT_EQ(ErrorOf("<sparql><results></sparql>"),
            "cellar: XML error at offset 19: Start-end tags mismatch");
  EXPECT_EQ(ErrorOf(""),
            "cellar: XML error at offset 0: No document element found");
}

}  // namespace
}  // namespace lexwatch::feed
