#include "feed/celex.h"

#include <gtest/gtest.h>

#include <ostream>

namespace lexwatch::feed {
namespace {

TEST(FindCelex, FindsNumberInEurlexTitle) {
  EXPECT_EQ(FindCelex("CELEX:32024L1760: Directive (EU) 2024/1760 of ..."),
            "32024L1760");
}

TEST(FindCelex, FindsCorrigendumWithSuffix) {
  EXPECT_EQ(FindCelex("CELEX:32015R0757R(03)"), "32015R0757R(03)");
}

TEST(FindCelex, FindsNumberInLinks) {
  EXPECT_EQ(FindCelex("https://eur-lex.europa.eu/legal-content/EN/TXT/"
                      "?uri=CELEX:32024L1760"),
            "32024L1760");
  EXPECT_EQ(FindCelex("https://eur-lex.europa.eu/legal-content/EN/TXT/"
                      "?uri=CELEX%3A32024L1760&from=EN"),
            "32024L1760");
  EXPECT_EQ(FindCelex("?uri=CELEX%3a32023R1542R%2802%29"), "32023R1542R(02)");
}

TEST(FindCelex, FindsPreparatoryAndCaseLawNumbers) {
  EXPECT_EQ(FindCelex("CELEX:52023PC0533: Proposal"), "52023PC0533");
  EXPECT_EQ(FindCelex("CELEX:62023CJ0101"), "62023CJ0101");
}

TEST(FindCelex, ReturnsEmptyWithoutNumber) {
  EXPECT_EQ(FindCelex(""), "");
  EXPECT_EQ(FindCelex("?uri=CELLAR:1e9b4f6a-3a66-11ef"), "");
  EXPECT_EQ(FindCelex("?uri=OJ:L_202601957"), "");
  EXPECT_EQ(FindCelex("CELEX:"), "");
  EXPECT_EQ(FindCelex("CELEX:3202"), "");
}

TEST(FindCelex, SkipsMalformedOccurrenceAndFindsNextOne) {
  EXPECT_EQ(FindCelex("CELEX:bad and CELEX:32024R0573"), "32024R0573");
}

TEST(FindCelex, IgnoresUnclosedCorrigendumSuffix) {
  EXPECT_EQ(FindCelex("CELEX:32015R0757R(03"), "32015R0757");
}

TEST(IsValidCelex, AcceptsWellFormedNumbers) {
  for (const char* celex :
       {"32024L1275", "32023R1542R(02)", "52023PC0533", "22024D1955",
        "62023CJ0101", "52021DC0811", "32020XC0101(01)"}) {
    EXPECT_TRUE(IsValidCelex(celex)) << celex;
  }
}

TEST(IsValidCelex, RejectsMalformedNumbers) {
  for (const char* celex :
       {"", "3202L1275", "32024l1275", "32024L", "92024ABCD1", "32024L1275 ",
        "32024L1275R(", "32023R1542R%2802%29", "CELEX:32024L1275"}) {
    EXPECT_FALSE(IsValidCelex(celex)) << celex;
  }
}

struct DocTypeCase {
  const char* celex;
  const char* title;
  const char* doc_type;
};

// Names each case in test listings and CTest by what it maps, not by the
// bytes of its pointers (which change from build to build).
void PrintTo(const DocTypeCase& c, std::ostream* os) {
  *os << (*c.celex != '\0' ? c.celex : "(none)") << " -> "
      << (*c.doc_type != '\0' ? c.doc_type : "(none)");
}

class DocTypeTable : public testing::TestWithParam<DocTypeCase> {};

TEST_P(DocTypeTable, MapsCelexToDocumentType) {
  const DocTypeCase& c = GetParam();
  EXPECT_EQ(DocTypeFromCelexAndTitle(c.celex, c.title), c.doc_type) << c.celex;
}

INSTANTIATE_TEST_SUITE_P(
    Celex, DocTypeTable,
    testing::Values(DocTypeCase{"32024R0573", "", "regulation"},
                    DocTypeCase{"32024L1760", "", "directive"},
                    DocTypeCase{"32024D1234", "", "decision"},
                    DocTypeCase{"32024H0100", "", "recommendation"},
                    DocTypeCase{"32024X0100", "", "other"},
                    DocTypeCase{"32024Q0100", "", "other"},
                    DocTypeCase{"32015R0757R(03)", "", "corrigendum"},
                    DocTypeCase{"32023R1542R(02)", "", "corrigendum"},
                    DocTypeCase{"52023PC0533", "", "proposal"},
                    DocTypeCase{"52021DC0811", "", "communication"},
                    DocTypeCase{"52021SC0001", "", "other"},
                    DocTypeCase{"62023CJ0101", "", "judgment"},
                    DocTypeCase{
                        "22024D0512",
                        "Decision of the EEA Joint Committee No 30/2024",
                        "eea-decision"},
                    DocTypeCase{"22024D0512",
                                "Decision No 1/2024 of the EU-Swiss Joint "
                                "Committee",
                                "decision"},
                    DocTypeCase{"22024A0101", "EEA Joint Committee", "other"},
                    DocTypeCase{"12016M/TXT", "", "other"},
                    DocTypeCase{"", "", ""}));

TEST(DocTypeFromCelex, SectorTwoDecisionWithoutTitleIsDecision) {
  EXPECT_EQ(DocTypeFromCelex("22024D0512"), "decision");
}

TEST(DocTypeFromCelex, InvalidNumberIsOther) {
  EXPECT_EQ(DocTypeFromCelex("not a celex"), "other");
}

}  // namespace
}  // namespace lexwatch::feed
