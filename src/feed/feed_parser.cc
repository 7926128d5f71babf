#include "feed/feed_parser.h"

#include <algorithm>
#include <functional>
#include <pugixml.hpp>
#include <string>

#include "core/sanitize.h"
#include "feed/feed_formats.h"
#include "feed/item_cleanup.h"
#include "feed/xml_input.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

Status HtmlPageError(std::string_view source) {
  return Status::InvalidArgument(
      source, "not a feed: HTML page where XML was expected");
}

Result<RawFeed> ReadByRoot(pugi::xml_node root, XmlScopes& scopes,
                           std::string_view source) {
  const std::string_view local = LocalName(root.name());
  const std::string_view ns = scopes.NamespaceOf(root);
  if (local == "rss") return ReadRss(root, scopes);
  if (local == "feed" && ns == kAtomNs) return ReadAtom(root, scopes);
  if (local == "RDF" && ns == kRdfNs) return ReadRdf(root, scopes);
  std::string lower(local);
  std::transform(lower.begin(), lower.end(), lower.begin(), Lower);
  if (lower == "html") return HtmlPageError(source);
  return Status::InvalidArgument(
      source,
      "not a feed: root element <" + SanitizeLine(root.name(), 200) + ">");
}

}  // namespace

Result<std::vector<Item>> ParseFeed(std::string_view bytes,
                                    std::string_view source) {
  return ParseFeed(bytes, source, ParseOptions());
}

Status ReadFeed(std::string_view bytes, std::string_view source,
                const std::function<void(const RawFeed&)>& use) {
  // A JSON body falls through to the XML parser, whose error names it.
  if (NotXmlKind(bytes).starts_with("HTML")) return HtmlPageError(source);
  std::string input = NeutraliseNulRefs(bytes);
  pugi::xml_document doc;
  // parse_default: no DOCTYPE entity expansion, no external fetches.
  // The copy is ours, so pugixml parses it in place instead of copying it
  // again (the document points into it). Its terminating NUL is included:
  // load_buffer parses a NUL-terminated copy, and error offsets stay the
  // same. Under 4 bytes the NUL would take part in guessing the encoding.
  const pugi::xml_parse_result parsed =
      input.size() < 4
          ? doc.load_buffer(input.data(), input.size(), pugi::parse_default,
                            pugi::encoding_auto)
          : doc.load_buffer_inplace(input.data(), input.size() + 1,
                                    pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    return Status::InvalidArgument(source, "XML error at offset " +
                                               std::to_string(parsed.offset) +
                                               ": " + parsed.description());
  }
  XmlScopes scopes;  // Holds text the raw feed points into.
  Result<RawFeed> raw = ReadByRoot(doc.document_element(), scopes, source);
  if (!raw.ok()) return raw.status();
  use(*raw);
  return Status::Ok();
}

Result<std::vector<Item>> ParseFeed(std::string_view bytes,
                                    std::string_view source,
                                    const ParseOptions& options) {
  std::vector<Item> items;
  const Status read = ReadFeed(bytes, source, [&](const RawFeed& raw) {
    FeedContext context = MakeFeedContext(raw, options.url);
    if (!options.origin.empty()) context.origin = std::string(options.origin);
    items.reserve(raw.items.size());
    for (const RawItem& raw_item : raw.items) {
      if (std::optional<Item> item = CleanItem(raw_item, context, source)) {
        items.push_back(std::move(*item));
      }
    }
  });
  if (!read.ok()) return read;
  return items;
}

}  // namespace lexwatch::feed
