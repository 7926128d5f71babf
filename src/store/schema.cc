#include "store/schema.h"

#include <string>

#include "store/sqlite_util.h"

namespace lexwatch::store::internal {
namespace {

// v1: the item archive (every parsed item, matched or not, so rule changes
// can be replayed), the (source, guid) pairs that carried each item, source
// poll state and the outbox. Sightings are keyed by item too, so items
// without a guid, or a guid reused for another act, never collide.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE items (
  key TEXT PRIMARY KEY,
  celex TEXT NOT NULL DEFAULT '',
  doc_type TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  published INTEGER,
  first_source TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE TABLE item_sightings (
  item_key TEXT NOT NULL REFERENCES items(key),
  source TEXT NOT NULL,
  guid TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  PRIMARY KEY (item_key, source, guid)
);
CREATE INDEX item_sightings_by_guid ON item_sightings(source, guid);
CREATE TABLE sources (
  name TEXT PRIMARY KEY,
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  last_poll INTEGER,
  last_success INTEGER,
  next_poll INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  items_seen INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  item_key TEXT NOT NULL REFERENCES items(key),
  agency_id TEXT NOT NULL CHECK (agency_id <> ''),
  recipient TEXT NOT NULL CHECK (recipient <> ''),
  message_id TEXT NOT NULL CHECK (message_id <> ''),
  message BLOB NOT NULL,
  reasons TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL
    CHECK (state IN ('queued', 'sending', 'sent', 'deferred', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  last_attempt INTEGER,
  last_reply TEXT NOT NULL DEFAULT '',
  sent_at INTEGER,
  UNIQUE (item_key, agency_id, recipient)
);
CREATE INDEX outbox_due ON outbox(state, next_attempt);
)sql";

// v2: the item fields rules can scope on (EEA annex, EuroVoc descriptors,
// the EEA-relevance flag), so a backtest replays what the live matcher saw;
// and a small key/value table for daemon state that `status` shows (rules
// loaded, last reload error).
constexpr char kSchemaV2[] = R"sql(
ALTER TABLE items ADD COLUMN eea_annex TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN eurovoc TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN eea_relevant INTEGER;
CREATE INDEX items_by_first_seen ON items(first_seen);
CREATE TABLE daemon_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated INTEGER NOT NULL
);
)sql";

// v3: delivery reliability. The outbox is rebuilt (SQLite cannot change a
// CHECK in place) to allow `held` (an authentication failure: a
// configuration fault, kept until released), `expired` (undelivered after
// the queue lifetime) and `cancelled` (by an administrator), and gains the
// last SMTP reply code and when the admin was warned about the row's age.
// sent_log keeps one line per successful delivery for the retention period;
// admin_notices holds the rate-limited notices to the administrator.
constexpr char kSchemaV3[] = R"sql(
CREATE TABLE outbox_v3 (
  id INTEGER PRIMARY KEY,
  item_key TEXT NOT NULL REFERENCES items(key),
  agency_id TEXT NOT NULL CHECK (agency_id <> ''),
  recipient TEXT NOT NULL CHECK (recipient <> ''),
  message_id TEXT NOT NULL CHECK (message_id <> ''),
  message BLOB NOT NULL,
  reasons TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL
    CHECK (state IN ('queued', 'sending', 'sent', 'deferred', 'failed',
                     'held', 'expired', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  last_attempt INTEGER,
  last_reply TEXT NOT NULL DEFAULT '',
  sent_at INTEGER,
  last_code INTEGER NOT NULL DEFAULT 0,
  warned_at INTEGER,
  UNIQUE (item_key, agency_id, recipient)
);
INSERT INTO outbox_v3 (id, item_key, agency_id, recipient, message_id,
  message, reasons, state, attempts, created, next_attempt, last_attempt,
  last_reply, sent_at)
  SELECT id, item_key, agency_id, recipient, message_id, message, reasons,
    state, attempts, created, next_attempt, last_attempt, last_reply, sent_at
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v3 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(state, next_attempt);
CREATE INDEX outbox_by_created ON outbox(created);
CREATE TABLE sent_log (
  id INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL,
  item_key TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  reasons TEXT NOT NULL DEFAULT '',
  message_id TEXT NOT NULL,
  reply TEXT NOT NULL DEFAULT '',
  sent_at INTEGER NOT NULL
);
CREATE INDEX sent_log_by_time ON sent_log(sent_at);
INSERT INTO sent_log (outbox_id, item_key, agency_id, recipient, reasons,
  message_id, reply, sent_at)
  SELECT id, item_key, agency_id, recipient, reasons, message_id, last_reply,
    COALESCE(sent_at, created)
  FROM outbox WHERE state = 'sent' ORDER BY sent_at, id;
CREATE TABLE admin_notices (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  recipient TEXT NOT NULL DEFAULT '',
  message BLOB NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'logged')),
  created INTEGER NOT NULL,
  suppressed INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_reply TEXT NOT NULL DEFAULT '',
  sent_at INTEGER
);
)sql";

// Source health: items held back from alerting, and what a source's state
// needs to tell "failing" from "silent" across restarts. held_items:
// `flood` rows wait for `lexwatch release`; `recorded` rows are a new
// source's first items, never alerted for that source (keyed per source
// since kSchemaHeldPerSource). Written so it
// depends on no other migration after v3 (engineers append concurrently).
constexpr char kSchemaSourceHealth[] = R"sql(
CREATE TABLE IF NOT EXISTS held_items (
  item_key TEXT PRIMARY KEY REFERENCES items(key),
  source TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('flood', 'recorded')),
  held_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS held_items_by_source ON held_items(source, kind);
ALTER TABLE sources ADD COLUMN last_new_item INTEGER;
ALTER TABLE sources ADD COLUMN failing_since INTEGER;
)sql";

// Digests: acts waiting for an agency's daily or weekly digest, and the
// digests made. A pending row belongs to at most one digest (digest_id);
// one digest per (agency, slot), so a slot replayed after a crash makes no
// second one. `entry` is the daemon's encoding of the item and the reasons
// as matched, so a rules reload before the slot changes nothing already
// promised. Depends on no other migration after v3.
constexpr char kSchemaDigests[] = R"sql(
CREATE TABLE IF NOT EXISTS digests (
  id INTEGER PRIMARY KEY,
  agency_id TEXT NOT NULL CHECK (agency_id <> ''),
  slot INTEGER NOT NULL,
  message_id TEXT NOT NULL CHECK (message_id <> ''),
  entries INTEGER NOT NULL,
  created INTEGER NOT NULL,
  UNIQUE (agency_id, slot)
);
CREATE TABLE IF NOT EXISTS digest_pending (
  item_key TEXT NOT NULL REFERENCES items(key),
  agency_id TEXT NOT NULL CHECK (agency_id <> ''),
  entry TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  digest_id INTEGER REFERENCES digests(id),
  PRIMARY KEY (item_key, agency_id)
);
CREATE INDEX IF NOT EXISTS digest_pending_waiting
  ON digest_pending(agency_id, digest_id, created);
)sql";

// held_items keyed by (item, source) instead of by item: a `recorded` hold
// silences an act only for the source whose first poll recorded it, so two
// sources may each hold the same act (two new sources sharing a backlog, or
// one source's backlog that another floods). SQLite cannot change a primary
// key in place: the table is copied. Depends on kSchemaSourceHealth only.
constexpr char kSchemaHeldPerSource[] = R"sql(
CREATE TABLE held_items_by_source_key (
  item_key TEXT NOT NULL REFERENCES items(key),
  source TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('flood', 'recorded')),
  held_at INTEGER NOT NULL,
  PRIMARY KEY (item_key, source)
);
INSERT INTO held_items_by_source_key (item_key, source, kind, held_at)
  SELECT item_key, source, kind, held_at FROM held_items;
DROP TABLE held_items;
ALTER TABLE held_items_by_source_key RENAME TO held_items;
CREATE INDEX held_items_by_source ON held_items(source, kind);
)sql";

// When a row last went back into the queue (an administrator's retry, or
// held mail released after the login works again): its queue lifetime and
// age warning count from then, not from `created`, so a retried message is
// not expired again before it is tried. NULL: never re-queued.
constexpr char kSchemaOutboxRequeued[] = R"sql(
ALTER TABLE outbox ADD COLUMN requeued_at INTEGER;
)sql";

constexpr const char* kMigrations[] = {kSchemaV1,
                                       kSchemaV2,
                                       kSchemaV3,
                                       kSchemaSourceHealth,
                                       kSchemaDigests,
                                       kSchemaHeldPerSource,
                                       kSchemaOutboxRequeued};

Result<long long> UserVersion(sqlite3* db, std::string_view path) {
  Statement stmt(db, path, "PRAGMA user_version");
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  return *row ? stmt.Int(0) : 0;
}

// Applies migration `index` unless another process did so first.
Status ApplyOne(sqlite3* db, std::string_view path,
                std::span<const char* const> migrations, size_t index) {
  return InWriteTransaction(db, path, [&]() -> Status {
    Result<long long> version = UserVersion(db, path);
    if (!version.ok()) return version.status();
    if (*version > static_cast<long long>(index)) return Status::Ok();
    if (Status s = Exec(db, path, migrations[index]); !s.ok()) return s;
    // PRAGMA takes no bound parameters; the value is our own integer.
    std::string bump = "PRAGMA user_version = " + std::to_string(index + 1);
    return Exec(db, path, bump.c_str());
  });
}

}  // namespace

std::span<const char* const> Migrations() { return kMigrations; }

Status Migrate(sqlite3* db, std::string_view path,
               std::span<const char* const> migrations) {
  Result<long long> version = UserVersion(db, path);
  if (!version.ok()) return version.status();
  long long latest = static_cast<long long>(migrations.size());
  if (*version > latest) {
    return Status::IoError(path, "database schema version " +
                                     std::to_string(*version) +
                                     " is newer than this lexwatch supports (" +
                                     std::to_string(latest) + ")");
  }
  for (size_t i = static_cast<size_t>(*version); i < migrations.size(); ++i) {
    if (Status s = ApplyOne(db, path, migrations, i); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace lexwatch::store::internal
