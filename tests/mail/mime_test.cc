#include "mail/mime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mail/mime_test_util.h"
#include "mail/sha256.h"

namespace lexwatch::mail {
namespace {

using ::testing::HasSubstr;

TEST(Sha256, MatchesFipsTestVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000, 'a'), 8), "41edece42d63e8d9");
}

TEST(Base64Encode, PadsToQuads) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("\xC3\xB8"), "w7g=");
}

TEST(QuotedPrintableEncode, EncodesEightBitAndEquals) {
  EXPECT_EQ(QuotedPrintableEncode("Søk = 1\r\n"), "S=C3=B8k =3D 1\r\n");
}

TEST(QuotedPrintableEncode, EncodesTrailingBlanksAndLeadingDot) {
  EXPECT_EQ(QuotedPrintableEncode("-- \r\n.\r\nend \t"),
            "--=20\r\n=2E\r\nend =09");
}

TEST(QuotedPrintableEncode, TurnsBareLfIntoCrlf) {
  EXPECT_EQ(QuotedPrintableEncode("a\nb"), "a\r\nb");
}

TEST(QuotedPrintableEncode, SoftBreaksLongLinesAndRoundTrips) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "æøå x=y ";
  text += "\r\n" + std::string(200, 'z') + "\r\n";
  std::string encoded = QuotedPrintableEncode(text);
  for (const std::string& line : testing::Lines(encoded)) {
    EXPECT_LE(line.size(), 76u) << line;
  }
  EXPECT_EQ(testing::DecodeQuotedPrintable(encoded), text);
}

TEST(HtmlEscape, EscapesTheFiveSpecials) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(IsHttpUrl, AcceptsOnlyHttpAndHttps) {
  EXPECT_TRUE(IsHttpUrl("https://eur-lex.europa.eu/x?a=1&b=2"));
  EXPECT_TRUE(IsHttpUrl("HTTP://example.org/"));
  EXPECT_FALSE(IsHttpUrl("javascript:alert(1)"));
  EXPECT_FALSE(IsHttpUrl("data:text/html,x"));
  EXPECT_FALSE(IsHttpUrl("https://"));
  EXPECT_FALSE(IsHttpUrl("https://a.no/\"onclick=\"x"));
  EXPECT_FALSE(IsHttpUrl("https://a.no/ x"));
  EXPECT_FALSE(IsHttpUrl(" https://a.no/"));
}

TEST(CleanUtf8, RepairsBytesAndBlanksControls) {
  EXPECT_EQ(CleanUtf8("a\xFF"
                      "b\r\nc\xC2\x85"
                      "d\x7F"),
            "a\xEF\xBF\xBD"
            "b  c d ");
  EXPECT_EQ(CleanUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(CleanUtf8("ærlig 𝄞"), "ærlig 𝄞");
}

TEST(TruncateUtf8, CutsAtCharacterBoundary) {
  EXPECT_EQ(TruncateUtf8("æøåæøå", 3), "æøå…");
  EXPECT_EQ(TruncateUtf8("æøå", 3), "æøå");
}

TEST(FormatRfc5322Date, FormatsUtc) {
  EXPECT_EQ(FormatRfc5322Date(FromUnixSeconds(0)),
            "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatRfc5322Date(FromUnixSeconds(1782813605)),
            "Tue, 30 Jun 2026 10:00:05 +0000");
}

TEST(FormatOsloDate, UsesOsloCalendarDay) {
  // Tue, 30 Jun 2026 00:00:00 +0200 (summer time).
  EXPECT_EQ(FormatOsloDate(1782770400), "30.06.2026");
  // Thu, 15 Jan 2026 00:00:00 +0100 (winter time).
  EXPECT_EQ(FormatOsloDate(1768431600), "15.01.2026");
  // 2026-03-29 00:59:59Z is still winter time: 01:59:59 local.
  EXPECT_EQ(FormatOsloDate(1774745999), "29.03.2026");
  // 2026-10-24T22:30:00Z is 00:30 on the 25th in summer time.
  EXPECT_EQ(FormatOsloDate(1792881000), "25.10.2026");
}

}  // namespace
}  // namespace lexwatch::mail
