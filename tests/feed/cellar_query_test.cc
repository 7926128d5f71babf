#include "feed/cellar_query.h"

#include <gtest/gtest.h>

#include <string>

namespace lexwatch::feed {
namespace {

using std::chrono::days;
using std::chrono::hours;

// 2024-07-15T13:45:00Z
const TimePoint kJul15 = FromUnixSeconds(1721051100);

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CellarQuery, AsksForActsPublishedSinceTheUtcDay) {
  const std::string q = BuildCellarQuery(kJul15, 500);
  EXPECT_TRUE(
      Contains(q, "?work cdm:official-journal-act_date_publication ?date ."));
  EXPECT_TRUE(Contains(q, "FILTER(?date >= \"2024-07-15\"^^xsd:date)"));
  EXPECT_TRUE(Contains(q, "ORDER BY ?date ?celex ?work\nLIMIT 500\n"));
}

TEST(CellarQuery, FirstPageHasNoOffset) {
  const std::string q = BuildCellarQuery(kJul15, 500, 0);
  EXPECT_FALSE(Contains(q, "OFFSET"));
  EXPECT_EQ(q.substr(q.size() - 10), "LIMIT 500\n");
}

TEST(CellarQuery, LaterPagesSkipTheRowsAlreadyRead) {
  EXPECT_EQ(BuildCellarQuery(kJul15, 500, 1000),
            BuildCellarQuery(kJul15, 500) + "OFFSET 1000\n");
}

TEST(CellarQuery, PagesShareOneTotalOrder) {
  // OFFSET paging is only stable when no two rows sort equal: the work URI
  // breaks ties between rows of the same day and CELEX.
  const std::string q = BuildCellarQuery(kJul15, 500, 500);
  EXPECT_TRUE(Contains(q,
                       "GROUP BY ?work ?celex ?date ?type ?eli ?eea ?title\n"
                       "ORDER BY ?date ?celex ?work\nLIMIT 500\nOFFSET "
                       "500\n"));
}

TEST(CellarQuery, SelectsTheBindingsTheParserReads) {
  const std::string q = BuildCellarQuery(kJul15, 10);
  EXPECT_TRUE(Contains(q, "SELECT ?work ?celex ?date ?type ?eli ?eea ?title"));
  EXPECT_TRUE(Contains(
      q, "(GROUP_CONCAT(DISTINCT ?label; separator=\" | \") AS ?eurovoc)"));
  EXPECT_TRUE(Contains(q, "cdm:resource_legal_id_celex ?celex"));
  EXPECT_TRUE(Contains(q, "cdm:work_has_resource-type ?type"));
  EXPECT_TRUE(Contains(q, "OPTIONAL { ?work cdm:resource_legal_eli ?eli }"));
  EXPECT_TRUE(Contains(q, "OPTIONAL { ?work cdm:resource_legal_eea ?eea }"));
  EXPECT_TRUE(Contains(q, "cdm:expression_belongs_to_work ?work"));
  EXPECT_TRUE(Contains(q,
                       "cdm:expression_uses_language <http://publications."
                       "europa.eu/resource/authority/language/ENG>"));
  EXPECT_TRUE(Contains(q, "cdm:expression_title ?title"));
  EXPECT_TRUE(Contains(q, "?work cdm:work_is_about_concept_eurovoc ?concept"));
  EXPECT_TRUE(Contains(q, "?concept skos:prefLabel ?label"));
  EXPECT_TRUE(Contains(q, "FILTER(lang(?label) = \"en\")"));
  EXPECT_TRUE(
      Contains(q, "GROUP BY ?work ?celex ?date ?type ?eli ?eea ?title"));
}

TEST(CellarQuery, ExcludesCorrigenda) {
  EXPECT_TRUE(Contains(BuildCellarQuery(kJul15, 10),
                       "FILTER(?type != <http://publications.europa.eu/"
                       "resource/authority/resource-type/CORRIGENDUM>)"));
}

TEST(CellarQuery, OnlyMetadataIsOptional) {
  const std::string q = BuildCellarQuery(kJul15, 10);
  int optionals = 0;
  for (std::size_t at = q.find("OPTIONAL"); at != std::string::npos;
       at = q.find("OPTIONAL", at + 1)) {
    ++optionals;
  }
  EXPECT_EQ(optionals, 4);
  EXPECT_LT(q.find("?celex ;"), q.find("OPTIONAL"));
}

TEST(CellarQuery, LimitIsAtLeastOne) {
  EXPECT_TRUE(Contains(BuildCellarQuery(kJul15, 0), "LIMIT 1\n"));
}

TEST(CellarQuery, DayBeforeTheEpochIsFormatted) {
  EXPECT_TRUE(Contains(BuildCellarQuery(FromUnixSeconds(-1), 1),
                       "\"1969-12-31\"^^xsd:date"));
}

TEST(CellarRequestUrl, QueryIsPercentEncoded) {
  EXPECT_EQ(CellarRequestUrl("https://publications.europa.eu/webapi/rdf/sparql",
                             "SELECT ?x { ?x a <urn:y> } # \"é\"&+="),
            "https://publications.europa.eu/webapi/rdf/sparql?query="
            "SELECT%20%3Fx%20%7B%20%3Fx%20a%20%3Curn%3Ay%3E%20%7D%20%23%20%22"
            "%C3%A9%22%26%2B%3D"
            "&format=application%2Fsparql-results%2Bxml");
}

TEST(CellarRequestUrl, EndpointWithQueryStringGetsAmpersand) {
  EXPECT_EQ(CellarRequestUrl("http://127.0.0.1:8080/sparql?x=1", "a b"),
            "http://127.0.0.1:8080/sparql?x=1&query=a%20b"
            "&format=application%2Fsparql-results%2Bxml");
}

TEST(CellarRequestUrl, WholeQueryRoundTrips) {
  const std::string query = BuildCellarQuery(kJul15, 500);
  const std::string url = CellarRequestUrl(kCellarEndpoint, query);
  const std::size_t begin = url.find("?query=") + 7;
  const std::string encoded = url.substr(begin, url.find('&') - begin);
  EXPECT_EQ(encoded.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                "0123456789-._~%"),
            std::string::npos);
  EXPECT_EQ(PercentDecode(encoded), query);
}

TEST(PercentEncoding, UnreservedCharactersStayAndOthersAreEncoded) {
  EXPECT_EQ(PercentEncode("Az09-._~"), "Az09-._~");
  EXPECT_EQ(PercentEncode(std::string("/?#[]@!$&'()*+,;= \x01\xff", 20)),
            "%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%20%01%FF");
}

TEST(PercentEncoding, EveryByteRoundTrips) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(PercentDecode(PercentEncode(all)), all);
}

TEST(PercentEncoding, MalformedEscapesDoNotDecode) {
  EXPECT_EQ(PercentDecode("a%2"), std::nullopt);
  EXPECT_EQ(PercentDecode("a%"), std::nullopt);
  EXPECT_EQ(PercentDecode("%G0"), std::nullopt);
  EXPECT_EQ(PercentDecode("%c3%a9+"), "\xC3\xA9+");
}

// Midnight UTC of 2024-07-DD (2024-07-15 is a Monday).
TimePoint July(int day) {
  return std::chrono::sys_days(std::chrono::year(2024) / 7 / day);
}

TEST(CellarQueryStart, TuesdayGoesBackToThePreviousThursday) {
  // An act of Thursday the 11th whose metadata arrives on Tuesday the 16th.
  EXPECT_EQ(CellarQueryStart(July(16) + hours(12), July(16) + hours(13)),
            July(11));
}

TEST(CellarQueryStart, MondayGoesBackToThePreviousWednesday) {
  EXPECT_EQ(CellarQueryStart(kJul15, kJul15 + hours(5)), July(10));
}

TEST(CellarQueryStart, WeekendGoesBackToWednesday) {
  EXPECT_EQ(CellarQueryStart(July(13) + hours(23), July(14)), July(10));
  EXPECT_EQ(CellarQueryStart(July(14) + hours(1), July(14) + hours(2)),
            July(10));
}

TEST(CellarQueryStart, MidweekGoesBackThreeCalendarDays) {
  EXPECT_EQ(CellarQueryStart(July(18) + hours(9), July(18) + hours(10)),
            July(15));
  EXPECT_EQ(WorkingDaysBefore(July(19), 1), July(18));
  EXPECT_EQ(WorkingDaysBefore(July(15), 1), July(12));
  EXPECT_EQ(WorkingDaysBefore(July(15) + hours(7), 0), July(15));
  EXPECT_EQ(WorkingDaysBefore(July(16), 10), July(2));
}

TEST(CellarQueryStart, FirstPollLooksBackThirtyDays) {
  EXPECT_EQ(CellarQueryStart(std::nullopt, kJul15), July(15) - days(30));
  EXPECT_EQ(CellarQueryStart(std::nullopt, kJul15, 3, days(2)), July(13));
}

TEST(CellarQueryStart, LastSuccessInTheFutureCountsAsNow) {
  EXPECT_EQ(CellarQueryStart(kJul15 + hours(100), kJul15), July(10));
}

}  // namespace
}  // namespace lexwatch::feed
