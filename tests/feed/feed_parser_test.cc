#include "feed/feed_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "core/sanitize.h"

namespace lexwatch::feed {
namespace {

// Parses `xml` and expects success.
std::vector<Item> Parse(const std::string& xml) {
  Result<std::vector<Item>> items = ParseFeed(xml, "test");
  EXPECT_TRUE(items.ok()) << items.status().ToString();
  return items.ok() ? *items : std::vector<Item>();
}

// The message of the error `xml` gives.
std::string ParseError(const std::string& xml) {
  Result<std::vector<Item>> items = ParseFeed(xml, "src");
  EXPECT_FALSE(items.ok());
  if (items.ok()) return "";
  EXPECT_TRUE(items.status().IsInvalidArgument());
  return items.status().message();
}

// An RSS 2.0 document with `items` inside the channel.
std::string Rss(const std::string& items) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<rss version=\"2.0\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
         "<title>T</title><link>https://example.org/</link>" +
         items + "</channel></rss>";
}

// One RSS 2.0 item with the given title.
Item RssWithTitle(const std::string& title) {
  const std::vector<Item> items =
      Parse(Rss("<item><title>" + title + "</title></item>"));
  EXPECT_EQ(items.size(), 1u);
  return items.empty() ? Item() : items[0];
}

TEST(Atom, ParsesEntry) {
  const std::vector<Item> items = Parse(R"(<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nb-NO">
  <title>Nyheter</title>
  <link href="https://example.org/"/>
  <link rel="self" href="https://example.org/atom.xml"/>
  <author><name>Feed Author</name></author>
  <entry>
    <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
    <title type="html">Vann &amp;amp; avl&#248;p</title>
    <link rel="edit" href="https://example.org/edit/1"/>
    <link rel="alternate" type="text/html" href="https://example.org/1"/>
    <updated>2024-07-05T10:00:00Z</updated>
    <published>2024-07-04T22:00:00Z</published>
    <summary type="html">&lt;p&gt;Ny &lt;b&gt;forskrift&lt;/b&gt;&lt;/p&gt;</summary>
    <author><name>Ola Nordmann</name></author>
    <author><name>Kari Nordmann</name></author>
  </entry>
  <entry>
    <id>tag:example.org,2024:2</id>
    <title>Second</title>
    <link href="https://example.org/2"/>
    <updated>2024-07-05T10:00:00+02:00</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One</p><p>two</p></div></content>
  </entry>
</feed>)");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].guid, "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6");
  EXPECT_EQ(items[0].title, "Vann & avløp");
  EXPECT_EQ(items[0].link, "https://example.org/1");
  EXPECT_EQ(items[0].summary, "Ny forskrift");
  EXPECT_EQ(items[0].author, "Ola Nordmann, Kari Nordmann");
  EXPECT_EQ(items[0].language, "nb");
  EXPECT_EQ(items[0].published, 1720130400);
  EXPECT_EQ(items[1].summary, "One two");
  EXPECT_EQ(items[1].author, "Feed Author");
  EXPECT_EQ(items[1].published, 1720166400);  // Updated, as no published.
}

TEST(Atom, FeedElementOutsideAtomNamespaceIsRejected) {
  EXPECT_EQ(ParseError("<feed><entry/></feed>"),
            "src: not a feed: root element <feed>");
}

TEST(Rss1, ParsesItemsBesideTheChannel) {
  const std::vector<Item> items = Parse(R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/rss">
    <title>Example</title>
    <link>https://example.org/</link>
    <dc:language>en-GB</dc:language>
    <items><rdf:Seq><rdf:li rdf:resource="https://example.org/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://example.org/a">
    <title>Item A</title>
    <link>https://example.org/a</link>
    <description>Plain text &amp; more</description>
    <dc:creator>Someone</dc:creator>
    <dc:date>2024-07-05T00:00:00+02:00</dc:date>
  </item>
</rdf:RDF>)");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].guid, "https://example.org/a");
  EXPECT_EQ(items[0].title, "Item A");
  EXPECT_EQ(items[0].link, "https://example.org/a");
  EXPECT_EQ(items[0].summary, "Plain text & more");
  EXPECT_EQ(items[0].author, "Someone");
  EXPECT_EQ(items[0].language, "en");
  EXPECT_EQ(items[0].published, 1720130400);
}

TEST(Rss2, DublinCoreNamespaceDeclaredOnChannelOrUnderAnotherPrefix) {
  const std::vector<Item> items = Parse(
      "<rss version=\"2.0\"><channel xmlns:d=\"http://purl.org/dc/elements/"
      "1.1/\"><item><title>A</title><d:creator>Council,</d:creator>"
      "<d:date>2024-07-04T22:00:00Z</d:date><d:language>no</d:language>"
      "</item><item><title>B</title><dc:creator>Undeclared</dc:creator>"
      "</item><item><title>C</title>"
      "<x:creator xmlns:x=\"urn:other\">Not DC</x:creator></item>"
      "</channel></rss>");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].author, "Council");
  EXPECT_EQ(items[0].published, 1720130400);
  EXPECT_EQ(items[0].language, "nb");
  EXPECT_EQ(items[1].author, "Undeclared");
  EXPECT_EQ(items[2].author, "");
}

// Namespace answers are remembered for the items of one channel; an item
// that binds the prefix anew must still get its own answer, and the next
// item the channel's again.
TEST(Rss2, ItemThatRebindsThePrefixIsResolvedOnItsOwn) {
  const std::vector<Item> items = Parse(
      "<rss version=\"2.0\"><channel xmlns:dc=\"http://purl.org/dc/elements/"
      "1.1/\"><item><title>A</title><dc:creator>First</dc:creator></item>"
      "<item xmlns:dc=\"urn:other\"><title>B</title>"
      "<dc:creator>Not DC</dc:creator></item>"
      "<item><title>C</title><dc:creator>Third</dc:creator></item>"
      "<item><title>D</title><dc:creator xmlns:dc=\"urn:other\">Not DC"
      "</dc:creator><dc:language>de</dc:language></item>"
      "<item><title>E</title><content:encoded>Body</content:encoded>"
      "<dc:creator>Fifth</dc:creator></item></channel></rss>");
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].author, "First");
  EXPECT_EQ(items[1].author, "");
  EXPECT_EQ(items[2].author, "Third");
  EXPECT_EQ(items[3].author, "");
  EXPECT_EQ(items[3].language, "de");
  EXPECT_EQ(items[4].author, "Fifth");
  EXPECT_EQ(items[4].summary, "Body");
}

// The channel's xml:lang is remembered for its items; an item with its own
// keeps it, and does not pass it on to the next.
TEST(Rss2, ItemXmlLangOverridesTheChannelsForThatItemOnly) {
  const std::vector<Item> items = Parse(
      "<rss><channel xml:lang=\"nb-NO\"><item><title>A</title></item>"
      "<item xml:lang=\"en-GB\"><title>B</title></item>"
      "<item><title>C</title></item></channel></rss>");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].language, "nb");
  EXPECT_EQ(items[1].language, "en");
  EXPECT_EQ(items[2].language, "nb");
}

// Text split over several nodes (entities, CDATA, comments) is joined; a
// lone text node is read in place.
TEST(Rss2, TextSplitOverSeveralNodesIsJoined) {
  const std::vector<Item> items =
      Parse(Rss("<item><title>One <![CDATA[two]]> three<!-- x --> four</title>"
                "<guid>g1</guid></item>"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].title, "One two three four");
  EXPECT_EQ(items[0].guid, "g1");
}

TEST(Rss2, PubDateWinsOverDcDateInAnyOrder) {
  const std::vector<Item> items =
      Parse(Rss("<item><title>A</title><dc:date>2000-01-01</dc:date>"
                "<pubDate>Fri, 05 Jul 2024 00:00:00 +0200</pubDate></item>"
                "<item><title>B</title><pubDate>garbage</pubDate>"
                "<dc:date>2024-07-04T22:00:00Z</dc:date></item>"));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].published, 1720130400);
  EXPECT_EQ(items[1].published, 1720130400);
}

TEST(Rss2, UnparseableDateIsAbsent) {
  const std::vector<Item> items = Parse(
      Rss("<item><title>A</title><pubDate>last Tuesday</pubDate></item>"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].published, std::nullopt);
}

TEST(Rss2, ChannelLanguageIsNormalised) {
  const std::vector<Item> items = Parse(
      "<rss><channel><language>nb-NO</language><item><title>A</title></item>"
      "</channel></rss>");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].language, "nb");
}

TEST(Rss2, ItemWithoutTitleLinkAndGuidIsSkipped) {
  const std::vector<Item> items =
      Parse(Rss("<item><description>orphan</description></item>"
                "<item><guid>only-guid</guid></item>"
                "<item><link>https://example.org/x</link></item>"));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].guid, "only-guid");
  EXPECT_EQ(items[1].link, "https://example.org/x");
}

TEST(Rss2, ItemOfOnlyWhiteSpaceAndControlsIsSkipped) {
  EXPECT_TRUE(Parse(Rss("<item><title> &#x2028; </title></item>")).empty());
}

TEST(Rss2, FeedWithoutItemsIsOk) { EXPECT_TRUE(Parse(Rss("")).empty()); }

TEST(Rss2, OnlyHttpLinksAreKept) {
  const std::vector<Item> items = Parse(
      Rss("<item><title>a</title><link>javascript:alert(1)</link></item>"
          "<item><title>b</title><link>ftp://example.org/x</link></item>"
          "<item><title>c</title><link> HTTPS://example.org/c </link></item>"
          "<item><title>d</title><link>data:text/html,x</link></item>"
          "<item><title>e</title><link>https://</link></item>"));
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].link, "");
  EXPECT_EQ(items[1].link, "");
  EXPECT_EQ(items[2].link, "HTTPS://example.org/c");
  EXPECT_EQ(items[3].link, "");
  EXPECT_EQ(items[4].link, "");
}

TEST(Rss2, RelativeAndInternalLinksUseTheChannelHost) {
  const std::vector<Item> items = Parse(
      "<rss><channel><link>https://www.eea.europa.eu/en/newsroom/news</link>"
      "<item><title>a</title><link>http://10.110.1.7:3000/en/x</link></item>"
      "<item><title>b</title><link>/en/y</link></item>"
      "</channel></rss>");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].link, "https://www.eea.europa.eu/en/x");
  EXPECT_EQ(items[1].link, "https://www.eea.europa.eu/en/y");
}

TEST(Rss2, ChannelLinkWithBadBytesOrBreaksIsNoOriginForRelativeLinks) {
  for (const std::string channel :
       {"https://www\xfa.eea.europa.eu/", "https://www.eea&#10;.europa.eu/",
        "https://www.eea&#1;.europa.eu/", "https://www eea.europa.eu/"}) {
    const std::vector<Item> items =
        Parse("<rss><channel><link>" + channel +
              "</link><item><title>a</title><link>/en/y</link>"
              "<guid>g</guid></item></channel></rss>");
    ASSERT_EQ(items.size(), 1u) << channel;
    EXPECT_EQ(items[0].link, "") << channel;
  }
}

TEST(Rss2, OverlongLinkIsDroppedNotCut) {
  const std::vector<Item> items =
      Parse(Rss("<item><title>a</title><link>https://example.org/" +
                std::string(3000, 'x') + "</link></item>"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].link, "");
}

TEST(Rss2, EurlexFeedTakesLanguageFromUrl) {
  const std::string xml =
      "<rss><channel><title>Mine</title><link>https://eur-lex.europa.eu/"
      "</link><item><title>CELEX:32024L1760: Directive</title></item>"
      "</channel></rss>";
  Result<std::vector<Item>> plain = ParseFeed(xml, "s");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)[0].language, "");
  Result<std::vector<Item>> with_url = ParseFeed(
      xml, "s",
      ParseOptions{
          .url = "https://eur-lex.europa.eu/DE/display-feed.rss?rssId=222"});
  ASSERT_TRUE(with_url.ok());
  EXPECT_EQ((*with_url)[0].language, "de");
  EXPECT_EQ((*with_url)[0].title, "Directive");
}

// The EEA feeds' links, as ParseOptions::origin resolves them: internal
// hosts (a private address, localhost) and relative links move to the
// public site; public and malformed hosts are left as they are.
TEST(Rss2, OriginOptionMovesInternalAndRelativeLinksToThePublicSite) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://10.50.3.7:3000/en/newsroom/news/x",
       "https://www.eea.europa.eu/en/newsroom/news/x"},
      {"https://192.168.1.20/en/a?b=c#d",
       "https://www.eea.europa.eu/en/a?b=c#d"},
      {"HTTP://172.16.0.1:8080/p", "https://www.eea.europa.eu/p"},
      {"http://172.31.255.255/p", "https://www.eea.europa.eu/p"},
      {"http://127.0.0.1:3000/p", "https://www.eea.europa.eu/p"},
      {"http://169.254.1.1/p?x=1", "https://www.eea.europa.eu/p?x=1"},
      {"http://admin@10.0.0.1/p", "https://www.eea.europa.eu/p"},
      {"http://localhost:3000/en/newsroom/news/c",
       "https://www.eea.europa.eu/en/newsroom/news/c"},
      {"/en/newsroom/news/b", "https://www.eea.europa.eu/en/newsroom/news/b"},
      {"https://www.eea.europa.eu/en/a", "https://www.eea.europa.eu/en/a"},
      {"http://172.32.0.1/p", "http://172.32.0.1/p"},
      {"http://11.0.0.1/p", "http://11.0.0.1/p"},
      {"http://10.0.0.256/p", "http://10.0.0.256/p"},
      {"http://10.0.0/p", "http://10.0.0/p"},
      {"http://10.example.org/p", "http://10.example.org/p"},
  };
  std::string xml =
      "<rss><channel><title>EEA</title><link>http://10.110.3.4:3000/en"
      "</link>";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    xml += "<item><title>News " + std::to_string(i) + "</title><link>" +
           cases[i].first + "</link><guid>g" + std::to_string(i) +
           "</guid></item>";
  }
  xml += "</channel></rss>";
  Result<std::vector<Item>> items = ParseFeed(
      xml, "eea", ParseOptions{.origin = "https://www.eea.europa.eu"});
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ((*items)[i].link, cases[i].second) << cases[i].first;
  }
  // Without the option the internal channel link gives no origin: the
  // relative link is dropped and internal hosts stay.
  Result<std::vector<Item>> plain = ParseFeed(xml, "eea");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)[7].link, "http://localhost:3000/en/newsroom/news/c");
  EXPECT_EQ((*plain)[8].link, "");
}

TEST(Rss2, CelexFromLinkWhenTitleHasNone) {
  const std::vector<Item> items =
      Parse(Rss("<item><title>Some act</title><link>https://eur-lex.europa.eu/"
                "legal-content/EN/TXT/?uri=CELEX%3A52021DC0811</link></item>"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].celex, "52021DC0811");
  EXPECT_EQ(items[0].doc_type, "communication");
  EXPECT_EQ(items[0].title, "Some act");
}

TEST(Rss2, CorrigendumOfAnotherActKeepsFullCelex) {
  const Item item = RssWithTitle("CELEX:32015R0757R(03)");
  EXPECT_EQ(item.title, "Corrigendum to 32015R0757");
  EXPECT_EQ(item.celex, "32015R0757R(03)");
  EXPECT_EQ(item.doc_type, "corrigendum");
}

TEST(Hostile, CharacterReferenceCrLfBecomesSpace) {
  EXPECT_EQ(RssWithTitle("Subject&#13;&#10;Bcc: victim@example.org").title,
            "Subject Bcc: victim@example.org");
}

TEST(Hostile, NulCharacterReferenceDoesNotTruncate) {
  EXPECT_EQ(RssWithTitle("abc&#0;def&#x00;ghi").title, "abcdefghi");
}

TEST(Hostile, InvalidUtf8IsReplaced) {
  EXPECT_EQ(RssWithTitle("bad \xff\xfe bytes \xC3").title,
            "bad \uFFFD\uFFFD bytes \uFFFD");
}

TEST(Hostile, LineSeparatorBecomesSpace) {
  EXPECT_EQ(RssWithTitle("one\u2028two&#x2029;three").title, "one two three");
}

TEST(Hostile, ControlCharacterReferencesAreDropped) {
  EXPECT_EQ(RssWithTitle("a&#27;[2Jb&#x85;c").title, "a[2Jb c");
}

TEST(Hostile, OverlongTitleIsCutAtCharacterBoundary) {
  std::string title = "x";
  while (title.size() < 3 * kMaxTitleBytes) title += "\u00e6\u00f8\u00e5 ";
  const Item item = RssWithTitle(title);
  EXPECT_LE(item.title.size(), kMaxTitleBytes);
  EXPECT_GT(item.title.size(), kMaxTitleBytes - 8);
  EXPECT_TRUE(item.title.ends_with("\u2026"));
  EXPECT_TRUE(IsValidUtf8(item.title));
}

TEST(Hostile, OverlongSummaryIsCapped) {
  const std::vector<Item> items =
      Parse(Rss("<item><title>t</title><description>" +
                std::string(100000, 'y') + "</description></item>"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].summary.size(), kMaxSummaryBytes);
}

TEST(Hostile, CustomEntitiesAreNotExpanded) {
  const std::vector<Item> items = Parse(
      "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
      "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<rss><channel><item><title>&b;&xxe;</title></item></channel></rss>");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].title, "&b;&xxe;");
}

TEST(Hostile, DeepNestingInsideTitleDoesNotCrash) {
  const int kDepth = 100000;
  std::string deep;
  for (int i = 0; i < kDepth; ++i) deep += "<a>";
  deep += "x";
  for (int i = 0; i < kDepth; ++i) deep += "</a>";
  const Item item = RssWithTitle(deep);
  EXPECT_EQ(item.title, "x");
}

TEST(Hostile, DeepNestingAsRootIsNotAFeed) {
  const int kDepth = 100000;
  std::string deep;
  for (int i = 0; i < kDepth; ++i) deep += "<a>";
  for (int i = 0; i < kDepth; ++i) deep += "</a>";
  EXPECT_EQ(ParseError(deep), "src: not a feed: root element <a>");
}

TEST(Errors, HtmlPageIsRejected) {
  const std::string kWant = "src: not a feed: HTML page where XML was expected";
  EXPECT_EQ(ParseError("<!DOCTYPE html>\n<html><head><script>challenge()"
                       "</script></head><body><p>Please wait</body></html>"),
            kWant);
  EXPECT_EQ(ParseError("\xEF\xBB\xBF  <HTML lang=en><body>x"), kWant);
  EXPECT_EQ(ParseError("<html><body>well formed</body></html>"), kWant);
  EXPECT_EQ(ParseError("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3."
                       "org/1999/xhtml\"><body/></html>"),
            kWant);
}

TEST(Errors, BrokenXmlNamesOffsetAndCause) {
  EXPECT_EQ(ParseError("<rss><channel><item></channel></rss>"),
            "src: XML error at offset 22: Start-end tags mismatch");
}

TEST(Errors, ErrorOffsetCountsStrippedNulReferences) {
  EXPECT_EQ(ParseError("<rss>&#0;&#0;<channel><item></channel></rss>"),
            "src: XML error at offset 30: Start-end tags mismatch");
}

TEST(Errors, EmptyAndNonXmlBodies) {
  EXPECT_EQ(ParseError(""),
            "src: XML error at offset 0: No document element found");
  EXPECT_EQ(ParseError("{\"json\": true}"),
            "src: XML error at offset 14: No document element found");
}

TEST(Errors, UnknownRootIsNamed) {
  EXPECT_EQ(ParseError("<opml version=\"2.0\"/>"),
            "src: not a feed: root element <opml>");
}

}  // namespace
}  // namespace lexwatch::feed
