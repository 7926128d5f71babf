#ifndef LEXWATCH_FEED_XML_NAMES_H_
#define LEXWATCH_FEED_XML_NAMES_H_

// Internal to src/feed: namespace-aware element matching and text extraction
// on top of pugixml, which does no namespace processing of its own.

#include <deque>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

namespace lexwatch::feed {

inline constexpr std::string_view kAtomNs = "http://www.w3.org/2005/Atom";
inline constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";
inline constexpr std::string_view kRdfNs =
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr std::string_view kRss1Ns = "http://purl.org/rss/1.0/";
inline constexpr std::string_view kRss090Ns =
    "http://my.netscape.com/rdf/simple/0.9/";
inline constexpr std::string_view kContentNs =
    "http://purl.org/rss/1.0/modules/content/";

// "dc:creator" -> "creator"; "title" -> "title".
std::string_view LocalName(std::string_view qualified);
// "dc:creator" -> "dc"; "title" -> "".
std::string_view Prefix(std::string_view qualified);

// True when `node` is an element with no prefix named `local`, whatever the
// default namespace: RSS 2.0 core elements.
bool IsPlainElement(pugi::xml_node node, std::string_view local);

// The text content of `node`: all text and CDATA below it, in document
// order. When `space_between_elements`, element boundaries add a space
// (for XHTML content). Iterative: safe for arbitrarily deep documents.
std::string TextOf(pugi::xml_node node, bool space_between_elements = false);

// Namespace scopes of one document, and the text of its elements. Each
// element's attributes are scanned once and remembered, so lookups cost the
// depth of the element, not the number of attributes on its ancestors (a
// hostile feed may put 100,000 on <rss>). Must not outlive the document.
class XmlScopes {
 public:
  // TextOf(node, space_between_elements) as a view. An element holding one
  // text or CDATA node, as nearly all feed elements do, is viewed in the
  // document without a copy; other text is joined into a string kept here.
  std::string_view Text(pugi::xml_node node,
                        bool space_between_elements = false);

  // The namespace URI bound to `prefix` ("" for the default namespace) at
  // `node`. An undeclared well-known prefix (dc, atom, rdf, content) maps to
  // its usual URI, because feeds in the wild forget declarations. "" when
  // unbound.
  std::string_view Resolve(pugi::xml_node node, std::string_view prefix);

  // The namespace URI of element `node`.
  std::string_view NamespaceOf(pugi::xml_node node) {
    return Resolve(node, Prefix(node.name()));
  }

  // True when `node` is an element named `local` in namespace `ns`.
  bool IsElement(pugi::xml_node node, std::string_view ns,
                 std::string_view local);

  // First child element of `parent` for which IsElement holds, or null.
  pugi::xml_node ChildElement(pugi::xml_node parent, std::string_view ns,
                              std::string_view local);

  // The value of the prefixed attribute named `local` in namespace `ns`, or
  // "".
  std::string_view Attribute(pugi::xml_node node, std::string_view ns,
                             std::string_view local);

  // The xml:lang in scope at `node`, or "".
  std::string_view XmlLang(pugi::xml_node node);

 private:
  struct Declarations {
    std::unordered_map<std::string_view, std::string_view> prefixes;
    const char* xml_lang = nullptr;
  };

  const Declarations& DeclarationsOf(pugi::xml_node node);

  std::unordered_map<pugi::xml_node_struct*, Declarations> cache_;
  std::deque<std::string> kept_;  // A deque: kept strings never move.
  // Resolve's last answer, for the nearest element with attributes (or
  // none) at or above the one asked about. The initial entry (no such
  // element, no prefix, no namespace) is a true answer too.
  pugi::xml_node resolve_memo_node_;
  std::string_view resolve_memo_prefix_;
  std::string_view resolve_memo_uri_;
  // XmlLang's last answer for a parent, which all its children share.
  pugi::xml_node lang_memo_node_;
  std::string_view lang_memo_;
};

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_XML_NAMES_H_
