#include "fetch/url_policy.h"

#include <gtest/gtest.h>

namespace lexwatch::fetch {
namespace {

TEST(UrlPolicy, HttpsToAnyHostIsAllowed) {
  EXPECT_TRUE(
      CheckUrlAllowed("https://eur-lex.europa.eu/EN/display-feed.rss?rssId=222",
                      /*allow_insecure=*/false)
          .ok());
}

TEST(UrlPolicy, HttpIsRefusedWithoutInsecure) {
  Status s = CheckUrlAllowed("http://127.0.0.1:8080/feed", false);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(),
            "http://127.0.0.1:8080/feed: scheme or host not allowed");
}

TEST(UrlPolicy, FileIsRefusedWithoutInsecure) {
  EXPECT_TRUE(CheckUrlAllowed("file:///etc/passwd", false).IsInvalidArgument());
}

TEST(UrlPolicy, InsecureAllowsHttpToLoopbackNamesOnly) {
  EXPECT_TRUE(CheckUrlAllowed("http://127.0.0.1:8080/feed", true).ok());
  EXPECT_TRUE(CheckUrlAllowed("http://localhost/feed", true).ok());
  EXPECT_TRUE(CheckUrlAllowed("http://LOCALHOST/feed", true).ok());
  EXPECT_TRUE(CheckUrlAllowed("http://[::1]:8080/feed", true).ok());
  EXPECT_TRUE(CheckUrlAllowed("HTTP://127.0.0.1/feed", true).ok());
}

TEST(UrlPolicy, InsecureRefusesHttpToOtherHosts) {
  for (const char* url :
       {"http://eur-lex.europa.eu/feed", "http://localhost.example.org/feed",
        "http://127.0.0.1@example.org/feed", "http://10.0.0.5:3000/feed",
        "http://[::2]/feed"}) {
    Status s = CheckUrlAllowed(url, true);
    EXPECT_TRUE(s.IsInvalidArgument()) << url;
    EXPECT_EQ(s.message(), std::string(url) + ": scheme or host not allowed");
  }
}

TEST(UrlPolicy, InsecureAllowsFile) {
  EXPECT_TRUE(CheckUrlAllowed("file:///tmp/feed.xml", true).ok());
}

TEST(UrlPolicy, OtherSchemesAndGarbageAreRefused) {
  for (const char* url :
       {"ftp://127.0.0.1/feed", "gopher://localhost/", "eur-lex.europa.eu/feed",
        "", "https://", "https://exa mple.org/"}) {
    EXPECT_TRUE(CheckUrlAllowed(url, true).IsInvalidArgument()) << url;
  }
}

TEST(UrlPolicy, EmbeddedNulIsRefused) {
  using std::string_literals::operator""s;
  EXPECT_TRUE(CheckUrlAllowed("https://example.org/\0http://x"s, false)
                  .IsInvalidArgument());
}

TEST(UrlPolicy, RedirectsNeverReachFile) {
  EXPECT_STREQ(AllowedProtocols(false), "https");
  EXPECT_STREQ(AllowedRedirectProtocols(false), "https");
  EXPECT_STREQ(AllowedProtocols(true), "https,http,file");
  EXPECT_STREQ(AllowedRedirectProtocols(true), "https,http");
}

}  // namespace
}  // namespace lexwatch::fetch
