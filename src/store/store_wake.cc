// Store: when the outbox next needs the dispatcher, so the daemon sleeps
// until then instead of polling the table.

#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {

constexpr char kWakeTimes[] = R"sql(
SELECT
  (SELECT MIN(next_attempt) FROM outbox WHERE state IN (?1, ?2)),
  (SELECT MIN(COALESCE(requeued_at, created)) FROM outbox
     WHERE state IN (?1, ?2)),
  (SELECT MIN(COALESCE(requeued_at, created)) FROM outbox
     WHERE state IN (?1, ?2, ?3) AND warned_at IS NULL),
  (SELECT MIN(next_attempt) FROM admin_notices WHERE state = ?4),
  EXISTS (SELECT 1 FROM outbox WHERE state = ?3)
)sql";

Result<OutboxWake> Store::OutboxWakeTimes() {
  internal::Statement stmt(*cache_, kWakeTimes);
  stmt.Bind(1, kQueued)
      .Bind(2, kDeferred)
      .Bind(3, kHeld)
      .Bind(4, kNoticePending);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  OutboxWake wake;
  if (!*row) return wake;
  wake.next_attempt = stmt.OptionalInt(0);
  wake.oldest_undelivered = stmt.OptionalInt(1);
  wake.oldest_unwarned = stmt.OptionalInt(2);
  wake.next_notice = stmt.OptionalInt(3);
  wake.held = stmt.Int(4) != 0;
  return wake;
}

}  // namespace lexwatch::store
