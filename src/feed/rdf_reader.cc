#include "feed/feed_formats.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

// RSS 1.0 elements; RSS 0.90 has the same shape in its own namespace.
bool IsRss1(XmlScopes& scopes, pugi::xml_node node, std::string_view local) {
  if (node.type() != pugi::node_element || LocalName(node.name()) != local) {
    return false;
  }
  const std::string_view ns = scopes.NamespaceOf(node);
  return ns == kRss1Ns || ns == kRss090Ns;
}

RawItem ReadRdfItem(XmlScopes& scopes, pugi::xml_node node) {
  RawItem item;
  item.guid = scopes.Attribute(node, kRdfNs, "about");
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (IsRss1(scopes, c, "title")) {
      SetOnce(&item.title, scopes.Text(c));
    } else if (IsRss1(scopes, c, "link")) {
      SetOnce(&item.link, scopes.Text(c));
    } else if (IsRss1(scopes, c, "description")) {
      SetOnce(&item.summary, scopes.Text(c));
    } else if (scopes.IsElement(c, kContentNs, "encoded")) {
      SetOnce(&item.content, scopes.Text(c));
    } else {
      ReadDublinCore(scopes, c, &item);
    }
  }
  if (item.language.empty()) item.language = scopes.XmlLang(node);
  return item;
}

}  // namespace

RawFeed ReadRdf(pugi::xml_node root, XmlScopes& scopes) {
  RawFeed feed;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (IsRss1(scopes, c, "item")) {
      feed.items.push_back(ReadRdfItem(scopes, c));
    } else if (IsRss1(scopes, c, "channel")) {
      for (pugi::xml_node m = c.first_child(); m; m = m.next_sibling()) {
        if (IsRss1(scopes, m, "title")) SetOnce(&feed.title, scopes.Text(m));
        if (IsRss1(scopes, m, "link")) SetOnce(&feed.link, scopes.Text(m));
        if (scopes.IsElement(m, kDcNs, "language")) {
          SetOnce(&feed.language, scopes.Text(m));
        }
      }
    }
  }
  if (feed.language.empty()) feed.language = scopes.XmlLang(root);
  return feed;
}

}  // namespace lexwatch::feed
