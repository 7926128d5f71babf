#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

struct KnownPrefix {
  std::string_view prefix;
  std::string_view uri;
};

constexpr KnownPrefix kKnownPrefixes[] = {
    {"dc", kDcNs},
    {"atom", kAtomNs},
    {"rdf", kRdfNs},
    {"content", kContentNs},
};

bool IsElementNode(pugi::xml_node node) {
  return node.type() == pugi::node_element;
}

// The URI of a well-known prefix nobody declared, or "".
std::string_view UnboundPrefix(std::string_view prefix) {
  for (const KnownPrefix& known : kKnownPrefixes) {
    if (known.prefix == prefix) return known.uri;
  }
  return "";
}

}  // namespace

std::string_view LocalName(std::string_view qualified) {
  const std::size_t colon = qualified.find(':');
  return colon == std::string_view::npos ? qualified
                                         : qualified.substr(colon + 1);
}

std::string_view Prefix(std::string_view qualified) {
  const std::size_t colon = qualified.find(':');
  return colon == std::string_view::npos ? std::string_view()
                                         : qualified.substr(0, colon);
}

bool IsPlainElement(pugi::xml_node node, std::string_view local) {
  return IsElementNode(node) && std::string_view(node.name()) == local;
}

std::string TextOf(pugi::xml_node node, bool space_between_elements) {
  std::string text;
  pugi::xml_node n = node.first_child();
  // Depth-first walk by parent links, so depth costs no stack.
  while (n) {
    const pugi::xml_node_type type = n.type();
    if (type == pugi::node_pcdata || type == pugi::node_cdata) {
      text.append(n.value());
    } else if (type == pugi::node_element && space_between_elements) {
      text.push_back(' ');
    }
    if (type == pugi::node_element && n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && n != node && !n.next_sibling()) n = n.parent();
    if (!n || n == node) break;
    n = n.next_sibling();
  }
  return text;
}

std::string_view XmlScopes::Text(pugi::xml_node node,
                                 bool space_between_elements) {
  const pugi::xml_node only = node.first_child();
  if (!only) return "";
  const pugi::xml_node_type type = only.type();
  if (!only.next_sibling() &&
      (type == pugi::node_pcdata || type == pugi::node_cdata)) {
    return only.value();
  }
  return kept_.emplace_back(TextOf(node, space_between_elements));
}

const XmlScopes::Declarations& XmlScopes::DeclarationsOf(pugi::xml_node node) {
  // Most elements have no attributes: nothing to remember about them.
  static const Declarations kNone;
  if (!node.first_attribute()) return kNone;
  auto [it, inserted] = cache_.try_emplace(node.internal_object());
  if (!inserted) return it->second;
  Declarations& d = it->second;
  for (pugi::xml_attribute a = node.first_attribute(); a;
       a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (name == "xmlns") {
      d.prefixes.try_emplace(std::string_view(), a.value());
    } else if (name.starts_with("xmlns:")) {
      d.prefixes.try_emplace(name.substr(6), a.value());
    } else if (name == "xml:lang" && d.xml_lang == nullptr) {
      d.xml_lang = a.value();
    }
  }
  return d;
}

std::string_view XmlScopes::Resolve(pugi::xml_node node,
                                    std::string_view prefix) {
  if (prefix == "xml") return "http://www.w3.org/XML/1998/namespace";
  // Only elements with attributes can declare: below the nearest one, every
  // element resolves `prefix` alike (each item's dc:creator, in turn).
  pugi::xml_node from = node;
  while (from && !(IsElementNode(from) && from.first_attribute())) {
    from = from.parent();
  }
  if (from == resolve_memo_node_ && prefix == resolve_memo_prefix_) {
    return resolve_memo_uri_;
  }
  std::string_view uri = UnboundPrefix(prefix);
  for (pugi::xml_node n = from; n; n = n.parent()) {
    if (!IsElementNode(n)) continue;
    const Declarations& d = DeclarationsOf(n);
    if (auto it = d.prefixes.find(prefix); it != d.prefixes.end()) {
      uri = it->second;
      break;
    }
  }
  resolve_memo_node_ = from;
  resolve_memo_prefix_ = prefix;
  resolve_memo_uri_ = uri;
  return uri;
}

bool XmlScopes::IsElement(pugi::xml_node node, std::string_view ns,
                          std::string_view local) {
  if (!IsElementNode(node)) return false;
  const std::string_view name = node.name();
  // Most calls ask about another element: the end of the name tells.
  if (!name.ends_with(local)) return false;
  return LocalName(name) == local && NamespaceOf(node) == ns;
}

pugi::xml_node XmlScopes::ChildElement(pugi::xml_node parent,
                                       std::string_view ns,
                                       std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (IsElement(c, ns, local)) return c;
  }
  return pugi::xml_node();
}

std::string_view XmlScopes::Attribute(pugi::xml_node node, std::string_view ns,
                                      std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a;
       a = a.next_attribute()) {
    const std::string_view name = a.name();
    const std::string_view prefix = Prefix(name);
    if (!prefix.empty() && prefix != "xmlns" && LocalName(name) == local &&
        Resolve(node, prefix) == ns) {
      return a.value();
    }
  }
  return "";
}

std::string_view XmlScopes::XmlLang(pugi::xml_node node) {
  std::string_view lang;
  pugi::xml_node n = node;
  for (; n; n = n.parent()) {
    if (n == lang_memo_node_) {
      lang = lang_memo_;
      break;
    }
    if (!IsElementNode(n)) continue;
    if (const char* own = DeclarationsOf(n).xml_lang) {
      lang = own;
      break;
    }
  }
  // Unless `node` declares its own, the answer is its parent's, which the
  // next sibling (the next item) will ask for.
  if (n != node && node.parent()) {
    lang_memo_node_ = node.parent();
    lang_memo_ = lang;
  }
  return lang;
}

}  // namespace lexwatch::feed
