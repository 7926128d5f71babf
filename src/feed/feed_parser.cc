#include "feed/feed_parser.h"

#include <algorithm>
#include <pugixml.hpp>
#include <string>

#include "core/sanitize.h"
#include "feed/feed_formats.h"
#include "feed/item_cleanup.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool StartsWithNoCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  return std::equal(lower_prefix.begin(), lower_prefix.end(), s.begin(),
                    [](char p, char c) { return p == Lower(c); });
}

std::string_view SkipSpaces(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t\r\n");
  return begin == std::string_view::npos ? std::string_view() : s.substr(begin);
}

// An HTML page (an error page, EUR-Lex's JavaScript challenge) where XML was
// expected; usually not well-formed, so it is recognised before parsing.
bool LooksLikeHtmlPage(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  bytes = SkipSpaces(bytes);
  if (bytes.starts_with("<?xml")) {
    const std::size_t end = bytes.find("?>");
    if (end == std::string_view::npos) return false;
    bytes = SkipSpaces(bytes.substr(end + 2));
  }
  if (StartsWithNoCase(bytes, "<!doctype html")) return true;
  if (!StartsWithNoCase(bytes, "<html")) return false;
  return bytes.size() == 5 || bytes[5] == '>' || bytes[5] == ' ' ||
         bytes[5] == '\t' || bytes[5] == '\r' || bytes[5] == '\n';
}

// pugixml decodes "&#0;" to a NUL that ends the string it lands in, so
// "abc&#0;def" would read "abc". The references are removed before parsing;
// `removed_` maps parser offsets back to offsets in the original bytes.
class NulRefStripper {
 public:
  explicit NulRefStripper(std::string_view bytes) : view_(bytes) {
    std::size_t copied = 0;
    std::size_t removed_total = 0;
    for (std::size_t at = bytes.find("&#"); at != std::string_view::npos;
         at = bytes.find("&#", at + 1)) {
      const std::size_t length = NulRefLength(bytes.substr(at));
      if (length == 0) continue;
      stripped_.append(bytes.substr(copied, at - copied));
      copied = at + length;
      removed_total += length;
      removed_.push_back({stripped_.size(), removed_total});
    }
    if (removed_.empty()) return;
    stripped_.append(bytes.substr(copied));
    view_ = stripped_;
  }

  std::string_view text() const { return view_; }

  std::size_t OriginalOffset(std::size_t offset) const {
    std::size_t shift = 0;
    for (const auto& [at_new, total] : removed_) {
      if (at_new > offset) break;
      shift = total;
    }
    return offset + shift;
  }

 private:
  // Length of "&#0;", "&#000;", "&#x0;" at the start of `s`, or 0.
  static std::size_t NulRefLength(std::string_view s) {
    std::size_t i = 2;
    if (i < s.size() && (s[i] == 'x' || s[i] == 'X')) ++i;
    const std::size_t zeros = i;
    while (i < s.size() && s[i] == '0') ++i;
    if (i == zeros || i >= s.size() || s[i] != ';') return 0;
    return i + 1;
  }

  std::string_view view_;
  std::string stripped_;
  // (offset in the stripped text, bytes removed before it), ascending.
  std::vector<std::pair<std::size_t, std::size_t>> removed_;
};

Status HtmlPageError(std::string_view source) {
  return Status::InvalidArgument(
      source, "not a feed: HTML page where XML was expected");
}

Result<RawFeed> ReadByRoot(pugi::xml_node root, std::string_view source) {
  XmlScopes scopes;
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

Result<std::vector<Item>> ParseFeed(std::string_view bytes,
                                    std::string_view source,
                                    const ParseOptions& options) {
  if (LooksLikeHtmlPage(bytes)) return HtmlPageError(source);
  const NulRefStripper input(bytes);
  pugi::xml_document doc;
  // parse_default: no DOCTYPE entity expansion, no external fetches.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(input.text().data(), input.text().size(),
                      pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    return Status::InvalidArgument(
        source, "XML error at offset " +
                    std::to_string(input.OriginalOffset(
                        static_cast<std::size_t>(parsed.offset))) +
                    ": " + parsed.description());
  }
  Result<RawFeed> raw = ReadByRoot(doc.document_element(), source);
  if (!raw.ok()) return raw.status();
  const FeedContext context = MakeFeedContext(*raw, options.url);
  std::vector<Item> items;
  items.reserve(raw->items.size());
  for (const RawItem& raw_item : raw->items) {
    if (std::optional<Item> item = CleanItem(raw_item, context, source)) {
      items.push_back(std::move(*item));
    }
  }
  return items;
}

}  // namespace lexwatch::feed
