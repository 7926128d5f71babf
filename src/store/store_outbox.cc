// Store: the outbox of rendered messages and their delivery states.

#include <sqlite3.h>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

using internal::InWriteTransaction;
using internal::Statement;

constexpr char kMessageColumns[] =
    "id, item_key, agency_id, recipient, message_id, message, reasons, state, "
    "attempts, created, next_attempt, last_reply, sent_at, last_attempt";

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
  return m;
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

}  // namespace

Result<std::vector<OutboxMessage>> Store::DueMessages(TimePoint now,
                                                      int limit) {
  std::vector<OutboxMessage> due;
  if (limit <= 0) return due;  // SQLite reads a negative LIMIT as none.
  Statement stmt(db_, path_,
                 std::string("SELECT ") + kMessageColumns +
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
  Statement stmt(db_, path_, "UPDATE outbox SET state = ?1 WHERE state = ?2");
  stmt.Bind(1, kQueued).Bind(2, kSending);
  return InWriteTransaction(db_, path_, [&]() -> Result<int> {
    if (Status s = stmt.Run(); !s.ok()) return s;
    return sqlite3_changes(db_);
  });
}

Status Store::MarkSending(std::int64_t id, TimePoint now) {
  Statement stmt(db_, path_,
                 "UPDATE outbox SET state = ?2, attempts = attempts + 1, "
                 "last_attempt = ?3 WHERE id = ?1");
  stmt.Bind(1, id).Bind(2, kSending).Bind(3, ToUnixSeconds(now));
  return UpdateMessage(db_, path_, id, stmt);
}

Status Store::MarkSent(std::int64_t id, const std::string& reply,
                       TimePoint now) {
  Statement stmt(db_, path_,
                 "UPDATE outbox SET state = ?2, sent_at = ?3, last_reply = ?4 "
                 "WHERE id = ?1");
  stmt.Bind(1, id).Bind(2, kSent).Bind(3, ToUnixSeconds(now)).Bind(4, reply);
  return UpdateMessage(db_, path_, id, stmt);
}

Status Store::MarkDeferred(std::int64_t id, const std::string& reply,
                           TimePoint next_attempt) {
  Statement stmt(db_, path_,
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
  Statement stmt(db_, path_,
                 "UPDATE outbox SET state = ?2, last_reply = ?3 WHERE id = ?1");
  stmt.Bind(1, id).Bind(2, kFailed).Bind(3, reply);
  return UpdateMessage(db_, path_, id, stmt);
}

Result<std::optional<OutboxMessage>> Store::GetMessage(std::int64_t id) {
  Statement stmt(
      db_, path_,
      std::string("SELECT ") + kMessageColumns + " FROM outbox WHERE id = ?1");
  stmt.Bind(1, id);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<OutboxMessage>();
  return std::optional<OutboxMessage>(ReadMessage(stmt));
}

Result<std::map<std::string, long long>> Store::OutboxCounts() {
  std::map<std::string, long long> counts;
  for (const char* state : {kQueued, kSending, kSent, kDeferred, kFailed}) {
    counts[state] = 0;
  }
  Statement stmt(db_, path_,
                 "SELECT state, COUNT(*) FROM outbox GROUP BY state");
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return counts;
    counts[stmt.Bytes(0)] = stmt.Int(1);
  }
}

}  // namespace lexwatch::store
