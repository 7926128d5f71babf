#include "core/fold.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lexwatch {
namespace {

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  for (const Token& token : Tokenize(text)) words.push_back(token.text);
  return words;
}

TEST(FoldForMatch, IgnoresCase) {
  EXPECT_EQ(FoldForMatch("Vannforsyning"), "vannforsyning");
  EXPECT_EQ(FoldForMatch("VANNFORSYNING"), "vannforsyning");
}

TEST(FoldForMatch, SpellsNordicLettersAsPlainLetters) {
  EXPECT_EQ(FoldForMatch("Byggesøknad"), "byggesoknad");
  EXPECT_EQ(FoldForMatch("BÆREKRAFT"), "baerekraft");
  EXPECT_EQ(FoldForMatch("Årsrapport på Ørland"), "arsrapport pa orland");
  EXPECT_EQ(FoldForMatch("Avløp"), "avlop");
}

TEST(FoldForMatch, SpellsOtherSpecialLettersAsPlainLetters) {
  EXPECT_EQ(FoldForMatch("Straße STRASSE"), "strasse strasse");
  EXPECT_EQ(FoldForMatch("Œuvre"), "oeuvre");
  EXPECT_EQ(FoldForMatch("Þór"), "thor");
  EXPECT_EQ(FoldForMatch("Đakovo"), "dakovo");
  EXPECT_EQ(FoldForMatch("Łódź"), "lodz");
}

TEST(FoldForMatch, StripsDiacriticsComposedOrNot) {
  EXPECT_EQ(FoldForMatch("Café Müller"), "cafe muller");
  EXPECT_EQ(FoldForMatch("Cafe\xCC\x81"), "cafe");  // e + combining acute.
  EXPECT_EQ(FoldForMatch("Protección"), "proteccion");
}

TEST(FoldForMatch, AppliesCompatibilityMappings) {
  EXPECT_EQ(FoldForMatch("\xEF\xAC\x81nance"), "finance");    // "fi" ligature.
  EXPECT_EQ(FoldForMatch("\xEF\xBC\xA1\xEF\xBC\xA2"), "ab");  // Full-width.
}

TEST(FoldForMatch, ReplacesInvalidUtf8InsteadOfFailing) {
  EXPECT_EQ(FoldForMatch("a\xFF"
                         "b\xC3"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST(FoldCase, FoldsCaseButKeepsLettersAndMarks) {
  EXPECT_EQ(FoldCase("AVLØPET"), "avløpet");
  EXPECT_EQ(FoldCase("Café Straße"), "café strasse");
  EXPECT_EQ(FoldCase("Cafe\xCC\x81"), "caf\xC3\xA9");  // Composed to é.
  EXPECT_EQ(FoldCase("Water"), "water");
}

TEST(Tokenize, HyphensAndSlashesSplitWords) {
  EXPECT_EQ(Words("waste-water"), (std::vector<std::string>{"waste", "water"}));
  EXPECT_EQ(Words("Regulation (EU) 2024/1275"),
            (std::vector<std::string>{"regulation", "eu", "2024", "1275"}));
}

TEST(Tokenize, ApostrophesSplitWords) {
  EXPECT_EQ(Words("Europe\xE2\x80\x99s cities, People's Republic"),
            (std::vector<std::string>{"europe", "s", "cities", "people", "s",
                                      "republic"}));
}

TEST(Tokenize, TokensCarryByteOffsetsIntoTheOriginal) {
  std::string text = "Bærekraft og «miljø»";
  std::vector<Token> tokens = Tokenize(text);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].text, "baerekraft");
  EXPECT_EQ(text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin),
            "Bærekraft");
  EXPECT_EQ(tokens[1].text, "og");
  EXPECT_EQ(tokens[1].begin, 11u);
  EXPECT_EQ(tokens[1].end, 13u);
  EXPECT_EQ(tokens[2].text, "miljo");
  EXPECT_EQ(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin),
            "miljø");
}

TEST(Tokenize, CombiningMarksStayInTheirWord) {
  std::vector<Token> tokens = Tokenize("cafe\xCC\x81 noir");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].text, "cafe");
  EXPECT_EQ(tokens[0].end, 6u);
}

TEST(Tokenize, SoftHyphenDoesNotSplitAWord) {
  EXPECT_EQ(Words("waste\xC2\xADwater"),
            (std::vector<std::string>{"wastewater"}));
}

TEST(Tokenize, TextWithoutLettersGivesNoTokens) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" -- / ... ").empty());
}

}  // namespace
}  // namespace lexwatch
