#ifndef LEXWATCH_FEED_ITEM_CLEANUP_H_
#define LEXWATCH_FEED_ITEM_CLEANUP_H_

// Internal to src/feed: turns raw reader output into sanitised Items, the
// same way for every feed format. Declared here so tests can reach the
// pieces directly.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "feed/feed_formats.h"

namespace lexwatch::feed {

// What every item of one feed shares.
struct FeedContext {
  // "https://host[:port]" of the channel's public web page, or "". Used to
  // resolve "/path" links and to replace internal hosts (the EEA feed links
  // to http://10.x.x.x:3000/...).
  std::string origin;
  // Normalised channel language; EUR-Lex feeds without one get it from the
  // feed URL ("/EN/display-feed.rss") or their English channel title.
  std::string language;
};

// `url` is where the feed was fetched from, or "" when unknown.
FeedContext MakeFeedContext(const RawFeed& feed, std::string_view url);

// The sanitised item, or nullopt when it has no title, link or guid.
std::optional<Item> CleanItem(const RawItem& raw, const FeedContext& context,
                              std::string_view source);

// "en-GB" -> "en", "no" and "nb-NO" -> "nb"; "" unless the primary subtag is
// two or three ASCII letters.
std::string NormalizeLanguage(std::string_view tag);

// An absolute http(s) link, or "" when `raw` is none (other schemes, too
// long). Dot segments ("/./") are removed; a "/path" link or an internal host
// is resolved against `origin` when there is one.
std::string CleanLink(std::string_view raw, std::string_view origin);

// Names joined with ", ", each without leading or trailing commas.
std::string CleanAuthors(std::span<const std::string_view> authors);

// True when `text` holds tags or entity references.
bool LooksLikeHtml(std::string_view text);

// Fills celex and doc_type from the title, link or guid, and removes the
// leading "CELEX:<number>: " from the title. A title that is only the number
// of a corrigendum becomes "Corrigendum to <number of the corrected act>".
void ApplyEurlex(Item* item);

// From the title: eea_relevant = true when it says "(Text with EEA
// relevance)" (otherwise left as it was: the title's silence proves
// nothing), and, for EEA Joint Committee decisions, eea_annex naming each
// annex amended ("XX Environment"; several joined with "; "). Call after
// ApplyEurlex, which sets doc_type.
void ApplyEeaMetadata(Item* item);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_ITEM_CLEANUP_H_
