#include "mail/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace lexwatch::mail {
namespace {

using Outcome = Delivery::Outcome;

constexpr std::chrono::hours kPrunePeriod(1);

// SplitMix64: a well-mixed 64-bit hash, so neighbouring ids jitter apart.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// "90s", "15m", "4h", "5d": the largest unit that divides evenly.
std::string FormatDuration(std::chrono::seconds d) {
  long long s = d.count();
  if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace

std::chrono::seconds RetryPolicy::NextWait(int attempts) const {
  if (waits.empty()) return std::chrono::hours(1);
  std::size_t n = static_cast<std::size_t>(std::max(attempts, 1));
  return waits[std::min(n, waits.size()) - 1];
}

std::chrono::seconds RetryPolicy::JitteredWait(std::int64_t id,
                                               int attempts) const {
  double base = static_cast<double>(NextWait(attempts).count());
  std::uint64_t h = Mix(static_cast<std::uint64_t>(id) * 1000003u +
                        static_cast<std::uint64_t>(attempts));
  // A uniform value in [-1, 1].
  double unit = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
  double factor = 1.0 + jitter * (2.0 * unit - 1.0);
  return std::chrono::seconds(std::llround(base * factor));
}

std::chrono::seconds RetryPolicy::HeldProbeWait() const {
  return waits.empty() ? std::chrono::hours(1) : waits.back();
}

Dispatcher::Dispatcher(store::Store& store, MailTransport& transport,
                       const Clock& clock, std::string envelope_from,
                       RetryPolicy policy, std::string notice_language)
    : store_(store),
      transport_(transport),
      clock_(clock),
      envelope_from_(std::move(envelope_from)),
      policy_(std::move(policy)),
      notice_language_(std::move(notice_language)) {}

Result<DispatchStats> Dispatcher::RunDue(int limit) {
  DispatchStats stats;
  may_have_held_ = true;  // Held by an earlier run, or an earlier process.
  if (Status s = ExpireAndWarn(stats); !s.ok()) return s;
  if (Status s = PruneSentLog(); !s.ok()) return s;
  if (!blocked(clock_.Now())) {
    if (Status s = ProbeHeld(stats); !s.ok()) return s;
  }
  Result<std::vector<store::OutboxMessage>> due =
      store_.DueMessages(clock_.Now(), limit);
  if (!due.ok()) return due.status();
  premarked_ = 0;
  for (std::size_t i = 0; i < due->size(); ++i) {
    const store::OutboxMessage& message = (*due)[i];
    const store::OutboxMessage* next =
        i + 1 < due->size() ? &(*due)[i + 1] : nullptr;
    Status s = blocked(clock_.Now()) ? HoldWithoutSending(message, stats)
                                     : SendOne(message, stats, next);
    if (!s.ok()) return s;
  }
  if (!blocked(clock_.Now())) {
    if (Status s = SendNotices(stats); !s.ok()) return s;
  }
  return stats;
}

Result<std::optional<TimePoint>> Dispatcher::NextWake() {
  Result<store::OutboxWake> wake = store_.OutboxWakeTimes();
  if (!wake.ok()) return wake.status();
  std::optional<TimePoint> next;
  auto consider = [&](std::optional<long long> at, std::chrono::seconds plus) {
    if (!at) return;
    TimePoint t = FromUnixSeconds(*at) + plus;
    if (!next || t < *next) next = t;
  };
  using std::chrono::seconds;
  consider(wake->next_attempt, seconds(0));
  consider(wake->oldest_undelivered, policy_.give_up_after);
  consider(wake->oldest_unwarned, policy_.warn_after);
  // While a refused login blocks sending, notices wait for the next probe
  // too.
  if (wake->next_notice) {
    consider(std::max(*wake->next_notice, ToUnixSeconds(blocked_until_)),
             seconds(0));
  }
  if (wake->held) consider(ToUnixSeconds(blocked_until_), seconds(0));
  return next;
}

Status Dispatcher::SendOne(const store::OutboxMessage& message,
                           DispatchStats& stats,
                           const store::OutboxMessage* next) {
  // The text is read before the row is marked sending (here, or for a
  // premarked row in RecordDelivery's commit), so no store step that could
  // fail lies between the mark and the transport.
  std::string text;
  if (premarked_ == message.id) {
    text = std::move(premarked_text_);
  } else {
    Result<std::string> stored = store_.MessageText(message.id);
    if (!stored.ok()) return stored.status();
    if (Status s = store_.MarkSending(message.id, clock_.Now()); !s.ok()) {
      return s;
    }
    text = std::move(*stored);
  }
  premarked_ = 0;
  premarked_text_.clear();
  Delivery delivery =
      transport_.Deliver(envelope_from_, message.recipient, text);
  if (!delivery.delivered()) return RecordFailure(message, delivery, stats);
  spdlog::info("mail sent to {} item {} <{}>: {}", message.recipient,
               message.item_key, message.message_id, delivery.reply);
  ++stats.sent;
  return RecordDelivery(message, delivery.reply, next, stats);
}

// One commit per delivered message: its sent mark, the release of whatever
// a refused login held (the server takes our mail again), and the next
// row's `sending` mark, so that the next row is committed (and synced)
// before the transport sees it, as MarkSending alone would, only more
// durably. Nothing is written between this commit and the next row's send,
// so a store failure cannot leave a row marked sending that was never
// handed to the transport. The sent mark is what matters: the release and
// the next mark each run in a savepoint of their own, and a failed one is
// undone alone (a next row that cannot be marked is marked, or fails, on its
// own in SendOne).
Status Dispatcher::RecordDelivery(const store::OutboxMessage& message,
                                  const std::string& reply,
                                  const store::OutboxMessage* next,
                                  DispatchStats& stats) {
  TimePoint now = clock_.Now();
  Status release = Status::Ok();
  int released = 0;
  bool next_marked = false;
  std::string next_text;
  Status s = store_.InTransaction([&]() -> Status {
    if (Status sent = store_.MarkSent(message.id, reply, now); !sent.ok()) {
      return sent;
    }
    // Asked only while there may be held rows (since this run began or
    // since a row was last held): after a release nothing is held until
    // RecordFailure or HoldWithoutSending holds one.
    if (may_have_held_) {
      Result<int> r = store_.ReleaseHeld(now);
      if (!r.ok()) {
        release = r.status();
        return Status::Ok();  // Keep the sent mark; mark no next row.
      }
      released = *r;
    }
    if (next != nullptr) {
      Result<std::string> text = store_.MessageText(next->id);
      next_marked = text.ok() && store_.MarkSending(next->id, now).ok();
      if (next_marked) next_text = std::move(*text);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!release.ok()) return release;
  may_have_held_ = false;
  if (next_marked) {
    premarked_ = next->id;
    premarked_text_ = std::move(next_text);
  }
  if (released > 0) {
    spdlog::info("released {} held messages: the server accepts mail again",
                 released);
    stats.released += released;
  }
  return Status::Ok();
}

Status Dispatcher::RecordFailure(const store::OutboxMessage& message,
                                 const Delivery& delivery,
                                 DispatchStats& stats) {
  TimePoint now = clock_.Now();
  int attempts = message.attempts + 1;
  const std::string& error = delivery.reply;
  if (delivery.outcome == Outcome::kAuthFailed) {
    blocked_until_ = now + policy_.HeldProbeWait();
    blocked_reason_ = error;
    spdlog::error(
        "mail held to {} item {} <{}>: {}; nothing more is sent until it is "
        "fixed (next probe in {})",
        message.recipient, message.item_key, message.message_id, error,
        FormatDuration(policy_.HeldProbeWait()));
    ++stats.held;
    may_have_held_ = true;
    Notify(kNoticeMailHeld, "smtp", MailHeldNotice(notice_language_, error));
    return store_.MarkAttempted(message.id, store::kHeld, error, delivery.code,
                                now);
  }
  bool expired =
      now - FromUnixSeconds(message.created) >= policy_.give_up_after;
  if (delivery.outcome == Outcome::kPermanent) {
    spdlog::error("mail failed to {} item {} <{}>: {}", message.recipient,
                  message.item_key, message.message_id, error);
    ++stats.failed;
    Notify(kNoticeMailFailed, std::to_string(delivery.code),
           MailFailedNotice(notice_language_, message, error));
    return store_.MarkAttempted(message.id, store::kFailed, error,
                                delivery.code, now);
  }
  if (expired) {
    std::string why =
        "expired after " + std::to_string(attempts) + " attempts: " + error;
    spdlog::error("mail expired to {} item {} <{}>: {}", message.recipient,
                  message.item_key, message.message_id, why);
    ++stats.expired;
    Notify(kNoticeMailExpired, "queue",
           MailExpiredNotice(notice_language_, message,
                             FormatDuration(policy_.give_up_after), error));
    return store_.MarkAttempted(message.id, store::kExpired, why, delivery.code,
                                now);
  }
  std::chrono::seconds wait = policy_.JitteredWait(message.id, attempts);
  spdlog::warn(
      "mail deferred to {} item {} <{}> (attempt {}, retry in {}s{}): {}",
      message.recipient, message.item_key, message.message_id, attempts,
      wait.count(),
      delivery.after_data ? "; the server may have it: the retry reuses the "
                            "Message-ID"
                          : "",
      error);
  ++stats.deferred;
  return store_.MarkAttempted(message.id, store::kDeferred, error,
                              delivery.code, now + wait);
}

Status Dispatcher::HoldWithoutSending(const store::OutboxMessage& message,
                                      DispatchStats& stats) {
  ++stats.held;
  may_have_held_ = true;
  return store_.MarkAttempted(
      message.id, store::kHeld,
      "held: the SMTP login was refused: " + blocked_reason_, message.last_code,
      clock_.Now());
}

// One held row is sent as a probe; success releases the rest (SendOne).
Status Dispatcher::ProbeHeld(DispatchStats& stats) {
  Result<std::optional<store::OutboxMessage>> held = store_.OldestHeld();
  if (!held.ok()) return held.status();
  if (!held->has_value()) return Status::Ok();
  spdlog::info("probing held mail with outbox id {}", (*held)->id);
  int held_before = stats.held;
  if (Status s = SendOne(**held, stats); !s.ok()) return s;
  // Still refused: it was held again; do not count it as new.
  if (stats.held > held_before) --stats.held;
  return Status::Ok();
}

Status Dispatcher::ExpireAndWarn(DispatchStats& stats) {
  TimePoint now = clock_.Now();
  Result<std::vector<store::OutboxMessage>> old =
      store_.ExpiringSince(now - policy_.give_up_after);
  if (!old.ok()) return old.status();
  for (const store::OutboxMessage& m : *old) {
    std::string why = "expired undelivered after " +
                      FormatDuration(policy_.give_up_after) + " and " +
                      std::to_string(m.attempts) + " attempts" +
                      (m.last_reply.empty() ? "" : ": " + m.last_reply);
    spdlog::error("mail expired to {} item {} <{}>: {}", m.recipient,
                  m.item_key, m.message_id, why);
    if (Status s =
            store_.MarkAttempted(m.id, store::kExpired, why, m.last_code, now);
        !s.ok()) {
      return s;
    }
    ++stats.expired;
  }
  if (!old->empty()) {
    Notify(kNoticeMailExpired, "queue",
           MailsExpiredNotice(notice_language_, old->size(),
                              FormatDuration(policy_.give_up_after),
                              old->front()));
  }
  Result<std::vector<store::OutboxMessage>> late =
      store_.UnwarnedSince(now - policy_.warn_after);
  if (!late.ok()) return late.status();
  if (late->empty()) return Status::Ok();
  std::vector<std::int64_t> ids;
  for (const store::OutboxMessage& m : *late) ids.push_back(m.id);
  if (Status s = store_.MarkWarned(ids, now); !s.ok()) return s;
  Notify(kNoticeMailOld, "queue",
         MailsOldNotice(notice_language_, late->size(),
                        FormatDuration(policy_.warn_after),
                        FormatDuration(policy_.give_up_after), late->front()));
  return Status::Ok();
}

Status Dispatcher::SendNotices(DispatchStats& stats) {
  TimePoint now = clock_.Now();
  Result<std::vector<store::AdminNotice>> due = store_.DueNotices(now);
  if (!due.ok()) return due.status();
  for (const store::AdminNotice& notice : *due) {
    Delivery d =
        transport_.Deliver(envelope_from_, notice.recipient, notice.message);
    if (d.delivered()) {
      ++stats.notices;
      spdlog::info("admin notice [{}] mailed: {}", notice.key, d.reply);
      if (Status s = store_.MarkNoticeSent(notice.key, d.reply, clock_.Now());
          !s.ok()) {
        return s;
      }
      continue;
    }
    spdlog::error("admin notice [{}] not mailed: {}", notice.key, d.reply);
    if (d.outcome == Outcome::kAuthFailed) {
      blocked_until_ = clock_.Now() + policy_.HeldProbeWait();
      blocked_reason_ = d.reply;
    }
    TimePoint next = clock_.Now() +
                     policy_.JitteredWait(notice.created, notice.attempts + 1);
    if (Status s = store_.MarkNoticeDeferred(notice.key, d.reply, next);
        !s.ok()) {
      return s;
    }
    if (d.outcome == Outcome::kAuthFailed) break;
  }
  return Status::Ok();
}

Status Dispatcher::PruneSentLog() {
  TimePoint now = clock_.Now();
  if (now < next_prune_) return Status::Ok();
  next_prune_ = now + kPrunePeriod;
  Result<int> pruned = store_.PruneSentLog(now - policy_.sent_log_retention);
  if (!pruned.ok()) return pruned.status();
  if (*pruned > 0) spdlog::info("sent log: pruned {} old entries", *pruned);
  return Status::Ok();
}

void Dispatcher::Notify(std::string_view kind, std::string_view key,
                        const NoticeText& text) {
  if (notifier_ == nullptr) {
    spdlog::warn("admin notice [{}/{}] {} (no notifier: logged only)", kind,
                 key, text.subject);
    return;
  }
  // A notice that cannot be recorded must not stop delivery: log it.
  Result<bool> recorded = notifier_->Notify(kind, key, text.subject, text.body);
  if (!recorded.ok()) {
    spdlog::error("admin notice [{}/{}] {}: cannot record: {}", kind, key,
                  text.subject, recorded.status().message());
  }
}

}  // namespace lexwatch::mail
