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

std::string_view ResolvePrefix(pugi::xml_node node, std::string_view prefix) {
  if (prefix == "xml") return "http://www.w3.org/XML/1998/namespace";
  const std::string attr_name =
      prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
  for (pugi::xml_node n = node; n; n = n.parent()) {
    if (!IsElementNode(n)) continue;
    if (pugi::xml_attribute a = n.attribute(attr_name.c_str())) {
      return a.value();
    }
  }
  for (const KnownPrefix& known : kKnownPrefixes) {
    if (known.prefix == prefix) return known.uri;
  }
  return "";
}

std::string_view NamespaceOf(pugi::xml_node node) {
  return ResolvePrefix(node, Prefix(node.name()));
}

bool IsElement(pugi::xml_node node, std::string_view ns,
               std::string_view local) {
  return IsElementNode(node) && LocalName(node.name()) == local &&
         NamespaceOf(node) == ns;
}

bool IsPlainElement(pugi::xml_node node, std::string_view local) {
  return IsElementNode(node) && std::string_view(node.name()) == local;
}

pugi::xml_node ChildElement(pugi::xml_node parent, std::string_view ns,
                            std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (IsElement(c, ns, local)) return c;
  }
  return pugi::xml_node();
}

std::string_view NsAttribute(pugi::xml_node node, std::string_view ns,
                             std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a;
       a = a.next_attribute()) {
    const std::string_view name = a.name();
    const std::string_view prefix = Prefix(name);
    if (!prefix.empty() && prefix != "xmlns" && LocalName(name) == local &&
        ResolvePrefix(node, prefix) == ns) {
      return a.value();
    }
  }
  return "";
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

std::string_view XmlLang(pugi::xml_node node) {
  for (pugi::xml_node n = node; n; n = n.parent()) {
    if (!IsElementNode(n)) continue;
    if (pugi::xml_attribute a = n.attribute("xml:lang")) return a.value();
  }
  return "";
}

}  // namespace lexwatch::feed
