#include "daemon/ingest.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "mail/message.h"

namespace lexwatch::daemon {

std::string SummariseReasons(const std::vector<rules::MatchReason>& reasons) {
  std::string out;
  for (const rules::MatchReason& r : reasons) {
    if (!out.empty()) out += "; ";
    out += r.rule_id + " [" + r.topic + "]: ";
    for (std::size_t i = 0; i < r.terms.size(); ++i) {
      if (i > 0) out += ", ";
      out += r.terms[i];
    }
  }
  return out;
}

Result<IngestStats> Ingestor::Ingest(const std::vector<Item>& items,
                                     const rules::Matcher& matcher) {
  IngestStats stats;
  for (const Item& item : items) {
    ++stats.items;
    if (Status s = IngestOne(item, matcher, stats); !s.ok()) return s;
  }
  return stats;
}

Status Ingestor::IngestOne(const Item& item, const rules::Matcher& matcher,
                           IngestStats& stats) {
  const std::string key = item.Key();
  Result<bool> known = store_.HasItem(key);
  if (!known.ok()) return known.status();
  if (!*known) ++stats.new_items;
  std::vector<rules::MatchReason> reasons = matcher.Match(item);
  if (!reasons.empty()) ++stats.matched;
  std::set<std::string> already;
  if (!reasons.empty()) {
    Result<std::set<std::string>> alerted = store_.AlertedAgencies(key);
    if (!alerted.ok()) return alerted.status();
    already = std::move(*alerted);
  }
  std::vector<store::NewAlert> alerts = RenderAlerts(item, reasons, already);
  Result<int> inserted = store_.SaveItem(item, alerts, clock_.Now());
  if (!inserted.ok()) return inserted.status();
  stats.queued += *inserted;
  for (const store::NewAlert& a : alerts) {
    spdlog::info(
        "queued source={} item={} agency={} message_id={} reasons=\"{}\"",
        item.source, key, a.agency_id, a.message_id, a.reasons);
  }
  return Status::Ok();
}

std::vector<store::NewAlert> Ingestor::RenderAlerts(
    const Item& item, const std::vector<rules::MatchReason>& reasons,
    const std::set<std::string>& already_alerted) {
  // Group the reasons by agency so each agency gets one message naming
  // every rule that brought it the act.
  std::map<std::string, std::vector<rules::MatchReason>> by_agency;
  for (const rules::MatchReason& r : reasons) {
    for (const std::string& agency : r.agencies) {
      if (already_alerted.count(agency) == 0) by_agency[agency].push_back(r);
    }
  }
  std::vector<store::NewAlert> alerts;
  const std::string key = item.Key();
  for (auto& [agency_id, agency_reasons] : by_agency) {
    const AgencyConfig* agency = config_.FindAgency(agency_id);
    if (agency == nullptr) continue;  // CompileRules rejects unknown ids.
    mail::AlertInput input;
    input.item = item;
    input.reasons = agency_reasons;
    input.agency_id = agency->id;
    input.agency_name = agency->name;
    input.to = agency->addresses;
    input.from = config_.mail.from;
    input.date = clock_.Now();
    input.contact = config_.contact;
    input.message_id =
        mail::MakeMessageId(key, agency->id, config_.mail.message_id_domain);
    mail::RenderedMessage m = mail::RenderAlert(input);
    alerts.push_back(store::NewAlert{agency->id, agency->addresses,
                                     m.message_id, std::move(m.bytes),
                                     SummariseReasons(agency_reasons)});
  }
  return alerts;
}

}  // namespace lexwatch::daemon
