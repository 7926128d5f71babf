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
  for (pugi::xml_node n = node; n; n = n.parent()) {
    if (!IsElementNode(n)) continue;
    const Declarations& d = DeclarationsOf(n);
    if (auto it = d.prefixes.find(prefix); it != d.prefixes.end()) {
      return it->second;
    }
  }
  for (const KnownPrefix& known : kKnownPrefixes) {
    if (known.prefix == prefix) return known.uri;
  }
  return "";
}

bool XmlScopes::IsElement(pugi::xml_node node, std::string_view ns,
                          std::string_view local) {
  return IsElementNode(node) && LocalName(node.name()) == local &&
         NamespaceOf(node) == ns;
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
  for (pugi::xml_node n = node; n; n = n.parent()) {
    if (!IsElementNode(n)) continue;
    if (const char* lang = DeclarationsOf(n).xml_lang) return lang;
  }
  return "";
}

}  // namespace lexwatch::feed
