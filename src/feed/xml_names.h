#ifndef LEXWATCH_FEED_XML_NAMES_H_
#define LEXWATCH_FEED_XML_NAMES_H_

// Internal to src/feed: namespace-aware element matching and text extraction
// on top of pugixml, which does no namespace processing of its own.

#include <pugixml.hpp>
#include <string>
#include <string_view>

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

// The namespace URI of `prefix` ("" for the default namespace) in scope at
// `node`, found by walking up the ancestors' xmlns declarations. An
// undeclared well-known prefix (dc, atom, rdf, content) maps to its usual
// URI, because feeds in the wild forget declarations. "" when unbound.
std::string_view ResolvePrefix(pugi::xml_node node, std::string_view prefix);

// The namespace URI of element `node`.
std::string_view NamespaceOf(pugi::xml_node node);

// True when `node` is an element named `local` in namespace `ns`.
bool IsElement(pugi::xml_node node, std::string_view ns,
               std::string_view local);

// True when `node` is an element with no prefix named `local`, whatever the
// default namespace: RSS 2.0 core elements.
bool IsPlainElement(pugi::xml_node node, std::string_view local);

// First child element of `parent` for which IsElement holds, or null.
pugi::xml_node ChildElement(pugi::xml_node parent, std::string_view ns,
                            std::string_view local);

// The value of the attribute named `local` in namespace `ns` of `node`
// (a prefixed attribute), or "".
std::string_view NsAttribute(pugi::xml_node node, std::string_view ns,
                             std::string_view local);

// The text content of `node`: all text and CDATA below it, in document
// order. When `space_between_elements`, element boundaries add a space
// (for XHTML content). Iterative: safe for arbitrarily deep documents.
std::string TextOf(pugi::xml_node node, bool space_between_elements = false);

// The xml:lang in scope at `node`, or "".
std::string_view XmlLang(pugi::xml_node node);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_XML_NAMES_H_
