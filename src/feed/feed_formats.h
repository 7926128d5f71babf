#ifndef LEXWATCH_FEED_FEED_FORMATS_H_
#define LEXWATCH_FEED_FEED_FORMATS_H_

// Internal to src/feed: the per-format readers. Each one turns a parsed
// document into raw, unsanitised strings; feed_parser.cc cleans them up the
// same way for every format.

#include <string>
#include <vector>

#include "feed/xml_names.h"

namespace lexwatch::feed {

// How a text field is marked up.
enum class TextKind {
  kText,       // Plain text.
  kHtml,       // Declared HTML (Atom type="html").
  kMaybeHtml,  // Undeclared; reduce to text when it looks like HTML.
};

struct RawItem {
  std::string guid;
  std::string title;
  TextKind title_kind = TextKind::kMaybeHtml;
  std::string summary;  // Preferred over `content` when not empty.
  std::string content;
  TextKind summary_kind = TextKind::kMaybeHtml;
  TextKind content_kind = TextKind::kMaybeHtml;
  std::string link;
  std::vector<std::string> authors;
  std::string language;
  std::string date;           // pubDate, Atom published.
  std::string fallback_date;  // dc:date, Atom updated.
};

struct RawFeed {
  std::string title;
  std::string link;      // The channel's web page.
  std::string self_url;  // atom:link rel="self".
  std::string language;
  std::vector<RawItem> items;
};

// RSS 2.0 (and 0.9x): `root` is <rss>.
RawFeed ReadRss(pugi::xml_node root, XmlScopes& scopes);
// Atom 1.0: `root` is <feed xmlns="http://www.w3.org/2005/Atom">.
RawFeed ReadAtom(pugi::xml_node root, XmlScopes& scopes);
// RSS 1.0: `root` is <rdf:RDF>; items are siblings of the channel.
RawFeed ReadRdf(pugi::xml_node root, XmlScopes& scopes);

// Shared by the readers: Dublin Core fields any format may carry.
// Returns true when `node` was one of dc:creator, dc:date, dc:language.
bool ReadDublinCore(XmlScopes& scopes, pugi::xml_node node, RawItem* item);

// Stores `value` unless `field` already holds a value: the first wins.
void SetOnce(std::string* field, std::string value);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_FEED_FORMATS_H_
