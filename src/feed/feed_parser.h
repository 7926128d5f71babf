#ifndef LEXWATCH_FEED_FEED_PARSER_H_
#define LEXWATCH_FEED_FEED_PARSER_H_

#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/result.h"

namespace lexwatch::feed {

// Parses an RSS 2.0, Atom 1.0 or RSS 1.0 (RDF) document into items, in
// document order. Every value is sanitised (core/sanitize.h), HTML in
// summaries reduced to text, links kept only when http or https, and the
// EUR-Lex CELEX number, document type and language filled in. `source` is
// copied into Item::source and used in error messages.
//
// On failure returns InvalidArgument "<source>: <what>", e.g.
// "eurlex-oj-l: not a feed: HTML page where XML was expected" or
// "eurlex-oj-l: XML error at offset 1234: ...". A feed with zero items is ok.
// Pure: no I/O, no logging.
Result<std::vector<Item>> ParseFeed(std::string_view bytes,
                                    std::string_view source);

// Optional knowledge about the document beyond its bytes.
struct ParseOptions {
  // Where the feed was fetched from, or "". EUR-Lex feeds carry no language
  // element; their URL names it ("https://eur-lex.europa.eu/EN/...").
  std::string_view url = {};
  // The public origin ("https://host") of the site the feed is about, when
  // known better than the channel's own link: "/path" links resolve
  // against it and links to internal hosts (localhost, private addresses)
  // move to it. The EEA feeds link to http://10.x.x.x:3000/... and give an
  // internal channel link too. "" keeps the channel's link.
  std::string_view origin = {};
};

// As above, with `options`.
Result<std::vector<Item>> ParseFeed(std::string_view bytes,
                                    std::string_view source,
                                    const ParseOptions& options);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_FEED_PARSER_H_
