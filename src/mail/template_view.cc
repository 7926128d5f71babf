// The view models the mail templates render: every key always present, all
// feed text cleaned to single lines of valid UTF-8 and not escaped (the
// HTML templates escape with {{ }}).

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "mail/mime.h"
#include "mail/template_internal.h"

namespace lexwatch::mail {
namespace {

constexpr std::size_t kSubjectTitleChars = 120;
constexpr std::size_t kSubjectTopicsChars = 60;
constexpr std::size_t kSummaryChars = 600;
constexpr std::size_t kDigestSummaryChars = 300;

struct Names {
  const char* id;
  const char* nb;
  const char* en;
};

std::string Translate(std::string_view id, std::string_view lang,
                      const Names* names, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (id == names[i].id) return lang == "en" ? names[i].en : names[i].nb;
  }
  return CleanUtf8(id);
}

constexpr Names kDocTypes[] = {
    {"regulation", "forordning", "regulation"},
    {"directive", "direktiv", "directive"},
    {"decision", "beslutning", "decision"},
    {"recommendation", "rekommandasjon", "recommendation"},
    {"proposal", "forslag", "proposal"},
    {"communication", "meddelelse", "communication"},
    {"judgment", "dom", "judgment"},
    {"corrigendum", "rettelse", "corrigendum"},
    {"eea-decision", "EØS-komiteens beslutning",
     "EEA Joint Committee decision"},
    {"other", "annet", "other"},
};

constexpr Names kFields[] = {
    {"title", "tittel", "title"},
    {"summary", "sammendrag", "summary"},
    {"author", "avsender", "author"},
    {"eurovoc", "EuroVoc-emneord", "EuroVoc descriptors"},
    {"annex", "EØS-vedlegg", "EEA annex"},
    {"celex", "CELEX-nummer", "CELEX number"},
    {"type", "dokumenttype", "document type"},
    {"source", "kilde", "source"},
    {"eea", "EØS-relevans", "EEA relevance"},
    {"lang", "språk", "language"},
};

// The rule files' topic ids in the words the agencies use, in the order
// digests list them.
constexpr Names kTopics[] = {
    {"planning", "plan og bygg", "planning and building"},
    {"procurement", "offentlige anskaffelser", "public procurement"},
    {"state-aid", "offentlig støtte", "state aid"},
    {"water", "vann og avløp", "water and sewerage"},
    {"transport", "samferdsel", "transport"},
    {"sustainability", "klima og bærekraft", "climate and sustainability"},
};

template <std::size_t N>
std::string Name(std::string_view id, std::string_view lang,
                 const Names (&names)[N]) {
  return Translate(id, lang, names, N);
}

std::string Date(long long unix_seconds, std::string_view lang) {
  std::string nb = FormatOsloDate(unix_seconds);  // "30.06.2026"
  if (lang != "en") return nb;
  return nb.substr(6) + "-" + nb.substr(3, 2) + "-" + nb.substr(0, 2);
}

// EUR-Lex titles repeat the CELEX number in front ("CELEX:32024L1275: ...").
std::string DisplayTitle(const Item& item, std::string_view lang) {
  std::string title = CleanUtf8(item.title);
  std::string prefix = "CELEX:" + item.celex + ":";
  if (!item.celex.empty() && title.rfind(prefix, 0) == 0 &&
      title.size() > prefix.size()) {
    title.erase(0, prefix.size());
  }
  std::size_t first = title.find_first_not_of(' ');
  title.erase(0, first == std::string::npos ? title.size() : first);
  if (title.empty()) title = CleanUtf8(item.celex);
  if (title.empty()) title = lang == "en" ? "(untitled)" : "(uten tittel)";
  return title;
}

// A string, or false so that {{#key}} sections skip it.
mustache::data Text(const std::string& s) {
  return s.empty() ? mustache::data(false) : mustache::data(s);
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out.append(sep);
    out.append(part);
  }
  return out;
}

mustache::data ReasonView(const rules::MatchReason& reason,
                          std::string_view lang) {
  std::vector<std::string> hits;
  for (std::size_t i = 0; i < reason.terms.size(); ++i) {
    // The quotes of an exact term ('"(EU) 2024/3019"') are rule syntax,
    // not words the agency would recognise.
    std::string_view term = reason.terms[i];
    if (term.size() > 2 && term.starts_with('"') && term.ends_with('"')) {
      term = term.substr(1, term.size() - 2);
    }
    std::string hit = "«" + CleanUtf8(term) + "»";
    if (i < reason.fields.size()) {
      hit += " (" + Name(reason.fields[i], lang, kFields) + ")";
    }
    hits.push_back(std::move(hit));
  }
  mustache::data view;
  view.set("heading",
           CleanUtf8(reason.description.empty() ? reason.rule_id
                                                : reason.description));
  view.set("rule_id", CleanUtf8(reason.rule_id));
  view.set("topic", Text(Name(reason.topic, lang, kTopics)));
  view.set("urgent", mustache::data(reason.priority == "urgent"));
  view.set("hits", Text(Join(hits, ", ")));
  return view;
}

// Distinct topic names of the reasons, in reason order.
std::vector<std::string> Topics(const std::vector<rules::MatchReason>& reasons,
                                std::string_view lang) {
  std::vector<std::string> topics;
  for (const rules::MatchReason& reason : reasons) {
    std::string topic = Name(reason.topic, lang, kTopics);
    if (!topic.empty() &&
        std::find(topics.begin(), topics.end(), topic) == topics.end()) {
      topics.push_back(topic);
    }
  }
  return topics;
}

// The keys of one act, shared by the alert (at the top level) and the
// digest (one per entry).
void SetActKeys(const Item& item,
                const std::vector<rules::MatchReason>& reasons,
                std::string_view lang, std::size_t summary_chars,
                mustache::data* view) {
  view->set("title", DisplayTitle(item, lang));
  // An act (or proposal, judgment...) of EUR-Lex has a CELEX number; news
  // from the EEA and other feeds has none and is not called an act.
  view->set("act", mustache::data(!item.celex.empty()));
  view->set("celex", Text(CleanUtf8(item.celex)));
  view->set(
      "doc_type",
      Text(item.doc_type.empty() ? "" : Name(item.doc_type, lang, kDocTypes)));
  view->set("published",
            Text(item.published ? Date(*item.published, lang) : ""));
  view->set("link", Text(IsHttpUrl(item.link) ? CleanUtf8(item.link) : ""));
  view->set("summary",
            Text(TruncateUtf8(CleanUtf8(item.summary), summary_chars)));
  view->set("topics", Text(Join(Topics(reasons, lang), ", ")));
  mustache::data list(mustache::data::type::list);
  for (const rules::MatchReason& reason : reasons) {
    list.push_back(ReasonView(reason, lang));
  }
  view->set("reasons", list);
}

void SetCommonKeys(std::string_view lang, const std::string& agency_id,
                   const std::string& agency_name, const std::string& contact,
                   mustache::data* view) {
  view->set("lang", std::string(lang));
  view->set("agency", CleanUtf8(agency_name.empty() ? agency_id : agency_name));
  view->set("agency_id", CleanUtf8(agency_id));
  view->set("contact", Text(CleanUtf8(contact)));
}

// Position of a topic id in the digest order; unknown topics come last.
std::size_t TopicRank(const std::string& topic) {
  for (std::size_t i = 0; i < std::size(kTopics); ++i) {
    if (topic == kTopics[i].id) return i;
  }
  return std::size(kTopics);
}

}  // namespace

mustache::data MakeAlertView(const AlertInput& input, std::string_view lang) {
  mustache::data view;
  SetCommonKeys(lang, input.agency_id, input.agency_name, input.contact, &view);
  SetActKeys(input.item, input.reasons, lang, kSummaryChars, &view);
  view.set("digest", mustache::data(false));
  std::string topics = Join(Topics(input.reasons, lang), ", ");
  view.set("subject_topics", Text(TruncateUtf8(topics, kSubjectTopicsChars)));
  view.set("subject_title",
           TruncateUtf8(DisplayTitle(input.item, lang), kSubjectTitleChars));
  view.set("subject", "");  // Set to the rendered subject before the body.
  return view;
}

mustache::data MakeDigestView(const DigestInput& input, std::string_view lang) {
  // Each entry under the topic of its first reason; topics in kTopics
  // order, then unknown ones by id; entries in input order.
  std::vector<const DigestEntry*> entries;
  for (const DigestEntry& entry : input.entries) entries.push_back(&entry);
  auto topic_of = [](const DigestEntry* e) {
    return e->reasons.empty() ? std::string() : e->reasons.front().topic;
  };
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const DigestEntry* a, const DigestEntry* b) {
                     std::string ta = topic_of(a), tb = topic_of(b);
                     std::size_t ra = TopicRank(ta), rb = TopicRank(tb);
                     return ra != rb ? ra < rb : ta < tb;
                   });
  mustache::data topics(mustache::data::type::list);
  mustache::data acts(mustache::data::type::list);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    mustache::data act;
    SetActKeys(entries[i]->item, entries[i]->reasons, lang, kDigestSummaryChars,
               &act);
    acts.push_back(act);
    std::string topic = topic_of(entries[i]);
    if (i + 1 == entries.size() || topic_of(entries[i + 1]) != topic) {
      mustache::data group;
      std::string name = Name(topic, lang, kTopics);
      if (name.empty()) name = lang == "en" ? "other" : "annet";
      group.set("topic", name);
      group.set("acts", acts);
      topics.push_back(group);
      acts = mustache::data(mustache::data::type::list);
    }
  }
  mustache::data view;
  SetCommonKeys(lang, input.agency_id, input.agency_name, input.contact, &view);
  view.set("digest", mustache::data(true));
  view.set("weekly", mustache::data(input.cadence == "weekly"));
  view.set("count", std::to_string(input.entries.size()));
  view.set("one", mustache::data(input.entries.size() == 1));
  view.set("acts_only",
           mustache::data(std::all_of(
               input.entries.begin(), input.entries.end(),
               [](const DigestEntry& e) { return !e.item.celex.empty(); })));
  view.set("topics", topics);
  view.set("subject", "");
  return view;
}

AlertInput SampleAlertInput() {
  AlertInput input;
  input.item.source = "eurlex-oj-l";
  input.item.title =
      "Directive (EU) 2024/1275 on the energy performance of buildings";
  input.item.link =
      "https://eur-lex.europa.eu/legal-content/AUTO/?uri=CELEX:32024L1275";
  input.item.celex = "32024L1275";
  input.item.doc_type = "directive";
  input.item.published = 1782770400;
  input.item.summary = "Sample summary.";
  rules::MatchReason reason;
  reason.rule_id = "planning-energy";
  reason.topic = "planning";
  reason.description = "Energy performance of buildings";
  reason.terms = {"energy performance"};
  reason.fields = {"title"};
  reason.priority = "normal";
  input.reasons = {reason};
  input.agency_id = "pbe";
  input.agency_name = "Plan- og bygningsetaten";
  input.contact = "eu@example.org";
  return input;
}

DigestInput SampleDigestInput() {
  AlertInput alert = SampleAlertInput();
  DigestInput input;
  input.entries = {{alert.item, alert.reasons}, {alert.item, alert.reasons}};
  input.agency_id = alert.agency_id;
  input.agency_name = alert.agency_name;
  input.contact = alert.contact;
  input.cadence = "daily";
  return input;
}

}  // namespace lexwatch::mail
