#include "feed/feed_dates.h"

#include <gtest/gtest.h>

namespace lexwatch::feed {
namespace {

// 2024-07-04T22:00:00Z.
constexpr long long kJul4At22Utc = 1720130400;

TEST(ParseRfc822Date, NumericOffsetConvertsToUtc) {
  EXPECT_EQ(ParseRfc822Date("Fri, 05 Jul 2024 00:00:00 +0200"), kJul4At22Utc);
  EXPECT_EQ(ParseRfc822Date("Thu, 04 Jul 2024 17:00:00 -0500"), kJul4At22Utc);
}

TEST(ParseRfc822Date, GmtIsUtc) {
  // 2025-06-03T09:00:00Z.
  EXPECT_EQ(ParseRfc822Date("Tue, 03 Jun 2025 09:00:00 GMT"), 1748941200);
  EXPECT_EQ(ParseRfc822Date("Tue, 03 Jun 2025 09:00:00 UT"), 1748941200);
  EXPECT_EQ(ParseRfc822Date("Tue, 03 Jun 2025 09:00:00 Z"), 1748941200);
}

TEST(ParseRfc822Date, NamedZonesHaveTheirOffsets) {
  EXPECT_EQ(ParseRfc822Date("Thu, 04 Jul 2024 17:00:00 EST"), kJul4At22Utc);
  EXPECT_EQ(ParseRfc822Date("Thu, 04 Jul 2024 18:00:00 EDT"), kJul4At22Utc);
  EXPECT_EQ(ParseRfc822Date("Thu, 04 Jul 2024 15:00:00 PDT"), kJul4At22Utc);
  EXPECT_EQ(ParseRfc822Date("Fri, 05 Jul 2024 00:00:00 CEST"), kJul4At22Utc);
}

TEST(ParseRfc822Date, AcceptsCommonVariants) {
  EXPECT_EQ(ParseRfc822Date("5 Jul 2024 00:00 +0200"), kJul4At22Utc);
  EXPECT_EQ(ParseRfc822Date("Friday, 05 July 2024 00:00:00 +02:00"),
            kJul4At22Utc);
  EXPECT_EQ(ParseRfc822Date("  Fri, 05 Jul 24 00:00:00 +0200 (CEST) "),
            kJul4At22Utc);
  EXPECT_EQ(ParseRfc822Date("Thu, 04 Jul 2024 22:00:00"), kJul4At22Utc);
}

TEST(ParseRfc822Date, RejectsWhatIsNotADate) {
  for (const char* text :
       {"", "yesterday", "Fri, 05 Foo 2024 00:00:00 +0200",
        "Fri, 31 Jun 2024 00:00:00 +0200", "Fri, 05 Jul 2024 24:00:00 +0200",
        "Fri, 05 Jul 2024 00:00:00 XYZ", "Fri, 05 Jul 2024 00:00:00 +2500",
        "2024-07-05T00:00:00Z"}) {
    EXPECT_EQ(ParseRfc822Date(text), std::nullopt) << text;
  }
}

TEST(ParseIso8601Date, ParsesRfc3339) {
  EXPECT_EQ(ParseIso8601Date("2024-07-04T22:00:00Z"), kJul4At22Utc);
  EXPECT_EQ(ParseIso8601Date("2024-07-05T00:00:00+02:00"), kJul4At22Utc);
  EXPECT_EQ(ParseIso8601Date("2024-07-04T17:00:00.123-05:00"), kJul4At22Utc);
  EXPECT_EQ(ParseIso8601Date("2024-07-04t22:00:00z"), kJul4At22Utc);
}

TEST(ParseIso8601Date, DateOnlyAndMissingZoneMeanUtc) {
  EXPECT_EQ(ParseIso8601Date("2024-07-05"), kJul4At22Utc + 7200);
  EXPECT_EQ(ParseIso8601Date("2024-07-04T22:00"), kJul4At22Utc);
  EXPECT_EQ(ParseIso8601Date("2024-07-05T00:00:00+0200"), kJul4At22Utc);
}

TEST(ParseIso8601Date, RejectsWhatIsNotADate) {
  for (const char* text : {"", "2024", "2024-13-01", "2024-02-30",
                           "2024-07-05T00:00:00+02:00 trailing",
                           "2024-07-05X00:00", "Fri, 05 Jul 2024"}) {
    EXPECT_EQ(ParseIso8601Date(text), std::nullopt) << text;
  }
}

TEST(ParseIso8601Date, HandlesEpochAndLeapDay) {
  EXPECT_EQ(ParseIso8601Date("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIso8601Date("2024-02-29T00:00:00Z"), 1709164800);
}

TEST(ParseFeedDate, AcceptsEitherFormat) {
  EXPECT_EQ(ParseFeedDate("Fri, 05 Jul 2024 00:00:00 +0200"), kJul4At22Utc);
  EXPECT_EQ(ParseFeedDate("2024-07-04T22:00:00Z"), kJul4At22Utc);
  EXPECT_EQ(ParseFeedDate("soon"), std::nullopt);
}

}  // namespace
}  // namespace lexwatch::feed
