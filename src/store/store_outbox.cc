// Store: the outbox of rendered messages and their delivery states.

#include <sqlite3.h>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

using internal::InWriteTransaction;
using internal::Statement;

// "SELECT " and the columns ReadMessage reads, in its order. Without the
// text, column 5 is '' and `message` stays empty: listings and the
// dispatcher's batches read rows by the hundred, and the dispatcher reads
// each text only when it sends it (MessageText).
std::string SelectMessages(bool with_text) {
  return std::string(
             "SELECT id, item_key, agency_id, recipient, message_id, ") +
         (with_text ? "message" : "''") +
         ", reasons, state, attempts, created, next_attempt, last_reply, "
         "sent_at, last_attempt, last_code, warned_at";
}

OutboxMessage ReadMessage(const Statement& stmt) {
  OutboxMessage m;
  m.id = stmt.Int(0);
  m.item_key = stmt.Bytes(1);
  m.agency_id = stmt.Bytes(2);
  m.recipient = stmt.Bytes(3);
  m.message_id = stmt.Bytes(4);
  m.message = stmt.Bytes(5);
  m.reasons = stmt.Bytes(6);
  m.state = stmt.Bytes(7);
  m.attempts = static_cast<int>(stmt.Int(8));
  m.created = stmt.Int(9);
  m.next_attempt = stmt.Int(10);
  m.last_reply = stmt.Bytes(11);
  m.sent_at = stmt.OptionalInt(12);
  m.last_attempt = stmt.OptionalInt(13);
  m.last_code = static_cast<int>(stmt.Int(14));
  m.warned_at = stmt.OptionalInt(15);
  return m;
}

// Steps `stmt` to the end, reading every row as an OutboxMessage.
Result<std::vector<OutboxMessage>> ReadMessages(Statement& stmt) {
  std::vector<OutboxMessage> rows;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(ReadMessage(stmt));
  }
}

// Runs `stmt`, an UPDATE of the one outbox row `id`, in a write transaction.
Status UpdateMessage(sqlite3* db, const std::string& path, std::int64_t id,
                     Statement& stmt) {
  return InWriteTransaction(db, path, [&]() -> Status {
    if (Status s = stmt.Run(); !s.ok()) return s;
    if (sqlite3_changes(db) == 0) {
      return Status::NotFound("outbox message " + std::to_string(id));
    }
    return Status::Ok();
  });
}

// Runs `stmt` like UpdateMessage, but the commit does not wait for the
// disk: synchronous=NORMAL for this one transaction, so in WAL mode the
// commit is written to the log and not synced. FULL is back before it
// returns. The setting can change only outside a transaction; inside one
// the write joins it and is as durable as it is.
Status UpdateMessageUnsynced(sqlite3* db, const std::string& path,
                             std::int64_t id, Statement& stmt) {
  if (!sqlite3_get_autocommit(db)) return UpdateMessage(db, path, id, stmt);
  // Set when the PRAGMA is prepared, not when it runs: a cached statement
  // would set nothing the second time, so these are executed afresh.
  if (Status s = internal::Exec(db, path, "PRAGMA synchronous = NORMAL");
      !s.ok()) {
    return s;
  }
  Status updated = UpdateMessage(db, path, id, stmt);
  Status full = internal::Exec(db, path, "PRAGMA synchronous = FULL");
  return updated.ok() ? full : updated;
}

}  // namespace

Result<std::vector<OutboxMessage>> Store::DueMessages(TimePoint now,
                                                      int limit) {
  std::vector<OutboxMessage> due;
  if (limit <= 0) return due;  // SQLite reads a negative LIMIT as none.
  Statement stmt(*cache_,
                 SelectMessages(false) +
                     " FROM outbox WHERE state IN (?1, ?2) AND "
                     "next_attempt <= ?3 ORDER BY created, id LIMIT ?4");
  stmt.Bind(1, kQueued)
      .Bind(2, kDeferred)
      .Bind(3, ToUnixSeconds(now))
      .Bind(4, static_cast<long long>(limit));
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return due;
    due.push_back(ReadMessage(stmt));
  }
}

Result<int> Store::RecoverInterrupted() {
  Statement stmt(*cache_, "UPDATE outbox SET state = ?1 WHERE state = ?2");
  stmt.Bind(1, kQueued).Bind(2, kSending);
  return InWriteTransaction(db_, path_, [&]() -> Result<int> {
    if (Status s = stmt.Run(); !s.ok()) return s;
    return sqlite3_changes(db_);
  });
}

// Not synced: a sync per mark would double the dispatcher's syncs (most
// marks ride on the previous row's synced sent mark instead; this one is
// for the first row of a batch and a row after a failure). Safe: the commit is
// in the WAL before the transport connects, so a killed process keeps the mark,
// and RecoverInterrupted requeues the row. Only a power cut or kernel crash can
// undo it, and then the row is back to what it was before the attempt (queued,
// deferred or held, the attempt not counted): it is sent again with the same
// bytes, just as a kept `sending` row is after RecoverInterrupted. Never a
// loss, and no more duplicates than before. Nothing durable can outlive a lost
// mark: WAL frames are synced in order, so the next FULL commit (MarkSent,
// MarkAttempted) syncs this one too.
Status Store::MarkSending(std::int64_t id, TimePoint now) {
  Statement stmt(*cache_,
                 "UPDATE outbox SET state = ?2, attempts = attempts + 1, "
                 "last_attempt = ?3 WHERE id = ?1");
  stmt.Bind(1, id).Bind(2, kSending).Bind(3, ToUnixSeconds(now));
  return UpdateMessageUnsynced(db_, path_, id, stmt);
}

// The sent-log line is written in the same transaction: a delivery is in
// the log exactly when its row says sent.
Status Store::MarkSent(std::int64_t id, const std::string& reply,
                       TimePoint now) {
  Statement stmt(*cache_,
                 "UPDATE outbox SET state = ?2, sent_at = ?3, last_reply = ?4, "
                 "last_code = 250 WHERE id = ?1");
  stmt.Bind(1, id).Bind(2, kSent).Bind(3, ToUnixSeconds(now)).Bind(4, reply);
  Statement log(*cache_,
                "INSERT INTO sent_log (outbox_id, item_key, agency_id, "
                "recipient, reasons, message_id, reply, sent_at) SELECT id, "
                "item_key, agency_id, recipient, reasons, message_id, ?2, ?3 "
                "FROM outbox WHERE id = ?1");
  log.Bind(1, id).Bind(2, reply).Bind(3, ToUnixSeconds(now));
  return InWriteTransaction(db_, path_, [&]() -> Status {
    if (Status s = stmt.Run(); !s.ok()) return s;
    if (sqlite3_changes(db_) == 0) {
      return Status::NotFound("outbox message " + std::to_string(id));
    }
    return log.Run();
  });
}

Status Store::MarkDeferred(std::int64_t id, const std::string& reply,
                           TimePoint next_attempt) {
  Statement stmt(*cache_,
                 "UPDATE outbox SET state = ?2, next_attempt = ?3, "
                 "last_reply = ?4 WHERE id = ?1");
  stmt.Bind(1, id)
      .Bind(2, kDeferred)
      .Bind(3, ToUnixSeconds(next_attempt))
      .Bind(4, reply);
  return UpdateMessage(db_, path_, id, stmt);
}

// `now` is not stored: last_attempt already says when it was last tried.
Status Store::MarkFailed(std::int64_t id, const std::string& reply,
                         TimePoint /*now*/) {
  Statement stmt(*cache_,
                 "UPDATE outbox SET state = ?2, last_reply = ?3 WHERE id = ?1");
  stmt.Bind(1, id).Bind(2, kFailed).Bind(3, reply);
  return UpdateMessage(db_, path_, id, stmt);
}

Status Store::MarkAttempted(std::int64_t id, std::string_view state,
                            const std::string& reply, int code,
                            TimePoint next_attempt) {
  Statement stmt(*cache_,
                 "UPDATE outbox SET state = ?2, next_attempt = ?3, "
                 "last_reply = ?4, last_code = ?5 WHERE id = ?1");
  stmt.Bind(1, id)
      .Bind(2, state)
      .Bind(3, ToUnixSeconds(next_attempt))
      .Bind(4, reply)
      .Bind(5, static_cast<long long>(code));
  return UpdateMessage(db_, path_, id, stmt);
}

Result<std::vector<OutboxMessage>> Store::ListMessages(
    const std::vector<std::string>& states, int limit) {
  // json_each binds the whole list as one parameter: the SQL stays fixed.
  std::string list = "[";
  for (const std::string& state : states) {
    if (list.size() > 1) list += ",";
    list += "\"" + state + "\"";
  }
  list += "]";
  Statement stmt(*cache_,
                 SelectMessages(false) +
                     " FROM outbox WHERE ?1 = '[]' OR state IN (SELECT value "
                     "FROM json_each(?1)) ORDER BY id DESC LIMIT ?2");
  stmt.Bind(1, list).Bind(2, static_cast<long long>(limit));
  return ReadMessages(stmt);
}

Result<std::vector<OutboxMessage>> Store::ExpiringSince(
    TimePoint waited_since) {
  Statement stmt(*cache_, SelectMessages(false) +
                              " FROM outbox WHERE state IN (?1, ?2) AND "
                              "COALESCE(requeued_at, created) <= ?3 "
                              "ORDER BY COALESCE(requeued_at, created), id");
  stmt.Bind(1, kQueued).Bind(2, kDeferred).Bind(3, ToUnixSeconds(waited_since));
  return ReadMessages(stmt);
}

Result<std::vector<OutboxMessage>> Store::UnwarnedSince(
    TimePoint waited_since) {
  Statement stmt(*cache_, SelectMessages(false) +
                              " FROM outbox WHERE state IN (?1, ?2, ?3) AND "
                              "COALESCE(requeued_at, created) <= ?4 AND "
                              "warned_at IS NULL "
                              "ORDER BY COALESCE(requeued_at, created), id");
  stmt.Bind(1, kQueued)
      .Bind(2, kDeferred)
      .Bind(3, kHeld)
      .Bind(4, ToUnixSeconds(waited_since));
  return ReadMessages(stmt);
}

Status Store::MarkWarned(const std::vector<std::int64_t>& ids, TimePoint now) {
  Statement stmt(*cache_, "UPDATE outbox SET warned_at = ?2 WHERE id = ?1");
  return InWriteTransaction(db_, path_, [&]() -> Status {
    for (std::int64_t id : ids) {
      stmt.Reset();
      stmt.Bind(1, id).Bind(2, ToUnixSeconds(now));
      if (Status s = stmt.Run(); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

Result<std::optional<OutboxMessage>> Store::OldestHeld() {
  Statement stmt(*cache_,
                 SelectMessages(false) +
                     " FROM outbox WHERE state = ?1 ORDER BY created, id "
                     "LIMIT 1");
  stmt.Bind(1, kHeld);
  Result<std::vector<OutboxMessage>> rows = ReadMessages(stmt);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<OutboxMessage>();
  return std::optional<OutboxMessage>(rows->front());
}

Result<int> Store::ReleaseHeld(TimePoint now) { return RetryAll(kHeld, now); }

// Back in the queue, due at once (?3), waiting anew: the queue lifetime and
// the age warning count from now.
constexpr char kRequeue[] =
    "UPDATE outbox SET state = ?2, next_attempt = ?3, requeued_at = ?3, "
    "warned_at = NULL ";

// An administrator may retry or cancel any message but one that is sent or
// being sent.
Status Store::CheckChangeable(std::int64_t id, const char* verb) {
  Result<std::optional<OutboxMessage>> row = GetMessage(id);
  if (!row.ok()) return row.status();
  if (!row->has_value()) {
    return Status::NotFound("outbox message " + std::to_string(id));
  }
  const std::string& state = (*row)->state;
  if (state == kSent || state == kSending) {
    return Status::InvalidArgument("outbox message " + std::to_string(id),
                                   "it is " + state + ", not " + verb);
  }
  return Status::Ok();
}

Status Store::RetryMessage(std::int64_t id, TimePoint now) {
  return InWriteTransaction(db_, path_, [&]() -> Status {
    if (Status s = CheckChangeable(id, "retried"); !s.ok()) return s;
    Statement stmt(*cache_, std::string(kRequeue) + "WHERE id = ?1");
    stmt.Bind(1, id).Bind(2, kQueued).Bind(3, ToUnixSeconds(now));
    return stmt.Run();
  });
}

Result<int> Store::RetryAll(std::string_view state, TimePoint now) {
  Statement stmt(*cache_, std::string(kRequeue) + "WHERE state = ?1");
  stmt.Bind(1, state).Bind(2, kQueued).Bind(3, ToUnixSeconds(now));
  return InWriteTransaction(db_, path_, [&]() -> Result<int> {
    if (Status s = stmt.Run(); !s.ok()) return s;
    return sqlite3_changes(db_);
  });
}

Status Store::CancelMessage(std::int64_t id, const std::string& reason) {
  return InWriteTransaction(db_, path_, [&]() -> Status {
    if (Status s = CheckChangeable(id, "cancelled"); !s.ok()) return s;
    Statement stmt(*cache_,
                   "UPDATE outbox SET state = ?2, last_reply = ?3 "
                   "WHERE id = ?1");
    stmt.Bind(1, id).Bind(2, kCancelled).Bind(3, reason);
    return stmt.Run();
  });
}

Result<std::vector<SentLogEntry>> Store::ListSentLog(int limit) {
  Statement stmt(*cache_,
                 "SELECT id, outbox_id, item_key, agency_id, recipient, "
                 "reasons, message_id, reply, sent_at FROM sent_log "
                 "ORDER BY sent_at DESC, id DESC LIMIT ?1");
  stmt.Bind(1, static_cast<long long>(limit));
  std::vector<SentLogEntry> entries;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return entries;
    SentLogEntry e;
    e.id = stmt.Int(0);
    e.outbox_id = stmt.Int(1);
    e.item_key = stmt.Bytes(2);
    e.agency_id = stmt.Bytes(3);
    e.recipient = stmt.Bytes(4);
    e.reasons = stmt.Bytes(5);
    e.message_id = stmt.Bytes(6);
    e.reply = stmt.Bytes(7);
    e.sent_at = stmt.Int(8);
    entries.push_back(std::move(e));
  }
}

Result<int> Store::PruneSentLog(TimePoint before) {
  Statement stmt(*cache_, "DELETE FROM sent_log WHERE sent_at < ?1");
  stmt.Bind(1, ToUnixSeconds(before));
  return InWriteTransaction(db_, path_, [&]() -> Result<int> {
    if (Status s = stmt.Run(); !s.ok()) return s;
    return sqlite3_changes(db_);
  });
}

Result<std::string> Store::MessageText(std::int64_t id) {
  Statement stmt(*cache_, "SELECT message FROM outbox WHERE id = ?1");
  stmt.Bind(1, id);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("outbox message " + std::to_string(id));
  return stmt.Bytes(0);
}

Result<std::optional<OutboxMessage>> Store::GetMessage(std::int64_t id) {
  Statement stmt(*cache_, SelectMessages(true) + " FROM outbox WHERE id = ?1");
  stmt.Bind(1, id);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<OutboxMessage>();
  return std::optional<OutboxMessage>(ReadMessage(stmt));
}

Result<std::map<std::string, long long>> Store::OutboxCounts() {
  std::map<std::string, long long> counts;
  for (const char* state : kOutboxStates) counts[state] = 0;
  Statement stmt(*cache_, "SELECT state, COUNT(*) FROM outbox GROUP BY state");
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return counts;
    counts[stmt.Bytes(0)] = stmt.Int(1);
  }
}

Result<std::optional<long long>> Store::OldestWaitingCreated() {
  Statement stmt(*cache_,
                 "SELECT MIN(created) FROM outbox WHERE state IN (?1, ?2, ?3, "
                 "?4)");
  stmt.Bind(1, kQueued).Bind(2, kSending).Bind(3, kDeferred).Bind(4, kHeld);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  return *row ? stmt.OptionalInt(0) : std::nullopt;
}

}  // namespace lexwatch::store
