#include "feed/feed_formats.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

// Atom text constructs: type="text" (default), "html" or "xhtml".
void ReadText(XmlScopes& scopes, pugi::xml_node node, std::string_view* text,
              TextKind* kind) {
  if (!text->empty()) return;
  const std::string_view type = node.attribute("type").value();
  if (type == "xhtml") {
    *text = scopes.Text(node, /*space_between_elements=*/true);
    *kind = TextKind::kText;
    return;
  }
  *text = scopes.Text(node);
  // Plain text that carries escaped markup is common enough to reduce too.
  *kind = type == "html" ? TextKind::kHtml : TextKind::kMaybeHtml;
}

// rel="alternate" or no rel; the first one wins.
void ReadLink(pugi::xml_node node, std::string_view* link) {
  const std::string_view rel = node.attribute("rel").value();
  if (link->empty() && (rel.empty() || rel == "alternate")) {
    *link = node.attribute("href").value();
  }
}

RawAuthors AuthorNames(XmlScopes& scopes, pugi::xml_node parent) {
  RawAuthors names;
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (scopes.IsElement(c, kAtomNs, "author")) {
      names.push_back(scopes.Text(scopes.ChildElement(c, kAtomNs, "name")));
    }
  }
  return names;
}

void ReadEntryChild(XmlScopes& scopes, pugi::xml_node c, RawItem* item) {
  if (scopes.NamespaceOf(c) != kAtomNs) {
    ReadDublinCore(scopes, c, item);
    return;
  }
  const std::string_view name = LocalName(c.name());
  if (name == "id") {
    SetOnce(&item->guid, scopes.Text(c));
  } else if (name == "title") {
    ReadText(scopes, c, &item->title, &item->title_kind);
  } else if (name == "summary") {
    ReadText(scopes, c, &item->summary, &item->summary_kind);
  } else if (name == "content") {
    ReadText(scopes, c, &item->content, &item->content_kind);
  } else if (name == "link") {
    ReadLink(c, &item->link);
  } else if (name == "published") {
    SetOnce(&item->date, scopes.Text(c));
  } else if (name == "updated") {
    SetOnce(&item->fallback_date, scopes.Text(c));
  }
}

RawItem ReadEntry(XmlScopes& scopes, pugi::xml_node entry,
                  const RawAuthors& feed_authors) {
  RawItem item;
  for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
    ReadEntryChild(scopes, c, &item);
  }
  RawAuthors authors = AuthorNames(scopes, entry);
  if (!authors.empty()) {
    item.authors = std::move(authors);  // Atom authors win over dc:creator.
  } else if (item.authors.empty()) {
    item.authors = feed_authors;  // Entries inherit the feed's authors.
  }
  if (item.language.empty()) item.language = scopes.XmlLang(entry);
  return item;
}

}  // namespace

RawFeed ReadAtom(pugi::xml_node root, XmlScopes& scopes) {
  RawFeed feed;
  const RawAuthors feed_authors = AuthorNames(scopes, root);
  TextKind ignored;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (scopes.IsElement(c, kAtomNs, "entry")) {
      feed.items.push_back(ReadEntry(scopes, c, feed_authors));
    } else if (scopes.IsElement(c, kAtomNs, "title")) {
      ReadText(scopes, c, &feed.title, &ignored);
    } else if (scopes.IsElement(c, kAtomNs, "link")) {
      if (std::string_view(c.attribute("rel").value()) == "self") {
        SetOnce(&feed.self_url, c.attribute("href").value());
      } else {
        ReadLink(c, &feed.link);
      }
    } else if (scopes.IsElement(c, kDcNs, "language")) {
      SetOnce(&feed.language, scopes.Text(c));
    }
  }
  if (feed.language.empty()) feed.language = scopes.XmlLang(root);
  return feed;
}

}  // namespace lexwatch::feed
