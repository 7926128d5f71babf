#include "feed/sparql_results.h"

#include <algorithm>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <utility>

#include "core/sanitize.h"
#include "feed/celex.h"
#include "feed/feed_formats.h"
#include "feed/item_cleanup.h"
#include "feed/xml_input.h"
#include "feed/xml_names.h"

namespace lexwatch::feed {
namespace {

constexpr std::string_view kResourceTypePrefix =
    "http://publications.europa.eu/resource/authority/resource-type/";
// Far more EuroVoc descriptors than any act has; a cap against hostile input.
constexpr std::size_t kMaxEurovocLabels = 100;

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view SkipSpaces(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t\r\n");
  return begin == std::string_view::npos ? std::string_view() : s.substr(begin);
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

// One <result>: binding name -> value node (<uri>, <literal>, <bnode>).
class Bindings {
 public:
  Bindings(pugi::xml_node result, XmlScopes& scopes) : scopes_(scopes) {
    for (pugi::xml_node b = result.first_child(); b; b = b.next_sibling()) {
      if (!scopes.IsElement(b, kSparqlResultsNs, "binding")) continue;
      for (pugi::xml_node v = b.first_child(); v; v = v.next_sibling()) {
        if (v.type() == pugi::node_element) {
          values_.try_emplace(b.attribute("name").value(), v);
          break;
        }
      }
    }
  }

  // The text of the binding, or "" when unbound.
  std::string Text(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? "" : TextOf(it->second);
  }

  std::string_view Lang(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? "" : scopes_.XmlLang(it->second);
  }

 private:
  XmlScopes& scopes_;
  std::map<std::string, pugi::xml_node, std::less<>> values_;
};

std::optional<bool> ParseBoolean(std::string_view text) {
  const std::string value = ToLower(SanitizeLine(text, 16));
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return std::nullopt;
}

std::vector<std::string> SplitLabels(std::string_view joined) {
  std::vector<std::string> labels;
  while (!joined.empty() && labels.size() < kMaxEurovocLabels) {
    const std::size_t bar = joined.find('|');
    std::string label = SanitizeLine(joined.substr(0, bar), kMaxFieldBytes);
    if (!label.empty() &&
        std::find(labels.begin(), labels.end(), label) == labels.end()) {
      labels.push_back(std::move(label));
    }
    if (bar == std::string_view::npos) break;
    joined.remove_prefix(bar + 1);
  }
  return labels;
}

// "2024-07-15+02:00" and "2024-07-15Z" (an xsd:date may carry a zone) ->
// "2024-07-15": the OJ date is a calendar day, read as UTC midnight.
std::string DayOf(std::string text) {
  text = SanitizeLine(text, 64);
  if (text.size() > 10 && text[10] != 'T') text.resize(10);
  return text;
}

std::string CleanCelex(std::string_view raw) {
  std::string celex = SanitizeLine(raw, 64);
  // Accept the EUR-Lex notation "CELEX:32024R0001" too.
  if (celex.starts_with("celex:") || celex.starts_with("CELEX:")) {
    celex.erase(0, 6);
  }
  return IsValidCelex(celex) ? celex : "";
}

std::string DocType(const Item& item, std::string_view type_uri) {
  const std::string from_celex =
      DocTypeFromCelexAndTitle(item.celex, item.title);
  // A resource type can only say "decision" for an EEA Joint Committee
  // decision; the CELEX number and title say which kind.
  if (from_celex == "eea-decision") return from_celex;
  std::string from_type = DocTypeFromResourceType(type_uri);
  return from_type.empty() ? from_celex : from_type;
}

std::optional<Item> ReadResult(const Bindings& b, std::string_view source) {
  const std::string celex = CleanCelex(b.Text("celex"));
  const std::string work = b.Text("work");
  if (celex.empty() && work.empty()) return std::nullopt;
  const std::string title = b.Text("title");
  const std::string date = DayOf(b.Text("date"));
  // The first candidate CleanLink accepts (an http(s) URL) wins.
  const std::string links[] = {
      celex.empty() ? std::string() : EurlexCelexUrl(celex), b.Text("eli"),
      work};
  RawItem raw;
  raw.guid = work;
  raw.title = title;
  raw.title_kind = TextKind::kText;  // Literals are plain text.
  raw.date = date;
  raw.language = b.Lang("title");
  for (const std::string& link : links) {
    if (!CleanLink(link, "").empty()) {
      raw.link = link;
      break;
    }
  }
  const FeedContext context{.origin = "", .language = "en"};
  std::optional<Item> item = CleanItem(raw, context, source);
  if (!item) return std::nullopt;
  if (!celex.empty()) item->celex = celex;
  item->doc_type = DocType(*item, SkipSpaces(b.Text("type")));
  if (std::optional<bool> eea = ParseBoolean(b.Text("eea"))) {
    // An explicit false does not undo the title's "Text with EEA relevance".
    item->eea_relevant = *eea || item->eea_relevant.value_or(false);
  }
  item->eurovoc = SplitLabels(b.Text("eurovoc"));
  return item;
}

Status CheckRoot(pugi::xml_node root, XmlScopes& scopes,
                 std::string_view source) {
  if (scopes.IsElement(root, kSparqlResultsNs, "sparql")) return Status::Ok();
  if (ToLower(LocalName(root.name())) == "html") {
    return Status::InvalidArgument(
        source, "not SPARQL results: HTML page where XML was expected");
  }
  return Status::InvalidArgument(source, "not SPARQL results: root element <" +
                                             SanitizeLine(root.name(), 200) +
                                             ">");
}

}  // namespace

std::string EurlexCelexUrl(std::string_view celex) {
  return "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:" +
         std::string(celex);
}

std::string DocTypeFromResourceType(std::string_view uri) {
  uri = SkipSpaces(uri);
  while (!uri.empty() && uri.back() == ' ') uri.remove_suffix(1);
  if (!uri.starts_with(kResourceTypePrefix)) return "";
  const std::string_view code = uri.substr(kResourceTypePrefix.size());
  if (code == "CORRIGENDUM") return "corrigendum";
  if (code.starts_with("PROP_")) return "proposal";
  const std::string_view stem = code.substr(0, code.find('_'));
  if (stem == "REG") return "regulation";
  if (stem == "DIR") return "directive";
  if (stem == "DEC") return "decision";
  if (stem == "RECO") return "recommendation";
  if (stem == "COM") return "communication";
  return "";
}

Result<std::vector<Item>> ParseSparqlResults(std::string_view bytes,
                                             std::string_view source,
                                             int* result_count) {
  if (const std::string_view kind = NotXmlKind(bytes); !kind.empty()) {
    return Status::InvalidArgument(source,
                                   "not SPARQL results: " + std::string(kind));
  }
  const std::string input = NeutraliseNulRefs(bytes);
  pugi::xml_document doc;
  // parse_default: no DOCTYPE entity expansion, no external fetches.
  const pugi::xml_parse_result parsed = doc.load_buffer(
      input.data(), input.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    return Status::InvalidArgument(source, "XML error at offset " +
                                               std::to_string(parsed.offset) +
                                               ": " + parsed.description());
  }
  XmlScopes scopes;
  const pugi::xml_node root = doc.document_element();
  if (Status s = CheckRoot(root, scopes, source); !s.ok()) return s;
  const pugi::xml_node results =
      scopes.ChildElement(root, kSparqlResultsNs, "results");
  if (!results) {
    return Status::InvalidArgument(source,
                                   "not SPARQL results: no <results> element");
  }
  std::vector<Item> items;
  std::set<std::string> seen;
  if (result_count != nullptr) *result_count = 0;
  for (pugi::xml_node r = results.first_child(); r; r = r.next_sibling()) {
    if (!scopes.IsElement(r, kSparqlResultsNs, "result")) continue;
    if (result_count != nullptr) ++*result_count;
    std::optional<Item> item = ReadResult(Bindings(r, scopes), source);
    if (item && seen.insert(item->Key()).second) {
      items.push_back(std::move(*item));
    }
  }
  return items;
}

}  // namespace lexwatch::feed
