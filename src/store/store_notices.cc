// Store: rate-limited notices to the administrator (schema v3).

#include <sqlite3.h>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

using internal::InWriteTransaction;
using internal::Statement;

constexpr char kNoticeColumns[] =
    "key, kind, subject, recipient, message, state, created, suppressed, "
    "attempts, next_attempt, last_reply, sent_at";

AdminNotice ReadNotice(const Statement& stmt) {
  AdminNotice n;
  n.key = stmt.Bytes(0);
  n.kind = stmt.Bytes(1);
  n.subject = stmt.Bytes(2);
  n.recipient = stmt.Bytes(3);
  n.message = stmt.Bytes(4);
  n.state = stmt.Bytes(5);
  n.created = stmt.Int(6);
  n.suppressed = static_cast<int>(stmt.Int(7));
  n.attempts = static_cast<int>(stmt.Int(8));
  n.next_attempt = stmt.Int(9);
  n.last_reply = stmt.Bytes(10);
  n.sent_at = stmt.OptionalInt(11);
  return n;
}

Result<std::vector<AdminNotice>> ReadNotices(Statement& stmt) {
  std::vector<AdminNotice> notices;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return notices;
    notices.push_back(ReadNotice(stmt));
  }
}

}  // namespace

Result<bool> Store::RecordNotice(const AdminNotice& notice,
                                 std::chrono::seconds min_interval) {
  return InWriteTransaction(db_, path_, [&]() -> Result<bool> {
    Statement last(*cache_, "SELECT created FROM admin_notices WHERE key = ?1");
    last.Bind(1, notice.key);
    Result<bool> found = last.Step();
    if (!found.ok()) return found.status();
    if (*found && notice.created - last.Int(0) < min_interval.count()) {
      Statement bump(*cache_,
                     "UPDATE admin_notices SET suppressed = suppressed + 1 "
                     "WHERE key = ?1");
      bump.Bind(1, notice.key);
      if (Status s = bump.Run(); !s.ok()) return s;
      return false;
    }
    Statement put(*cache_,
                  "INSERT OR REPLACE INTO admin_notices (key, kind, subject, "
                  "recipient, message, state, created, suppressed, attempts, "
                  "next_attempt, last_reply, sent_at) VALUES (?1, ?2, ?3, ?4, "
                  "?5, ?6, ?7, 0, 0, ?7, '', NULL)");
    put.Bind(1, notice.key)
        .Bind(2, notice.kind)
        .Bind(3, notice.subject)
        .Bind(4, notice.recipient)
        .BindBlob(5, notice.message)
        .Bind(6, notice.state)
        .Bind(7, notice.created);
    if (Status s = put.Run(); !s.ok()) return s;
    return true;
  });
}

Result<std::vector<AdminNotice>> Store::DueNotices(TimePoint now) {
  Statement stmt(*cache_,
                 std::string("SELECT ") + kNoticeColumns +
                     " FROM admin_notices WHERE state = ?1 AND next_attempt "
                     "<= ?2 ORDER BY created, key");
  stmt.Bind(1, kNoticePending).Bind(2, ToUnixSeconds(now));
  return ReadNotices(stmt);
}

Status Store::MarkNoticeSent(const std::string& key, const std::string& reply,
                             TimePoint now) {
  Statement stmt(*cache_,
                 "UPDATE admin_notices SET state = ?2, last_reply = ?3, "
                 "sent_at = ?4, attempts = attempts + 1 WHERE key = ?1");
  stmt.Bind(1, key)
      .Bind(2, kNoticeSent)
      .Bind(3, reply)
      .Bind(4, ToUnixSeconds(now));
  return InWriteTransaction(db_, path_, [&]() { return stmt.Run(); });
}

Status Store::MarkNoticeDeferred(const std::string& key,
                                 const std::string& reply,
                                 TimePoint next_attempt) {
  Statement stmt(*cache_,
                 "UPDATE admin_notices SET last_reply = ?2, next_attempt = ?3, "
                 "attempts = attempts + 1 WHERE key = ?1");
  stmt.Bind(1, key).Bind(2, reply).Bind(3, ToUnixSeconds(next_attempt));
  return InWriteTransaction(db_, path_, [&]() { return stmt.Run(); });
}

Result<bool> Store::ResolveNotice(const std::string& key) {
  return InWriteTransaction(db_, path_, [&]() -> Result<bool> {
    Statement pending(*cache_,
                      "SELECT state FROM admin_notices WHERE key = ?1");
    pending.Bind(1, key);
    Result<bool> found = pending.Step();
    if (!found.ok()) return found.status();
    bool unsent = *found && pending.Bytes(0) == kNoticePending;
    Statement drop(*cache_, "DELETE FROM admin_notices WHERE key = ?1");
    drop.Bind(1, key);
    if (Status s = drop.Run(); !s.ok()) return s;
    return unsent;
  });
}

Result<std::vector<AdminNotice>> Store::ListNotices() {
  Statement stmt(*cache_, std::string("SELECT ") + kNoticeColumns +
                              " FROM admin_notices ORDER BY created, key");
  return ReadNotices(stmt);
}

}  // namespace lexwatch::store
