#include "daemon/digester.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/digest_codec.h"
#include "daemon/mail_input.h"
#include "mail/message.h"

namespace lexwatch::daemon {
namespace {

// "digest (daily) of 3 acts: celex:A, celex:B, celex:C" for the outbox's
// reasons column, the sent log and `outbox list`.
std::string DigestSummary(const std::string& cadence,
                          const std::vector<store::PendingEntry>& entries) {
  std::string out = "digest (" + cadence + ") of " +
                    std::to_string(entries.size()) + " act" +
                    (entries.size() == 1 ? "" : "s") + ":";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    out += (i == 0 ? " " : ", ") + entries[i].item_key;
  }
  return out;
}

}  // namespace

std::optional<TimePoint> Digester::DueAt(
    const store::DigestQueue& queue) const {
  const AgencyConfig* agency = config_.FindAgency(queue.agency_id);
  if (agency == nullptr) return std::nullopt;
  if (!agency->cadence.digest()) return FromUnixSeconds(queue.oldest_created);
  long long since = std::max(queue.oldest_created,
                             queue.last_slot.value_or(queue.oldest_created));
  return NextSlot(agency->cadence, config_.mail.zone, FromUnixSeconds(since));
}

Result<DigestStats> Digester::RunDue() {
  Result<std::vector<store::DigestQueue>> queues = store_.DigestQueues();
  if (!queues.ok()) return queues.status();
  DigestStats stats;
  const TimePoint now = clock_.Now();
  for (const store::DigestQueue& queue : *queues) {
    std::optional<TimePoint> due = DueAt(queue);
    if (!due || *due > now) continue;
    const AgencyConfig& agency = *config_.FindAgency(queue.agency_id);
    // The latest slot names the digest: after downtime, one for all the
    // slots missed.
    TimePoint slot = LatestSlot(agency.cadence, config_.mail.zone, now);
    Result<int> taken = store_.SaveDigest(
        agency.id, slot,
        [&](const std::vector<store::PendingEntry>& entries) {
          return Render(agency, slot, entries);
        },
        now);
    if (!taken.ok()) return taken.status();
    if (*taken == 0) continue;
    ++stats.digests;
    stats.entries += *taken;
    spdlog::info("digest queued agency={} acts={} slot={}", agency.id, *taken,
                 ToUnixSeconds(slot));
  }
  return stats;
}

Result<std::optional<TimePoint>> Digester::NextDue() {
  Result<std::vector<store::DigestQueue>> queues = store_.DigestQueues();
  if (!queues.ok()) return queues.status();
  std::optional<TimePoint> next;
  for (const store::DigestQueue& queue : *queues) {
    std::optional<TimePoint> due = DueAt(queue);
    if (due && (!next || *due < *next)) next = due;
  }
  return next;
}

void Digester::set_templates(
    std::shared_ptr<const mail::TemplateSet> templates) {
  std::lock_guard lock(templates_mutex_);
  templates_ = std::move(templates);
}

Result<store::NewDigest> Digester::Render(
    const AgencyConfig& agency, TimePoint slot,
    const std::vector<store::PendingEntry>& entries) const {
  const std::string cadence =
      agency.cadence.digest() ? agency.cadence.Label() : "daily";
  mail::DigestInput input;
  for (const store::PendingEntry& e : entries) {
    Result<mail::DigestEntry> entry = DecodeDigestEntry(e.entry);
    if (!entry.ok()) {
      // Listed as taken, so one bad row cannot hold up every later digest.
      spdlog::error("digest agency={} item={} left out: {}", agency.id,
                    e.item_key, entry.status().message());
      continue;
    }
    input.entries.push_back(std::move(*entry));
  }
  std::shared_ptr<const mail::TemplateSet> templates;
  {
    std::lock_guard lock(templates_mutex_);
    templates = templates_;
  }
  FillForAgency(config_, agency, clock_.Now(), templates.get(), &input);
  input.cadence = cadence;
  input.message_id =
      mail::MakeMessageId("digest:" + std::to_string(ToUnixSeconds(slot)),
                          agency.id, config_.mail.message_id_domain);
  mail::RenderedMessage m = mail::RenderDigest(input);
  return store::NewDigest{agency.addresses, m.message_id, std::move(m.bytes),
                          DigestSummary(cadence, entries)};
}

}  // namespace lexwatch::daemon
