#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/item.h"
#include "feed/feed_parser.h"
#include "feed/item_cleanup.h"

namespace lexwatch::feed {
namespace {

Item EeaDecision(const std::string& title) {
  Item item;
  item.title = title;
  item.celex = "22024D1955";
  item.doc_type = "eea-decision";
  ApplyEeaMetadata(&item);
  return item;
}

TEST(EeaMetadata, JointCommitteeDecisionNamesTheAnnexAmended) {
  Item item = EeaDecision(
      "Decision of the EEA Joint Committee No 123/2024 of 14 June 2024 "
      "amending Annex XX (Environment) to the EEA Agreement [2024/1955]");
  EXPECT_EQ(item.eea_annex, "XX Environment");
}

TEST(EeaMetadata, AnnexSubjectWithCommasIsKeptWhole) {
  Item item = EeaDecision(
      "Decision of the EEA Joint Committee No 30/2024 amending Annex II "
      "(Technical regulations, standards, testing and certification) to the "
      "EEA Agreement");
  EXPECT_EQ(item.eea_annex,
            "II Technical regulations, standards, testing and certification");
}

TEST(EeaMetadata, SeveralAnnexesAreJoinedWithSemicolons) {
  EXPECT_EQ(EeaDecision("Decision of the EEA Joint Committee No 1/2025 "
                        "amending Annex XIII (Transport) and Annex XX "
                        "(Environment) to the EEA Agreement")
                .eea_annex,
            "XIII Transport; XX Environment");
  EXPECT_EQ(EeaDecision("Decision of the EEA Joint Committee No 2/2025 "
                        "amending Annexes XV (State aid), XVI (Procurement) "
                        "and XX (Environment) to the EEA Agreement")
                .eea_annex,
            "XV State aid; XVI Procurement; XX Environment");
}

TEST(EeaMetadata, AnnexWithoutSubjectGetsTheKnownOne) {
  EXPECT_EQ(EeaDecision("Decision of the EEA Joint Committee No 3/2025 "
                        "amending Annex XVI to the EEA Agreement")
                .eea_annex,
            "XVI Procurement");
  EXPECT_EQ(EeaDecision("Decision of the EEA Joint Committee No 4/2025 "
                        "amending Annex IX to the EEA Agreement")
                .eea_annex,
            "IX");
}

TEST(EeaMetadata, ProtocolAmendmentHasNoAnnex) {
  EXPECT_EQ(EeaDecision("Decision of the EEA Joint Committee No 5/2025 "
                        "amending Protocol 31 to the EEA Agreement")
                .eea_annex,
            "");
}

TEST(EeaMetadata, AnnexOfOtherActsIsIgnored) {
  Item item;
  item.title =
      "Commission Regulation (EU) 2024/1 amending Annex II (Maximum "
      "residue levels) to Regulation (EC) No 396/2005";
  item.doc_type = "regulation";
  ApplyEeaMetadata(&item);
  EXPECT_EQ(item.eea_annex, "");
}

TEST(EeaMetadata, TextWithEeaRelevanceSetsTheFlag) {
  Item item;
  item.title =
      "Regulation (EU) 2024/573 on fluorinated greenhouse gases (Text with "
      "EEA relevance)";
  ApplyEeaMetadata(&item);
  EXPECT_EQ(item.eea_relevant, std::optional<bool>(true));
}

TEST(EeaMetadata, TitleWithoutTheNoteLeavesTheFlagUnknown) {
  Item item;
  item.title = "Council Decision (CFSP) 2024/1 concerning restrictive measures";
  ApplyEeaMetadata(&item);
  EXPECT_EQ(item.eea_relevant, std::nullopt);
  item.eea_relevant = false;  // From CELLAR: kept.
  ApplyEeaMetadata(&item);
  EXPECT_EQ(item.eea_relevant, std::optional<bool>(false));
}

TEST(EeaMetadata, OjFeedItemsCarryAnnexAndRelevance) {
  std::ifstream in(std::string(LEXWATCH_FIXTURES_DIR) + "/eurlex-oj-l.rss",
                   std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  Result<std::vector<Item>> items = ParseFeed(bytes.str(), "oj-l");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 7u);
  EXPECT_EQ((*items)[3].eea_annex, "IV Energy");
  EXPECT_EQ((*items)[0].eea_annex, "");
  EXPECT_EQ((*items)[0].eea_relevant, std::optional<bool>(true));
  EXPECT_EQ((*items)[3].eea_relevant, std::nullopt);
}

}  // namespace
}  // namespace lexwatch::feed
