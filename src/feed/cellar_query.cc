#include "feed/cellar_query.h"

#include <algorithm>
#include <cstdio>

namespace lexwatch::feed {
namespace {

// The UTC calendar day of `t` as "YYYY-MM-DD".
std::string UtcDay(TimePoint t) {
  const std::chrono::year_month_day day(
      std::chrono::floor<std::chrono::days>(t));
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(day.year()),
                unsigned(day.month()), unsigned(day.day()));
  return text;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

// Required patterns first, so the engine narrows by date before it joins
// the optional metadata; one OPTIONAL per property, so a missing ELI does
// not drop the title.
constexpr std::string_view kQueryHead =
    R"(PREFIX cdm: <http://publications.europa.eu/ontology/cdm#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?work ?celex ?date ?type ?eli ?eea ?title
  (GROUP_CONCAT(DISTINCT ?label; separator=" | ") AS ?eurovoc)
WHERE {
  ?work cdm:official-journal-act_date_publication ?date .
  FILTER(?date >= ")";

constexpr std::string_view kQueryTail = R"("^^xsd:date)
  ?work cdm:resource_legal_id_celex ?celex ;
        cdm:work_has_resource-type ?type .
  FILTER(?type != <http://publications.europa.eu/resource/authority/resource-type/CORRIGENDUM>)
  OPTIONAL { ?work cdm:resource_legal_eli ?eli }
  OPTIONAL { ?work cdm:resource_legal_eea ?eea }
  OPTIONAL {
    ?expression cdm:expression_belongs_to_work ?work ;
                cdm:expression_uses_language <http://publications.europa.eu/resource/authority/language/ENG> ;
                cdm:expression_title ?title .
  }
  OPTIONAL {
    ?work cdm:work_is_about_concept_eurovoc ?concept .
    ?concept skos:prefLabel ?label .
    FILTER(lang(?label) = "en")
  }
}
GROUP BY ?work ?celex ?date ?type ?eli ?eea ?title
ORDER BY ?date ?celex ?work
LIMIT )";

}  // namespace

std::string BuildCellarQuery(TimePoint since, int limit, int offset) {
  std::string query = std::string(kQueryHead) + UtcDay(since) +
                      std::string(kQueryTail) +
                      std::to_string(std::max(limit, 1)) + "\n";
  if (offset > 0) query += "OFFSET " + std::to_string(offset) + "\n";
  return query;
}

std::string CellarRequestUrl(std::string_view endpoint,
                             std::string_view query) {
  const char joiner = endpoint.find('?') == std::string_view::npos ? '?' : '&';
  return std::string(endpoint) + joiner + "query=" + PercentEncode(query) +
         "&format=" + PercentEncode(kSparqlResultsXml);
}

TimePoint WorkingDaysBefore(TimePoint t, int working_days) {
  std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(t);
  while (working_days > 0) {
    day -= std::chrono::days(1);
    const std::chrono::weekday weekday(day);
    if (weekday != std::chrono::Saturday && weekday != std::chrono::Sunday) {
      --working_days;
    }
  }
  return day;
}

TimePoint CellarQueryStart(std::optional<TimePoint> last_success, TimePoint now,
                           int working_days, std::chrono::days first) {
  if (!last_success) return std::chrono::floor<std::chrono::days>(now - first);
  return WorkingDaysBefore(std::min(*last_success, now), working_days);
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(c);
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

}  // namespace lexwatch::feed
