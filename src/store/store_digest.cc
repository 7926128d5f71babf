// Store: acts waiting for an agency's digest, and the digests made.

#include <sqlite3.h>

#include "store/digest_sql.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace internal {

Result<std::vector<NewAlert>> TakeFromDigests(
    internal::StatementCache& cache, const std::string& item_key,
    const std::vector<NewAlert>& alerts) {
  Statement digested(cache,
                     "SELECT 1 FROM digest_pending WHERE item_key = ?1 AND "
                     "agency_id = ?2 AND digest_id IS NOT NULL");
  Statement take(cache,
                 "DELETE FROM digest_pending WHERE item_key = ?1 AND "
                 "agency_id = ?2 AND digest_id IS NULL");
  std::vector<NewAlert> kept;
  for (const NewAlert& alert : alerts) {
    digested.Reset();
    digested.Bind(1, item_key).Bind(2, alert.agency_id);
    Result<bool> in_digest = digested.Step();
    if (!in_digest.ok()) return in_digest.status();
    if (*in_digest) continue;
    take.Reset();
    take.Bind(1, item_key).Bind(2, alert.agency_id);
    if (Status s = take.Run(); !s.ok()) return s;
    kept.push_back(alert);
  }
  return kept;
}

// Refreshing a waiting entry keeps its `created`, so late metadata (a
// CELLAR re-match) never postpones the digest.
constexpr char kUpsertPending[] = R"sql(
INSERT INTO digest_pending (item_key, agency_id, entry, summary, created)
SELECT ?1, ?2, ?3, ?4, ?5
WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE item_key = ?1 AND agency_id = ?2)
ON CONFLICT (item_key, agency_id) DO UPDATE SET
  entry = excluded.entry, summary = excluded.summary
  WHERE digest_id IS NULL
)sql";

Result<int> InsertPending(internal::StatementCache& cache,
                          const std::string& item_key,
                          const std::vector<PendingEntry>& pending,
                          long long now) {
  Statement stmt(cache, kUpsertPending);
  int written = 0;
  for (const PendingEntry& p : pending) {
    stmt.Reset();
    stmt.Bind(1, item_key)
        .Bind(2, p.agency_id)
        .Bind(3, p.entry)
        .Bind(4, p.summary)
        .Bind(5, now);
    if (Status s = stmt.Run(); !s.ok()) return s;
    written += sqlite3_changes(cache.db());
  }
  return written;
}

}  // namespace internal

namespace {

using internal::InWriteTransaction;
using internal::Statement;

Result<std::vector<PendingEntry>> WaitingEntries(
    internal::StatementCache& cache, const std::string& agency_id) {
  Statement stmt(cache,
                 "SELECT item_key, agency_id, entry, summary, created FROM "
                 "digest_pending WHERE agency_id = ?1 AND digest_id IS NULL "
                 "ORDER BY created, item_key");
  stmt.Bind(1, agency_id);
  std::vector<PendingEntry> entries;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return entries;
    entries.push_back(PendingEntry{stmt.Bytes(0), stmt.Bytes(1), stmt.Bytes(2),
                                   stmt.Bytes(3), stmt.Int(4)});
  }
}

Result<bool> DigestExists(internal::StatementCache& cache,
                          const std::string& agency_id, long long slot) {
  Statement stmt(cache,
                 "SELECT 1 FROM digests WHERE agency_id = ?1 AND slot = ?2");
  stmt.Bind(1, agency_id).Bind(2, slot);
  return stmt.Step();
}

// Every recipient must get a row: a clash with an existing (item, agency,
// recipient) row would silently drop the digest for that recipient.
Status QueueDigest(internal::StatementCache& cache,
                   const std::string& agency_id, const std::string& item_key,
                   const NewDigest& digest, long long now) {
  Statement stmt(
      cache,
      "INSERT INTO outbox (item_key, agency_id, recipient, "
      "message_id, message, reasons, state, attempts, created, "
      "next_attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?8)");
  for (const std::string& recipient : digest.recipients) {
    stmt.Reset();
    stmt.Bind(1, item_key)
        .Bind(2, agency_id)
        .Bind(3, recipient)
        .Bind(4, digest.message_id)
        .BindBlob(5, digest.message)
        .Bind(6, digest.reasons)
        .Bind(7, kQueued)
        .Bind(8, now);
    if (Status s = stmt.Run(); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<std::map<std::string, bool>> Store::DigestStates(
    const std::string& item_key) {
  Statement stmt(*cache_,
                 "SELECT agency_id, digest_id IS NOT NULL FROM digest_pending "
                 "WHERE item_key = ?1");
  stmt.Bind(1, item_key);
  std::map<std::string, bool> states;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return states;
    states[stmt.Bytes(0)] = stmt.Int(1) != 0;
  }
}

Result<std::vector<DigestQueue>> Store::DigestQueues() {
  Statement stmt(*cache_,
                 "SELECT p.agency_id, COUNT(*), MIN(p.created), (SELECT "
                 "MAX(slot) FROM digests d WHERE d.agency_id = p.agency_id) "
                 "FROM digest_pending p WHERE p.digest_id IS NULL GROUP BY "
                 "p.agency_id ORDER BY p.agency_id");
  std::vector<DigestQueue> queues;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return queues;
    queues.push_back(DigestQueue{stmt.Bytes(0), stmt.Int(1), stmt.Int(2),
                                 stmt.OptionalInt(3)});
  }
}

Result<int> Store::SaveDigest(
    const std::string& agency_id, TimePoint slot,
    const std::function<Result<NewDigest>(const std::vector<PendingEntry>&)>&
        render,
    TimePoint now) {
  const long long slot_s = ToUnixSeconds(slot);
  const long long now_s = ToUnixSeconds(now);
  return InWriteTransaction(db_, path_, [&]() -> Result<int> {
    Result<bool> exists = DigestExists(*cache_, agency_id, slot_s);
    if (!exists.ok()) return exists.status();
    if (*exists) return 0;
    Result<std::vector<PendingEntry>> entries =
        WaitingEntries(*cache_, agency_id);
    if (!entries.ok()) return entries.status();
    if (entries->empty()) return 0;
    Result<NewDigest> digest = render(*entries);
    if (!digest.ok()) return digest.status();
    Statement record(*cache_,
                     "INSERT INTO digests (agency_id, slot, message_id, "
                     "entries, created) VALUES (?1, ?2, ?3, ?4, ?5)");
    record.Bind(1, agency_id)
        .Bind(2, slot_s)
        .Bind(3, digest->message_id)
        .Bind(4, static_cast<long long>(entries->size()))
        .Bind(5, now_s);
    if (Status s = record.Run(); !s.ok()) return s;
    long long digest_id = sqlite3_last_insert_rowid(db_);
    if (Status s = QueueDigest(*cache_, agency_id, entries->front().item_key,
                               *digest, now_s);
        !s.ok()) {
      return s;
    }
    Statement mark(*cache_,
                   "UPDATE digest_pending SET digest_id = ?1 WHERE item_key = "
                   "?2 AND agency_id = ?3");
    for (const PendingEntry& e : *entries) {
      mark.Reset();
      mark.Bind(1, digest_id).Bind(2, e.item_key).Bind(3, agency_id);
      if (Status s = mark.Run(); !s.ok()) return s;
    }
    return static_cast<int>(entries->size());
  });
}

}  // namespace lexwatch::store
