#ifndef LEXWATCH_FEED_FEED_FORMATS_H_
#define LEXWATCH_FEED_FEED_FORMATS_H_

// Internal to src/feed: the per-format readers. Each one turns a parsed
// document into raw, unsanitised strings; feed_parser.cc cleans them up the
// same way for every format. The strings are views into the document or into
// text kept by the reader's XmlScopes: use them while both live.

#include <boost/container/small_vector.hpp>
#include <functional>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {

// How a text field is marked up.
enum class TextKind {
  kText,       // Plain text.
  kHtml,       // Declared HTML (Atom type="html").
  kMaybeHtml,  // Undeclared; reduce to text when it looks like HTML.
};

// Nearly every item has one or two authors: kept inline, not allocated.
using RawAuthors = boost::container::small_vector<std::string_view, 2>;

struct RawItem {
  std::string_view guid;
  std::string_view title;
  TextKind title_kind = TextKind::kMaybeHtml;
  std::string_view summary;  // Preferred over `content` when not empty.
  std::string_view content;
  TextKind summary_kind = TextKind::kMaybeHtml;
  TextKind content_kind = TextKind::kMaybeHtml;
  std::string_view link;
  RawAuthors authors;
  std::string_view language;
  std::string_view date;           // pubDate, Atom published.
  std::string_view fallback_date;  // dc:date, Atom updated.
};

struct RawFeed {
  std::string_view title;
  std::string_view link;      // The channel's web page.
  std::string_view self_url;  // atom:link rel="self".
  std::string_view language;
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

// ParseFeed's first half: parses `bytes` as XML and reads the items of
// whichever format it is, then calls `use` with them. The raw feed's strings
// live only during the call. Errors are ParseFeed's.
Status ReadFeed(std::string_view bytes, std::string_view source,
                const std::function<void(const RawFeed&)>& use);

// Stores `value` unless `field` already holds a value: the first wins.
void SetOnce(std::string_view* field, std::string_view value);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_FEED_FORMATS_H_
