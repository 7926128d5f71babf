#include "daemon/ingest.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "daemon/digest_codec.h"
#include "daemon/mail_input.h"
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
  const std::size_t chunk = kItemsPerTransaction;
  for (std::size_t begin = 0; begin < items.size(); begin += chunk) {
    const std::size_t end = std::min(items.size(), begin + chunk);
    IngestStats done;
    std::vector<std::string> log;
    Status s = store_.InTransaction(
        [&] { return IngestChunk(items, begin, end, matcher, done, log); });
    if (!s.ok()) return s;
    for (const std::string& line : log) spdlog::info("{}", line);
    stats.items += done.items;
    stats.new_items += done.new_items;
    stats.matched += done.matched;
    stats.queued += done.queued;
    stats.pending += done.pending;
  }
  return stats;
}

Status Ingestor::IngestChunk(const std::vector<Item>& items, std::size_t begin,
                             std::size_t end, const rules::Matcher& matcher,
                             IngestStats& stats,
                             std::vector<std::string>& log) {
  for (std::size_t i = begin; i < end; ++i) {
    ++stats.items;
    if (Status s = IngestOne(items[i], matcher, stats, log); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Ingestor::IngestOne(const Item& item, const rules::Matcher& matcher,
                           IngestStats& stats, std::vector<std::string>& log) {
  const std::string key = item.Key();
  Result<bool> known = store_.HasItem(key);
  if (!known.ok()) return known.status();
  if (!*known) ++stats.new_items;
  std::vector<rules::MatchReason> reasons = matcher.Match(item);
  if (!reasons.empty()) ++stats.matched;
  std::set<std::string> already;
  if (!reasons.empty()) {
    Result<std::set<std::string>> alerted = AlertedAgencies(key);
    if (!alerted.ok()) return alerted.status();
    already = std::move(*alerted);
  }
  Routed routed = Route(item, reasons, already);
  Result<store::SaveCounts> saved =
      store_.SaveItem(item, routed.alerts, routed.pending, clock_.Now());
  if (!saved.ok()) return saved.status();
  stats.queued += saved->queued;
  stats.pending += saved->pending;
  // Logged by Ingest after the commit: a rolled-back alert was never queued.
  if (!spdlog::should_log(spdlog::level::info)) return Status::Ok();
  for (const store::NewAlert& a : routed.alerts) {
    log.push_back(fmt::format(
        "queued source={} item={} agency={} message_id={} reasons=\"{}\"",
        item.source, key, a.agency_id, a.message_id, a.reasons));
  }
  for (const store::PendingEntry& p : routed.pending) {
    log.push_back(
        fmt::format("digest source={} item={} agency={} reasons=\"{}\"",
                    item.source, key, p.agency_id, p.summary));
  }
  return Status::Ok();
}

// An act an agency has in a digest counts as alerted, like an outbox row;
// one still waiting for the digest does not, so an urgent match can take
// it out and send it at once.
Result<std::set<std::string>> Ingestor::AlertedAgencies(
    const std::string& key) {
  Result<std::set<std::string>> alerted = store_.AlertedAgencies(key);
  if (!alerted.ok()) return alerted.status();
  Result<std::map<std::string, bool>> digests = store_.DigestStates(key);
  if (!digests.ok()) return digests.status();
  for (const auto& [agency, in_digest] : *digests) {
    if (in_digest) alerted->insert(agency);
  }
  return alerted;
}

Ingestor::Routed Ingestor::Route(const Item& item,
                                 const std::vector<rules::MatchReason>& reasons,
                                 const std::set<std::string>& already_alerted) {
  // Group the reasons by agency so each agency gets one message naming
  // every rule that brought it the act.
  std::map<std::string, std::vector<rules::MatchReason>> by_agency;
  for (const rules::MatchReason& r : reasons) {
    for (const std::string& agency : r.agencies) {
      if (already_alerted.count(agency) == 0) by_agency[agency].push_back(r);
    }
  }
  Routed routed;
  for (auto& [agency_id, agency_reasons] : by_agency) {
    const AgencyConfig* agency = config_.FindAgency(agency_id);
    if (agency == nullptr) continue;  // CompileRules rejects unknown ids.
    bool urgent = std::any_of(
        agency_reasons.begin(), agency_reasons.end(),
        [](const rules::MatchReason& r) { return r.priority == "urgent"; });
    if (!agency->cadence.digest() || urgent) {
      routed.alerts.push_back(RenderAlert(item, *agency, agency_reasons));
      continue;
    }
    store::PendingEntry entry;
    entry.agency_id = agency->id;
    entry.entry = EncodeDigestEntry(item, agency_reasons);
    entry.summary = SummariseReasons(agency_reasons);
    routed.pending.push_back(std::move(entry));
  }
  return routed;
}

store::NewAlert Ingestor::RenderAlert(
    const Item& item, const AgencyConfig& agency,
    const std::vector<rules::MatchReason>& reasons) {
  mail::AlertInput input;
  input.item = item;
  input.reasons = reasons;
  FillForAgency(config_, agency, clock_.Now(), templates_.get(), &input);
  input.message_id = mail::MakeMessageId(item.Key(), agency.id,
                                         config_.mail.message_id_domain);
  mail::RenderedMessage m = mail::RenderAlert(input);
  return store::NewAlert{agency.id, agency.addresses, m.message_id,
                         std::move(m.bytes), SummariseReasons(reasons)};
}

}  // namespace lexwatch::daemon
