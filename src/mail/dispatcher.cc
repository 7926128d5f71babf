#include "mail/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace lexwatch::mail {

std::chrono::seconds RetryPolicy::NextWait(int attempts) const {
  if (waits.empty()) return std::chrono::hours(1);
  std::size_t n = static_cast<std::size_t>(std::max(attempts, 1));
  return waits[std::min(n, waits.size()) - 1];
}

Dispatcher::Dispatcher(store::Store& store, MailTransport& transport,
                       const Clock& clock, std::string envelope_from,
                       RetryPolicy policy)
    : store_(store),
      transport_(transport),
      clock_(clock),
      envelope_from_(std::move(envelope_from)),
      policy_(std::move(policy)) {}

Result<DispatchStats> Dispatcher::RunDue(int limit) {
  Result<std::vector<store::OutboxMessage>> due =
      store_.DueMessages(clock_.Now(), limit);
  if (!due.ok()) return due.status();
  DispatchStats stats;
  for (const store::OutboxMessage& message : *due) {
    if (Status s = SendOne(message, stats); !s.ok()) return s;
  }
  return stats;
}

Status Dispatcher::SendOne(const store::OutboxMessage& message,
                           DispatchStats& stats) {
  if (Status s = store_.MarkSending(message.id, clock_.Now()); !s.ok()) {
    return s;
  }
  Result<std::string> reply =
      transport_.Send(envelope_from_, message.recipient, message.message);
  TimePoint now = clock_.Now();
  if (reply.ok()) {
    spdlog::info("mail sent to {} item {} <{}>: {}", message.recipient,
                 message.item_key, message.message_id, *reply);
    ++stats.sent;
    return store_.MarkSent(message.id, *reply, now);
  }
  Status status = reply.status();
  const std::string& error = status.message();
  int attempts = message.attempts + 1;
  bool expired =
      now - FromUnixSeconds(message.created) >= policy_.give_up_after;
  if (status.IsPermanent() || expired) {
    std::string why = expired && !status.IsPermanent()
                          ? "gave up after " + std::to_string(attempts) +
                                " attempts: " + error
                          : error;
    spdlog::error("mail failed to {} item {} <{}>: {}", message.recipient,
                  message.item_key, message.message_id, why);
    ++stats.failed;
    return store_.MarkFailed(message.id, why, now);
  }
  std::chrono::seconds wait = policy_.NextWait(attempts);
  spdlog::warn(
      "mail deferred to {} item {} <{}> (attempt {}, retry in {}s): {}",
      message.recipient, message.item_key, message.message_id, attempts,
      wait.count(), error);
  ++stats.deferred;
  return store_.MarkDeferred(message.id, error, now + wait);
}

}  // namespace lexwatch::mail
