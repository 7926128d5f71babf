// Loads the shipped rules/ directory and checks that real act titles reach
// the agencies a policy officer would expect, and that the usual false
// alarms (trade defence, fisheries, sanctions, food and feed law) reach none.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rules/rule_set.h"
#include "rules/rules_test_util.h"

namespace lexwatch::rules {
namespace {

using testing::MakeItem;
using testing::Messages;
using testing::OsloAgencies;
using Agencies = std::set<std::string>;

class DefaultRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    result_ = new LoadResult(
        LoadRuleDirectory(LEXWATCH_SOURCE_DIR "/rules", OsloAgencies()));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }

  // The agencies alerted for an item with this title and summary.
  static Agencies Route(const std::string& title,
                        const std::string& summary = "") {
    Agencies agencies;
    if (!result_->ok()) return {"<rules did not load>"};
    for (const MatchReason& reason :
         result_->matcher->Match(MakeItem(title, summary))) {
      agencies.insert(reason.agencies.begin(), reason.agencies.end());
    }
    return agencies;
  }

  static LoadResult* result_;
};

LoadResult* DefaultRules::result_ = nullptr;

TEST_F(DefaultRules, LoadWithoutErrorsOrWarnings) {
  EXPECT_TRUE(result_->ok());
  EXPECT_EQ(Messages(*result_), std::vector<std::string>{});
  ASSERT_NE(result_->matcher, nullptr);
  EXPECT_GT(result_->matcher->rule_count(), 20u);
}

TEST_F(DefaultRules, DrinkingWaterDirectiveGoesToWaterAgency) {
  EXPECT_EQ(Route("CELEX:32020L2184: Directive (EU) 2020/2184 of the European "
                  "Parliament and of the Council of 16 December 2020 on the "
                  "quality of water intended for human consumption (recast) "
                  "(Text with EEA relevance)"),
            Agencies{"vav"});
}

TEST_F(DefaultRules, UrbanWastewaterDirectiveGoesToWaterAgencyOnly) {
  EXPECT_EQ(Route("Directive (EU) 2024/3019 of the European Parliament and of "
                  "the Council of 27 November 2024 concerning urban "
                  "wastewater treatment (recast)"),
            Agencies{"vav"});
  EXPECT_EQ(Route("Council Directive 91/271/EEC of 21 May 1991 concerning "
                  "urban waste water treatment"),
            Agencies{"vav"});
}

TEST_F(DefaultRules, BathingWaterNewsGoesToWaterAgency) {
  EXPECT_EQ(Route("Europe's bathing water quality remains high, but more "
                  "action needed on pollution from urban runoff"),
            Agencies{"vav"});
}

TEST_F(DefaultRules, BuildingsDirectiveGoesToPlanningAndClimate) {
  EXPECT_EQ(Route("Directive (EU) 2024/1275 of the European Parliament and of "
                  "the Council of 24 April 2024 on the energy performance of "
                  "buildings (recast)"),
            (Agencies{"kli", "pbe"}));
}

TEST_F(DefaultRules, ProcurementDirectiveGoesToProcurement) {
  EXPECT_EQ(Route("Directive 2014/24/EU of the European Parliament and of the "
                  "Council of 26 February 2014 on public procurement and "
                  "repealing Directive 2004/18/EC"),
            Agencies{"uke"});
}

TEST_F(DefaultRules, DeMinimisRegulationGoesToStateAid) {
  EXPECT_EQ(Route("Commission Regulation (EU) 2023/2831 of 13 December 2023 "
                  "on the application of Articles 107 and 108 of the Treaty on "
                  "the Functioning of the European Union to de minimis aid"),
            Agencies{"uke"});
}

// The GBER amendment also amends the fisheries block exemption; the fisheries
// exclusion of the general state-aid rule must not hide it.
TEST_F(DefaultRules, BlockExemptionAmendmentNamingFisheriesGoesToStateAid) {
  EXPECT_EQ(
      Route("Commission Regulation (EU) 2023/1315 of 23 June 2023 amending "
            "Regulation (EU) No 651/2014 declaring certain categories of aid "
            "compatible with the internal market in application of Articles "
            "107 and 108 of the Treaty and Regulation (EU) 2022/2473 declaring "
            "certain categories of aid to undertakings active in the "
            "production, processing and marketing of fishery and aquaculture "
            "products compatible with the internal market in application of "
            "Articles 107 and 108 of the Treaty (Text with EEA relevance)"),
      Agencies{"uke"});
}

TEST_F(DefaultRules, AlternativeFuelsRegulationGoesToUrbanEnvironment) {
  EXPECT_EQ(Route("Regulation (EU) 2023/1804 of the European Parliament and of "
                  "the Council of 13 September 2023 on the deployment of "
                  "alternative fuels infrastructure, and repealing Directive "
                  "2014/94/EU"),
            Agencies{"bym"});
}

// Noise is a planning matter (noise maps, action plans) for the city; it
// went to the climate agency before the labelled-set tuning.
TEST_F(DefaultRules, NoiseDirectiveGoesToPlanningAndUrbanEnvironment) {
  EXPECT_EQ(Route("Directive 2002/49/EC of the European Parliament and of the "
                  "Council of 25 June 2002 relating to the assessment and "
                  "management of environmental noise"),
            (Agencies{"bym", "pbe"}));
}

// The biennial threshold regulations never say "public procurement".
TEST_F(DefaultRules, ProcurementThresholdRegulationGoesToProcurement) {
  EXPECT_EQ(Route("Commission Delegated Regulation (EU) 2023/2497 of 15 "
                  "November 2023 amending Directive 2014/23/EU of the European "
                  "Parliament and of the Council in respect of the thresholds "
                  "for concessions (Text with EEA relevance)"),
            Agencies{"uke"});
}

// "Energy-efficient road transport vehicles" must not reach the climate
// agency through stemming of "energy efficiency".
TEST_F(DefaultRules, CleanVehiclesDirectiveGoesToUrbanEnvironmentOnly) {
  EXPECT_EQ(Route("Directive (EU) 2019/1161 of the European Parliament and of "
                  "the Council of 20 June 2019 amending Directive 2009/33/EC "
                  "on the promotion of clean and energy-efficient road "
                  "transport vehicles (Text with EEA relevance)"),
            Agencies{"bym"});
}

// Farm and fisheries block exemptions are not the city's State aid.
TEST_F(DefaultRules, AgriculturalBlockExemptionGoesNowhere) {
  EXPECT_EQ(Route("Commission Regulation (EU) 2022/2472 of 14 December 2022 "
                  "declaring certain categories of aid in the agricultural and "
                  "forestry sectors and in rural areas compatible with the "
                  "internal market in application of Articles 107 and 108 of "
                  "the Treaty on the Functioning of the European Union"),
            Agencies{});
}

TEST_F(DefaultRules, FixtureTitlesRouteAsExpected) {
  EXPECT_EQ(Route("CELEX:32024L1760: Directive (EU) 2024/1760 of the European "
                  "Parliament and of the Council of 13 June 2024 on corporate "
                  "sustainability due diligence and amending Directive (EU) "
                  "2019/1937 and Regulation (EU) 2023/2859"),
            Agencies{"kli"});
  EXPECT_EQ(Route("CELEX:32024R0573: Regulation (EU) 2024/573 of the European "
                  "Parliament and of the Council of 7 February 2024 on "
                  "fluorinated greenhouse gases"),
            Agencies{"kli"});
  EXPECT_EQ(Route("CELEX:22024D0512: Decision of the EEA Joint Committee No "
                  "30/2024 of 9 February 2024 amending Annex IV (Energy) to "
                  "the EEA Agreement [2024/512]"),
            Agencies{"kli"});
  EXPECT_EQ(Route("CELEX:52023PC0533: Proposal for a REGULATION OF THE "
                  "EUROPEAN PARLIAMENT AND OF THE COUNCIL on combating late "
                  "payment in commercial transactions"),
            Agencies{"uke"});
  EXPECT_EQ(Route("Air pollution from road transport: Europe\xE2\x80\x99s "
                  "cities still above WHO guidelines"),
            (Agencies{"bym", "kli"}));
  EXPECT_EQ(Route("Cities must adapt faster to heat, floods and droughts, EEA "
                  "report finds",
                  "Urban areas across Europe face growing climate risks; "
                  "nature-based solutions and spatial planning are key."),
            (Agencies{"kli", "pbe", "vav"}));
}

TEST_F(DefaultRules, NorwegianTextRoutes) {
  EXPECT_EQ(Route("Høring: endringer i drikkevannsforskriften"),
            Agencies{"vav"});
  EXPECT_EQ(Route("Nye regler om offentlige anskaffelser og statsstøtte"),
            Agencies{"uke"});
  EXPECT_EQ(Route("Endringer i plan- og bygningsloven om byggesaksbehandling"),
            Agencies{"pbe"});
  EXPECT_EQ(Route("Kollektivtransport i byene"), Agencies{"bym"});
}

TEST_F(DefaultRules, AntiDumpingRegulationGoesNowhere) {
  EXPECT_EQ(Route("CELEX:32024R2754: Commission Implementing Regulation (EU) "
                  "2024/2754 of 29 October 2024 imposing a definitive "
                  "anti-dumping duty on imports of biodiesel originating in "
                  "the People's Republic of China"),
            Agencies{});
}

TEST_F(DefaultRules, FishingOpportunitiesGoNowhere) {
  EXPECT_EQ(Route("Council Regulation (EU) 2024/257 of 10 January 2024 fixing "
                  "for 2024, 2025 and 2026 the fishing opportunities for "
                  "certain fish stocks and groups of fish stocks applicable in "
                  "Union waters and, for Union fishing vessels, in certain "
                  "non-Union waters"),
            Agencies{});
}

TEST_F(DefaultRules, UsualFalseAlarmsGoNowhere) {
  // Defence-industry common procurement.
  EXPECT_EQ(Route("Regulation (EU) 2023/2418 of the European Parliament and "
                  "of the Council of 18 October 2023 on establishing an "
                  "instrument for the reinforcement of the European defence "
                  "industry through common procurement (EDIRPA)"),
            Agencies{});
  // Sanctions.
  EXPECT_EQ(Route("Council Regulation (EU) 2024/1745 of 24 June 2024 amending "
                  "Regulation (EU) No 833/2014 concerning restrictive "
                  "measures in view of Russia's actions destabilising the "
                  "situation in Ukraine"),
            Agencies{});
  // Protected designation of origin.
  EXPECT_EQ(Route("Commission Implementing Regulation (EU) 2024/1234 entering "
                  "a name in the register of protected designations of origin "
                  "and protected geographical indications (\xE2\x80\x98"
                  "Fenalår "
                  "fra Norge\xE2\x80\x99 (PGI))"),
            Agencies{});
  // Pesticide maximum residue levels.
  EXPECT_EQ(Route("Commission Regulation (EU) 2024/1000 amending Annexes II "
                  "and III to Regulation (EC) No 396/2005 of the European "
                  "Parliament and of the Council as regards maximum residue "
                  "levels for fluopyram in or on certain products"),
            Agencies{});
  // Feed additives ("water for drinking" for animals).
  EXPECT_EQ(Route("Commission Implementing Regulation (EU) 2024/2000 "
                  "concerning the authorisation of a preparation of "
                  "Lactobacillus as a feed additive for all animal species "
                  "for use in water for drinking"),
            Agencies{});
  // UN/ECE type-approval regulation.
  EXPECT_EQ(Route("UN Regulation No 48 of the Economic Commission for Europe "
                  "of the United Nations (UN/ECE) \xE2\x80\x93 Uniform "
                  "provisions concerning the approval of road vehicles with "
                  "regard to the installation of lighting"),
            Agencies{});
  // Air transport agreement with a third country.
  EXPECT_EQ(Route("Council Decision (EU) 2024/100 on the signing, on behalf "
                  "of the Union, of the Air Transport Agreement between the "
                  "European Union and the Republic of Armenia"),
            Agencies{});
}

}  // namespace
}  // namespace lexwatch::rules
