#include "feed/feed_formats.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

// A child of an RSS <item> from another namespace: content:encoded,
// atom:link, Dublin Core. `local` is its name without the prefix.
void ReadNamespacedChild(XmlScopes& scopes, pugi::xml_node c,
                         std::string_view local, RawItem* item) {
  if (local == "encoded" && scopes.NamespaceOf(c) == kContentNs) {
    SetOnce(&item->content, scopes.Text(c));
  } else if (local == "link" && item->link.empty() &&
             scopes.NamespaceOf(c) == kAtomNs) {
    const std::string_view rel = c.attribute("rel").value();
    if (rel.empty() || rel == "alternate") {
      item->link = c.attribute("href").value();
    }
  } else {
    ReadDublinCore(scopes, c, item);
  }
}

// An element child of an RSS <item>, named `name`. The plain RSS names are
// compared first; only the rest need their namespace resolved.
void ReadRssChild(XmlScopes& scopes, pugi::xml_node c, std::string_view name,
                  RawItem* item) {
  if (name == "title") {
    SetOnce(&item->title, scopes.Text(c));
  } else if (name == "link") {
    SetOnce(&item->link, scopes.Text(c));
  } else if (name == "description") {
    SetOnce(&item->summary, scopes.Text(c));
  } else if (name == "guid") {
    SetOnce(&item->guid, scopes.Text(c));
  } else if (name == "pubDate") {
    SetOnce(&item->date, scopes.Text(c));
  } else {
    ReadNamespacedChild(scopes, c, LocalName(name), item);
  }
}

RawItem ReadRssItem(XmlScopes& scopes, pugi::xml_node node) {
  RawItem item;
  RawAuthors rss_authors;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = c.name();
    // RSS 2.0 <author> is "email (Name)"; dc:creator wins when both.
    if (name == "author") {
      rss_authors.push_back(scopes.Text(c));
    } else {
      ReadRssChild(scopes, c, name, &item);
    }
  }
  if (item.authors.empty()) item.authors = std::move(rss_authors);
  if (item.language.empty()) item.language = scopes.XmlLang(node);
  return item;
}

}  // namespace

void SetOnce(std::string_view* field, std::string_view value) {
  if (field->empty()) *field = value;
}

bool ReadDublinCore(XmlScopes& scopes, pugi::xml_node node, RawItem* item) {
  if (node.type() != pugi::node_element) return false;
  // The name first: resolving the namespace walks up the document.
  const std::string_view local = LocalName(node.name());
  if (local != "creator" && local != "date" && local != "language") {
    return false;
  }
  if (scopes.NamespaceOf(node) != kDcNs) return false;
  if (local == "creator") {
    item->authors.push_back(scopes.Text(node));
  } else if (local == "date") {
    SetOnce(&item->fallback_date, scopes.Text(node));
  } else {
    SetOnce(&item->language, scopes.Text(node));
  }
  return true;
}

RawFeed ReadRss(pugi::xml_node root, XmlScopes& scopes) {
  RawFeed feed;
  pugi::xml_node channel = root.child("channel");
  // Counted first, so the items are not moved as the vector grows.
  std::size_t items = 0;
  for (pugi::xml_node c = channel.first_child(); c; c = c.next_sibling()) {
    items += IsPlainElement(c, "item") ? 1 : 0;
  }
  feed.items.reserve(items);
  for (pugi::xml_node c = channel.first_child(); c; c = c.next_sibling()) {
    if (IsPlainElement(c, "item")) {
      feed.items.push_back(ReadRssItem(scopes, c));
    } else if (IsPlainElement(c, "title")) {
      SetOnce(&feed.title, scopes.Text(c));
    } else if (IsPlainElement(c, "link")) {
      SetOnce(&feed.link, scopes.Text(c));
    } else if (IsPlainElement(c, "language") ||
               scopes.IsElement(c, kDcNs, "language")) {
      SetOnce(&feed.language, scopes.Text(c));
    } else if (scopes.IsElement(c, kAtomNs, "link") &&
               std::string_view(c.attribute("rel").value()) == "self") {
      SetOnce(&feed.self_url, c.attribute("href").value());
    }
  }
  if (feed.language.empty()) {
    feed.language = scopes.XmlLang(channel ? channel : root);
  }
  return feed;
}

}  // namespace lexwatch::feed
