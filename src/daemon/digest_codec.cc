#include "daemon/digest_codec.h"

#include <nlohmann/json.hpp>

namespace lexwatch::daemon {
namespace {

using Json = nlohmann::json;

Json ItemJson(const Item& item) {
  Json j = {{"source", item.source},     {"guid", item.guid},
            {"title", item.title},       {"summary", item.summary},
            {"link", item.link},         {"author", item.author},
            {"language", item.language}, {"celex", item.celex},
            {"doc_type", item.doc_type}, {"eea_annex", item.eea_annex},
            {"eurovoc", item.eurovoc}};
  j["published"] = item.published ? Json(*item.published) : Json(nullptr);
  j["eea_relevant"] =
      item.eea_relevant ? Json(*item.eea_relevant) : Json(nullptr);
  return j;
}

Json ReasonJson(const rules::MatchReason& r) {
  Json highlights = Json::array();
  for (const rules::Highlight& h : r.highlights) {
    highlights.push_back({{"field", h.field},
                          {"begin", h.begin},
                          {"end", h.end},
                          {"term", h.term}});
  }
  return {{"rule_id", r.rule_id},
          {"topic", r.topic},
          {"description", r.description},
          {"agencies", r.agencies},
          {"terms", r.terms},
          {"fields", r.fields},
          {"priority", r.priority},
          {"highlights", highlights}};
}

// nlohmann reports a missing key or wrong type by throwing; the callers
// below turn that into a Status at this boundary.
Item ItemFrom(const Json& j) {
  Item item;
  item.source = j.at("source").get<std::string>();
  item.guid = j.at("guid").get<std::string>();
  item.title = j.at("title").get<std::string>();
  item.summary = j.at("summary").get<std::string>();
  item.link = j.at("link").get<std::string>();
  item.author = j.at("author").get<std::string>();
  item.language = j.at("language").get<std::string>();
  item.celex = j.at("celex").get<std::string>();
  item.doc_type = j.at("doc_type").get<std::string>();
  item.eea_annex = j.at("eea_annex").get<std::string>();
  item.eurovoc = j.at("eurovoc").get<std::vector<std::string>>();
  if (!j.at("published").is_null()) {
    item.published = j.at("published").get<long long>();
  }
  if (!j.at("eea_relevant").is_null()) {
    item.eea_relevant = j.at("eea_relevant").get<bool>();
  }
  return item;
}

rules::MatchReason ReasonFrom(const Json& j) {
  rules::MatchReason r;
  r.rule_id = j.at("rule_id").get<std::string>();
  r.topic = j.at("topic").get<std::string>();
  r.description = j.at("description").get<std::string>();
  r.agencies = j.at("agencies").get<std::vector<std::string>>();
  r.terms = j.at("terms").get<std::vector<std::string>>();
  r.fields = j.at("fields").get<std::vector<std::string>>();
  r.priority = j.at("priority").get<std::string>();
  for (const Json& h : j.at("highlights")) {
    r.highlights.push_back(rules::Highlight{
        h.at("field").get<std::string>(), h.at("begin").get<std::size_t>(),
        h.at("end").get<std::size_t>(), h.at("term").get<std::string>()});
  }
  return r;
}

}  // namespace

std::string EncodeDigestEntry(const Item& item,
                              const std::vector<rules::MatchReason>& reasons) {
  Json list = Json::array();
  for (const rules::MatchReason& r : reasons) list.push_back(ReasonJson(r));
  Json entry = {{"item", ItemJson(item)}, {"reasons", list}};
  // Sanitised feed text is valid UTF-8; replace keeps a stray byte from
  // ever throwing here.
  return entry.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<mail::DigestEntry> DecodeDigestEntry(const std::string& json) {
  Json j = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::Corruption("digest entry", "not JSON");
  }
  try {
    mail::DigestEntry entry;
    entry.item = ItemFrom(j.at("item"));
    for (const Json& r : j.at("reasons")) {
      entry.reasons.push_back(ReasonFrom(r));
    }
    return entry;
  } catch (const Json::exception& e) {
    return Status::Corruption("digest entry", e.what());
  }
}

}  // namespace lexwatch::daemon
