// The header fields of alerts that carry feed or config text.

#include <gtest/gtest.h>

#include "mail/message.h"
#include "mail/mime_test_util.h"

namespace lexwatch::mail {
namespace {

using namespace ::lexwatch::mail::testing;

AlertInput InputFor(Item item) {
  AlertInput input;
  input.item = std::move(item);
  input.agency_id = "vav";
  input.agency_name = "Vann- og avløpsetaten";
  input.to = {"postmottak@vav.oslo.kommune.no"};
  input.from = "lexwatch <lexwatch@oslo.kommune.no>";
  input.date = FromUnixSeconds(1782813600);
  input.message_id =
      MakeMessageId(input.item.Key(), "vav", "lexwatch.oslo.kommune.no");
  return input;
}

std::string Headers(const AlertInput& input) {
  return SplitMessage(RenderAlert(input).bytes).first;
}

TEST(RenderAlert, ShortCelexItemKeyStaysReadableInTraceHeader) {
  Item item;
  item.source = "oj";
  item.title = "Directive (EU) 2020/2184 on drinking water";
  item.celex = "32020L2184";
  EXPECT_EQ(RawHeader(Headers(InputFor(item)), "X-Lexwatch-Item"),
            "celex:32020L2184");
}

TEST(RenderAlert, LongGuidItemKeyIsEncodedAndFoldedInTraceHeader) {
  Item item;
  item.source = "eea-news";
  item.title = "Bathing water quality 2026";
  item.guid =
      "https://www.eea.europa.eu/en/newsroom/news/"
      "bathing-water-quality-2026?utm_source=rss";
  std::string headers = Headers(InputFor(item));
  std::string value = RawHeader(headers, "X-Lexwatch-Item");
  EXPECT_EQ(
      value,
      "=?UTF-8?B?Z3VpZDplZWEtbmV3czpodHRwczovL3d3dy5lZWEuZXVy?=\r\n"
      " =?UTF-8?B?b3BhLmV1L2VuL25ld3Nyb29tL25ld3MvYmF0aGluZy13YXRlci1xdWFs"
      "aXR5?=\r\n"
      " =?UTF-8?B?LTIwMjY/dXRtX3NvdXJjZT1yc3M=?=");
  EXPECT_EQ(DecodeRfc2047(Unfold(value)), item.Key());
  for (const std::string& line : Lines(headers)) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(RenderAlert, NonAsciiItemKeyIsEncodedInTraceHeader) {
  Item item;
  item.source = "eea-news";
  item.title = "Vannkvalitet";
  item.guid = "bademiljø-2026";
  std::string value = RawHeader(Headers(InputFor(item)), "X-Lexwatch-Item");
  EXPECT_EQ(value, "=?UTF-8?B?Z3VpZDplZWEtbmV3czpiYWRlbWlsasO4LTIwMjY=?=");
  EXPECT_EQ(DecodeRfc2047(value), "guid:eea-news:bademiljø-2026");
}

// An item with neither guid nor link is keyed by its title: ASCII words
// are folded at a space, as the Subject is, and unfold to the key.
TEST(RenderAlert, LongAsciiTitleKeyIsFoldedAtSpacesInTraceHeader) {
  Item item;
  item.source = "eea-news";
  item.title =
      "Europe's environment 2026: drinking water and bathing water quality "
      "across member states";
  std::string value = RawHeader(Headers(InputFor(item)), "X-Lexwatch-Item");
  EXPECT_EQ(value,
            "guid:eea-news:Europe's environment 2026: drinking water and\r\n"
            " bathing water quality across member states");
  EXPECT_EQ(Unfold(value), item.Key());
}

TEST(RenderAlert, DisplayNameWithCommaAndNonAsciiIsEncodedInFrom) {
  AlertInput input = InputFor(Item{});
  input.item.celex = "32020L2184";
  input.from = "Lexwatch Bymiljø, Oslo <lexwatch@example.org>";
  EXPECT_EQ(RawHeader(Headers(input), "From"),
            "=?UTF-8?B?TGV4d2F0Y2ggQnltaWxqw7gsIE9zbG8=?= "
            "<lexwatch@example.org>");
}

}  // namespace
}  // namespace lexwatch::mail
