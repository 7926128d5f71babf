#include "feed/item_cleanup.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/sanitize.h"
#include "feed/celex.h"
#include "feed/feed_dates.h"

namespace lexwatch::feed {
namespace {

constexpr std::string_view kEurlexHost = "eur-lex.europa.eu";

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

bool EqualsNoCase(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() &&
         std::equal(s.begin(), s.end(), lower.begin(),
                    [](char c, char l) { return Lower(c) == l; });
}

bool StartsWithNoCase(std::string_view s, std::string_view lower_prefix) {
  return EqualsNoCase(s.substr(0, lower_prefix.size()), lower_prefix);
}

std::string_view TrimSpaces(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The first position at or after `from` of a byte in `set`, or npos. A loop:
// find_first_of calls memchr once per byte.
std::size_t FindFirstOf(std::string_view s, std::string_view set,
                        std::size_t from) {
  for (std::size_t i = from; i < s.size(); ++i) {
    for (const char c : set) {
      if (s[i] == c) return i;
    }
  }
  return std::string_view::npos;
}

// Where the authority of an http(s) URL ends.
std::size_t AuthorityEnd(std::string_view url, std::size_t begin) {
  return std::min(FindFirstOf(url, "/?#", begin), url.size());
}

// The host of an http(s) URL as written, without user info and port.
std::string_view HostIn(std::string_view url) {
  const std::size_t begin = url.find("://");
  if (begin == std::string_view::npos) return "";
  std::string_view authority =
      url.substr(begin + 3, AuthorityEnd(url, begin + 3) - begin - 3);
  if (const std::size_t at = authority.rfind('@'); at != authority.npos) {
    authority.remove_prefix(at + 1);
  }
  const std::size_t colon = authority.rfind(':');
  if (colon != authority.npos && authority.find(']', colon) == authority.npos) {
    authority = authority.substr(0, colon);
  }
  return authority;
}

// The host of an http(s) URL; empty when `url` is not http(s) or has no
// host.
std::string_view HttpHost(std::string_view url) {
  if (!StartsWithNoCase(url, "http://") && !StartsWithNoCase(url, "https://")) {
    return "";
  }
  return HostIn(url);
}

// Loopback, private and link-local addresses and "localhost": hosts a
// recipient's mail client cannot reach. `host` in any case.
bool IsInternalHost(std::string_view host) {
  if (EqualsNoCase(host, "localhost") || host == "[::1]" ||
      StartsWithNoCase(host, "[fc") || StartsWithNoCase(host, "[fd")) {
    return true;
  }
  int octets[4];
  int n = 0;
  std::size_t i = 0;
  while (n < 4 && i < host.size()) {
    const std::string_view part = host.substr(i, host.find('.', i) - i);
    int value = -1;
    const auto [end, error] =
        std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || error != std::errc() ||
        end != part.data() + part.size() || value < 0 || value > 255) {
      return false;
    }
    octets[n++] = value;
    i += part.size() + 1;
  }
  if (n != 4 || i < host.size()) return false;
  return octets[0] == 10 || octets[0] == 127 || octets[0] == 0 ||
         (octets[0] == 192 && octets[1] == 168) ||
         (octets[0] == 172 && octets[1] >= 16 && octets[1] <= 31) ||
         (octets[0] == 169 && octets[1] == 254);
}

// "https://host:port" of `url`.
std::string_view OriginOf(std::string_view url) {
  const std::size_t begin = url.find("://");
  return url.substr(0, AuthorityEnd(url, begin + 3));
}

std::string RemoveDotSegments(std::string url) {
  const std::size_t path_begin = AuthorityEnd(url, url.find("://") + 3);
  std::size_t query = FindFirstOf(url, "?#", path_begin);
  std::size_t dot = url.find("/./", path_begin);
  while (dot != std::string::npos && dot < query) {
    url.erase(dot, 2);
    if (query != std::string::npos) query -= 2;
    dot = url.find("/./", dot);
  }
  return url;
}

std::string EscapeSpaces(std::string s) {
  if (s.find(' ') == std::string::npos) return s;
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    if (c == ' ') {
      out.append("%20");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// `raw` reduced to text when it is HTML, then sanitised to one line.
std::string CleanText(std::string_view raw, TextKind kind,
                      std::size_t max_bytes) {
  if (kind == TextKind::kHtml ||
      (kind == TextKind::kMaybeHtml && LooksLikeHtml(raw))) {
    return SanitizeLine(HtmlToText(raw), max_bytes);
  }
  return SanitizeLine(raw, max_bytes);
}

// True when `s` contains `lower_needle`, ignoring ASCII case. Candidates are
// found with memchr on the needle's letter at `anchor`, in both cases: a
// rare letter there rules out nearly every position at memchr's speed.
bool ContainsNoCase(std::string_view s, std::string_view lower_needle,
                    std::size_t anchor) {
  const char lower = lower_needle[anchor];
  const char upper = static_cast<char>(lower - 'a' + 'A');
  for (const char c : {lower, upper}) {
    for (std::size_t at = s.find(c, anchor); at != std::string_view::npos;
         at = s.find(c, at + 1)) {
      if (StartsWithNoCase(s.substr(at - anchor), lower_needle)) return true;
    }
  }
  return false;
}

std::optional<long long> ParseDate(std::string_view text) {
  // Dates are short; a long value is not one, and is not worth scanning.
  if (text.size() > 200) return std::nullopt;
  return ParseFeedDate(text);
}

// The language of EUR-Lex feed URLs: ".../EN/display-feed.rss",
// ".../legal-content/EN/...".
std::string EurlexUrlLanguage(std::string_view url) {
  for (std::string_view marker : {"europa.eu/", "legal-content/"}) {
    const std::size_t at = url.find(marker);
    if (at == std::string_view::npos) continue;
    const std::string_view rest = url.substr(at + marker.size());
    if (rest.size() >= 3 && IsAlpha(rest[0]) && IsAlpha(rest[1]) &&
        rest[2] == '/') {
      return ToLower(rest.substr(0, 2));
    }
  }
  return "";
}

bool IsEurlexFeed(const RawFeed& feed, std::string_view url) {
  if (EqualsNoCase(HostIn(url), kEurlexHost) ||
      EqualsNoCase(HostIn(feed.link), kEurlexHost) ||
      EqualsNoCase(HostIn(feed.self_url), kEurlexHost)) {
    return true;
  }
  return !feed.items.empty() &&
         EqualsNoCase(HostIn(TrimSpaces(feed.items[0].link)), kEurlexHost);
}

// EUR-Lex feeds carry no language element. The English feeds' channel
// titles ("5 - Acts of the Official Journal L", "2 - Commission proposals")
// are the remaining clue when the URL is not known.
std::string EurlexLanguage(const RawFeed& feed, std::string_view url) {
  for (std::string_view u :
       {url, std::string_view(feed.self_url), std::string_view(feed.link)}) {
    if (std::string lang = EurlexUrlLanguage(u); !lang.empty()) {
      return lang == "no" ? "nb" : lang;
    }
  }
  for (std::string_view english : {"Official Journal", "Commission proposals",
                                   "legislation", "Legislation"}) {
    if (feed.title.find(english) != std::string::npos) return "en";
  }
  return "";
}

// "CELEX:32015R0757R(03)" -> "32015R0757".
std::string_view CorrectedAct(std::string_view celex) {
  return celex.substr(0, celex.rfind("R("));
}

bool IsRomanNumeral(std::string_view s) {
  return !s.empty() && s.find_first_not_of("IVXLC") == std::string_view::npos;
}

// The subjects of the EEA Agreement's annexes, for titles that give only the
// number ("amending Annex XX to the EEA Agreement").
std::string_view AnnexSubject(std::string_view numeral) {
  static constexpr std::pair<std::string_view, std::string_view> kSubjects[] = {
      {"I", "Veterinary and phytosanitary matters"},
      {"II", "Technical regulations, standards, testing and certification"},
      {"IV", "Energy"},
      {"XIII", "Transport"},
      {"XV", "State aid"},
      {"XVI", "Procurement"},
      {"XX", "Environment"}};
  for (const auto& [number, subject] : kSubjects) {
    if (number == numeral) return subject;
  }
  return "";
}

// Reads "II (Technical regulations, ...)" at `pos`, or just "XX"; returns
// the annex as "II Technical regulations, ..." and moves `pos` past it.
std::string ReadAnnex(std::string_view title, std::size_t* pos) {
  std::size_t end = *pos;
  while (end < title.size() && title[end] >= 'A' && title[end] <= 'Z') ++end;
  const std::string_view numeral = title.substr(*pos, end - *pos);
  if (!IsRomanNumeral(numeral)) return "";
  std::string_view subject = AnnexSubject(numeral);
  if (title.substr(end).starts_with(" (")) {
    const std::size_t close = title.find(')', end + 2);
    if (close != std::string_view::npos) {
      subject = title.substr(end + 2, close - end - 2);
      end = close + 1;
    }
  }
  *pos = end;
  return subject.empty() ? std::string(numeral)
                         : std::string(numeral) + " " + std::string(subject);
}

}  // namespace

void ApplyEeaMetadata(Item* item) {
  // Anchored on the 'x': few titles have one.
  if (ContainsNoCase(item->title, "text with eea relevance", 2)) {
    item->eea_relevant = true;
  }
  if (item->doc_type != "eea-decision" &&
      item->title.find("EEA Joint Committee") == std::string::npos) {
    return;
  }
  // "amending Annex II (...) and Annex XX (...)", "Annexes XIII (...) and
  // XX (...)"; stop at the first word that is not an annex number.
  std::vector<std::string> annexes;
  const std::string_view title = item->title;
  for (std::size_t at = title.find("Annex"); at != std::string_view::npos;
       at = title.find("Annex", at + 1)) {
    std::size_t pos = at + 5;
    if (title.substr(pos).starts_with("es")) pos += 2;
    while (pos < title.size() && title[pos] == ' ') {
      std::string annex = ReadAnnex(title, &++pos);
      if (annex.empty()) break;
      if (std::find(annexes.begin(), annexes.end(), annex) == annexes.end()) {
        annexes.push_back(std::move(annex));
      }
      for (std::string_view joiner : {", and ", " and ", ", "}) {
        if (title.substr(pos).starts_with(joiner)) {
          pos += joiner.size() - 1;
          break;
        }
      }
    }
  }
  std::string joined;
  for (const std::string& annex : annexes) {
    joined += (joined.empty() ? "" : "; ") + annex;
  }
  item->eea_annex = joined;
}

bool LooksLikeHtml(std::string_view text) {
  // Most titles hold neither byte; memchr finds that out fastest.
  const std::size_t first = std::min(text.find('<'), text.find('&'));
  if (first == std::string_view::npos) return false;
  const std::size_t last_gt = text.rfind('>');
  for (std::size_t i = first; i + 1 < text.size(); ++i) {
    // Only '<' and '&' can start markup.
    if (text[i] != '<' && text[i] != '&') continue;
    const char next = text[i + 1];
    if (text[i] == '<' && last_gt != std::string_view::npos && last_gt > i &&
        (IsAlpha(next) || next == '/' || next == '!')) {
      return true;
    }
    if (text[i] == '&') {
      std::size_t j = i + 1;
      if (text[j] == '#') ++j;
      const std::size_t name_begin = j;
      while (j < text.size() && j - name_begin < 10 &&
             (IsAlpha(text[j]) || (text[j] >= '0' && text[j] <= '9'))) {
        ++j;
      }
      if (j > name_begin && j < text.size() && text[j] == ';') return true;
    }
  }
  return false;
}

std::string NormalizeLanguage(std::string_view tag) {
  tag = TrimSpaces(tag);
  const std::string_view primary = tag.substr(0, tag.find_first_of("-_"));
  if (primary.size() < 2 || primary.size() > 3 ||
      !std::all_of(primary.begin(), primary.end(), IsAlpha)) {
    return "";
  }
  std::string lang = ToLower(primary);
  // Norwegian: "no" is the macrolanguage; the feeds mean Bokmål.
  return lang == "no" ? "nb" : lang;
}

std::string CleanLink(std::string_view raw, std::string_view origin) {
  raw = TrimSpaces(raw);
  // A cut URL is a wrong URL: drop it rather than shorten it.
  if (raw.empty() || raw.size() > kMaxFieldBytes) return "";
  std::string link = EscapeSpaces(SanitizeLine(raw, kMaxFieldBytes));
  if (!origin.empty() && link.starts_with("//")) {
    link = std::string(origin.substr(0, origin.find("//"))) + link;
  } else if (!origin.empty() && link.starts_with("/")) {
    link = std::string(origin) + link;
  }
  const std::string_view host = HttpHost(link);
  if (host.empty()) return "";
  if (!origin.empty() && IsInternalHost(host)) {
    link = std::string(origin) +
           link.substr(AuthorityEnd(link, link.find("://") + 3));
  }
  link = RemoveDotSegments(std::move(link));
  if (link.size() > kMaxFieldBytes) return "";
  return link;
}

std::string CleanAuthors(std::span<const std::string_view> authors) {
  std::string joined;
  for (const std::string_view author : authors) {
    std::string clean = SanitizeLine(author, kMaxFieldBytes);
    // EUR-Lex writes "European Parliament, Council of the European Union,".
    const std::size_t begin = clean.find_first_not_of(", ");
    if (begin == std::string::npos) continue;
    const std::size_t end = clean.find_last_not_of(", ");
    if (joined.empty()) {  // Usually the only author: no second copy.
      clean.erase(end + 1);
      clean.erase(0, begin);
      joined = std::move(clean);
      continue;
    }
    joined.append(", ");
    joined.append(clean, begin, end + 1 - begin);
  }
  // Clean names joined by ", " are clean; only the length may need a cut.
  if (joined.size() > kMaxFieldBytes) {
    return SanitizeLine(joined, kMaxFieldBytes);
  }
  return joined;
}

void ApplyEurlex(Item* item) {
  item->celex = FindCelex(item->title);
  if (item->celex.empty()) item->celex = FindCelex(item->link);
  if (item->celex.empty()) item->celex = FindCelex(item->guid);
  if (item->celex.empty()) return;
  const std::string_view title = item->title;
  const std::size_t prefix_size = 6 + item->celex.size();  // "CELEX:<number>"
  if (title.starts_with("CELEX:") && title.substr(6).starts_with(item->celex)) {
    std::string_view rest = title.substr(prefix_size);
    if (rest.starts_with(":")) rest = TrimSpaces(rest.substr(1));
    if (rest.empty()) {
      item->title =
          DocTypeFromCelex(item->celex) == "corrigendum"
              ? "Corrigendum to " + std::string(CorrectedAct(item->celex))
              : item->celex;
    } else if (rest.size() < title.size() - prefix_size) {
      // There was a ": " to strip; usually nothing at the end, so the title
      // can lose its head in place.
      if (rest.data() + rest.size() == title.data() + title.size()) {
        item->title.erase(0,
                          static_cast<std::size_t>(rest.data() - title.data()));
      } else {
        item->title = std::string(rest);
      }
    }
  }
  item->doc_type = DocTypeFromCelexAndTitle(item->celex, item->title);
}

FeedContext MakeFeedContext(const RawFeed& feed, std::string_view url) {
  FeedContext context;
  const std::string_view page = TrimSpaces(feed.link);
  // The origin is pasted onto links after they were sanitised, so it must
  // be clean itself: valid UTF-8 without control characters or spaces.
  const bool clean = SanitizeLine(page, kMaxFieldBytes) == page &&
                     page.find(' ') == std::string_view::npos;
  const std::string_view host = HttpHost(page);
  if (clean && !host.empty() && !IsInternalHost(host)) {
    context.origin = std::string(OriginOf(page));
  }
  context.language = NormalizeLanguage(feed.language);
  if (context.language.empty() && IsEurlexFeed(feed, url)) {
    context.language = EurlexLanguage(feed, url);
  }
  return context;
}

std::optional<Item> CleanItem(const RawItem& raw, const FeedContext& context,
                              std::string_view source) {
  Item item;
  item.source = std::string(source);
  item.guid = SanitizeLine(raw.guid, kMaxFieldBytes);
  item.title = CleanText(raw.title, raw.title_kind, kMaxTitleBytes);
  item.summary = CleanText(raw.summary, raw.summary_kind, kMaxSummaryBytes);
  if (item.summary.empty()) {
    item.summary = CleanText(raw.content, raw.content_kind, kMaxSummaryBytes);
  }
  item.link = CleanLink(raw.link, context.origin);
  if (item.title.empty() && item.link.empty() && item.guid.empty()) {
    return std::nullopt;
  }
  item.author = CleanAuthors({raw.authors.data(), raw.authors.size()});
  item.language = NormalizeLanguage(raw.language);
  if (item.language.empty()) item.language = context.language;
  item.published = ParseDate(raw.date);
  if (!item.published) item.published = ParseDate(raw.fallback_date);
  ApplyEurlex(&item);
  ApplyEeaMetadata(&item);
  return item;
}

}  // namespace lexwatch::feed
