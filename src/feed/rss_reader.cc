#include "feed/feed_formats.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

// An element child of an RSS <item>, named `name`. The plain RSS names are
// compared first; only the rest need their namespace resolved.
void ReadRssChild(XmlScopes& scopes, pugi::xml_node c, std::string_view name,
                  RawItem* item) {
  if (name == "title") {
    SetOnce(&item->title, TextOf(c));
  } else if (name == "link") {
    SetOnce(&item->link, TextOf(c));
  } else if (name == "description") {
    SetOnce(&item->summary, TextOf(c));
  } else if (name == "guid") {
    SetOnce(&item->guid, TextOf(c));
  } else if (name == "pubDate") {
    SetOnce(&item->date, TextOf(c));
  } else if (scopes.IsElement(c, kContentNs, "encoded")) {
    SetOnce(&item->content, TextOf(c));
  } else if (scopes.IsElement(c, kAtomNs, "link") && item->link.empty()) {
    const std::string_view rel = c.attribute("rel").value();
    if (rel.empty() || rel == "alternate") {
      item->link = c.attribute("href").value();
    }
  } else {
    ReadDublinCore(scopes, c, item);
  }
}

RawItem ReadRssItem(XmlScopes& scopes, pugi::xml_node node) {
  RawItem item;
  std::vector<std::string> rss_authors;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = c.name();
    // RSS 2.0 <author> is "email (Name)"; dc:creator wins when both.
    if (name == "author") {
      rss_authors.push_back(TextOf(c));
    } else {
      ReadRssChild(scopes, c, name, &item);
    }
  }
  if (item.authors.empty()) item.authors = std::move(rss_authors);
  if (item.language.empty()) item.language = scopes.XmlLang(node);
  return item;
}

}  // namespace

void SetOnce(std::string* field, std::string value) {
  if (field->empty()) *field = std::move(value);
}

bool ReadDublinCore(XmlScopes& scopes, pugi::xml_node node, RawItem* item) {
  if (scopes.IsElement(node, kDcNs, "creator")) {
    item->authors.push_back(TextOf(node));
  } else if (scopes.IsElement(node, kDcNs, "date")) {
    SetOnce(&item->fallback_date, TextOf(node));
  } else if (scopes.IsElement(node, kDcNs, "language")) {
    SetOnce(&item->language, TextOf(node));
  } else {
    return false;
  }
  return true;
}

RawFeed ReadRss(pugi::xml_node root, XmlScopes& scopes) {
  RawFeed feed;
  pugi::xml_node channel = root.child("channel");
  for (pugi::xml_node c = channel.first_child(); c; c = c.next_sibling()) {
    if (IsPlainElement(c, "item")) {
      feed.items.push_back(ReadRssItem(scopes, c));
    } else if (IsPlainElement(c, "title")) {
      SetOnce(&feed.title, TextOf(c));
    } else if (IsPlainElement(c, "link")) {
      SetOnce(&feed.link, TextOf(c));
    } else if (IsPlainElement(c, "language") ||
               scopes.IsElement(c, kDcNs, "language")) {
      SetOnce(&feed.language, TextOf(c));
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
