#include "store/store.h"

#include <sqlite3.h>

#include <system_error>
#include <utility>

#include "store/digest_sql.h"
#include "store/item_codec.h"
#include "store/schema.h"
#include "store/sqlite_util.h"

namespace lexwatch::store {
namespace {

using internal::DbError;
using internal::InWriteTransaction;
using internal::Statement;

constexpr int kBusyTimeoutMs = 5000;

Status CreateParent(const std::filesystem::path& path,
                    const std::string& name) {
  std::filesystem::path parent = path.parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IoError(name, ec.message());
  return Status::Ok();
}

Status EnableWal(sqlite3* db, const std::string& name) {
  Statement wal(db, name, "PRAGMA journal_mode = WAL");
  Result<bool> row = wal.Step();
  if (!row.ok()) return row.status();
  std::string mode = *row ? wal.Bytes(0) : "";
  if (mode != "wal") {
    return Status::IoError(name,
                           "cannot use WAL journal mode (got '" + mode + "')");
  }
  return Status::Ok();
}

// WAL lets the daemon's threads read while one writes; FULL makes a commit
// durable before the mail it queued can be sent. The page cache is capped at
// 1 MiB per connection (SQLite's default is 2 MiB): the daemon's queries are
// indexed lookups, the kernel caches the file anyway, and the daemon keeps
// two connections open for months.
Status Configure(sqlite3* db, const std::string& name) {
  if (sqlite3_busy_timeout(db, kBusyTimeoutMs) != SQLITE_OK) {
    return DbError(db, name);
  }
  if (Status s = EnableWal(db, name); !s.ok()) return s;
  Status s = internal::Exec(db, name,
                            "PRAGMA synchronous = FULL;"
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA cache_size = -1024;");
  if (!s.ok()) return s;
  return internal::Migrate(db, name, internal::Migrations());
}

// A read-only connection cannot migrate, so it reads only the schema this
// build writes.
Status CheckSchemaVersion(sqlite3* db, const std::string& name) {
  Statement stmt(db, name, "PRAGMA user_version");
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  const long long version = *row ? stmt.Int(0) : 0;
  const long long latest =
      static_cast<long long>(internal::Migrations().size());
  if (version == latest) return Status::Ok();
  if (version == 0) {
    return Status::IoError(name, "not a lexwatch database (no schema)");
  }
  return Status::IoError(
      name, "database schema version " + std::to_string(version) +
                (version < latest ? " is older than this lexwatch reads (" +
                                        std::to_string(latest) +
                                        "); start the daemon once to upgrade it"
                                  : " is newer than this lexwatch supports (" +
                                        std::to_string(latest) + ")"));
}

// Non-empty new text refreshes the archive; fields a feed may omit are filled
// in when a later sighting has them. first_source and first_seen stay.
constexpr char kUpsertItem[] = R"sql(
INSERT INTO items (key, celex, doc_type, title, summary, link, author,
                   language, published, first_source, first_seen, last_seen,
                   eea_annex, eurovoc, eea_relevant)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14)
ON CONFLICT (key) DO UPDATE SET
  eea_annex = CASE WHEN excluded.eea_annex <> '' THEN excluded.eea_annex
                   ELSE eea_annex END,
  eurovoc = CASE WHEN excluded.eurovoc <> '' THEN excluded.eurovoc
                 ELSE eurovoc END,
  eea_relevant = COALESCE(excluded.eea_relevant, eea_relevant),
  title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE title END,
  summary = CASE WHEN excluded.summary <> '' THEN excluded.summary
                 ELSE summary END,
  link = CASE WHEN excluded.link <> '' THEN excluded.link ELSE link END,
  author = CASE WHEN author = '' THEN excluded.author ELSE author END,
  language = CASE WHEN language = '' THEN excluded.language ELSE language END,
  published = COALESCE(published, excluded.published),
  last_seen = MAX(last_seen, excluded.last_seen)
)sql";

Status UpsertItem(internal::StatementCache& cache, const std::string& key,
                  const Item& item, long long now) {
  Statement stmt(cache, kUpsertItem);
  stmt.Bind(1, key)
      .Bind(2, item.celex)
      .Bind(3, item.doc_type)
      .Bind(4, item.title)
      .Bind(5, item.summary)
      .Bind(6, item.link)
      .Bind(7, item.author)
      .Bind(8, item.language)
      .Bind(9, item.published)
      .Bind(10, item.source)
      .Bind(11, now)
      .Bind(12, item.eea_annex)
      .Bind(13, internal::JoinLines(item.eurovoc))
      .Bind(14, item.eea_relevant ? std::optional<long long>(*item.eea_relevant)
                                  : std::nullopt);
  return stmt.Run();
}

Status InsertSighting(internal::StatementCache& cache, const std::string& key,
                      const Item& item, long long now) {
  Statement stmt(cache,
                 "INSERT INTO item_sightings (item_key, source, guid, "
                 "first_seen) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
  stmt.Bind(1, key).Bind(2, item.source).Bind(3, item.guid).Bind(4, now);
  return stmt.Run();
}

// ON CONFLICT names the unique key so that only an existing (item, agency,
// recipient) row is skipped; INSERT OR IGNORE would also swallow CHECK and
// NOT NULL violations.
constexpr char kInsertOutbox[] = R"sql(
INSERT INTO outbox (item_key, agency_id, recipient, message_id, message,
                    reasons, state, attempts, created, next_attempt)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?8)
ON CONFLICT (item_key, agency_id, recipient) DO NOTHING
)sql";

Result<int> InsertAlerts(internal::StatementCache& cache,
                         const std::string& key,
                         const std::vector<NewAlert>& alerts, long long now) {
  Statement stmt(cache, kInsertOutbox);
  int inserted = 0;
  for (const NewAlert& alert : alerts) {
    for (const std::string& recipient : alert.recipients) {
      stmt.Reset();
      stmt.Bind(1, key)
          .Bind(2, alert.agency_id)
          .Bind(3, recipient)
          .Bind(4, alert.message_id)
          .BindBlob(5, alert.message)
          .Bind(6, alert.reasons)
          .Bind(7, kQueued)
          .Bind(8, now);
      if (Status s = stmt.Run(); !s.ok()) return s;
      inserted += sqlite3_changes(cache.db());
    }
  }
  return inserted;
}

Result<long long> QueryCount(internal::StatementCache& cache, const char* sql) {
  Statement stmt(cache, sql);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  return *row ? stmt.Int(0) : 0;
}

// The name SQLite resolved for the main database; "" for a temporary one.
std::string FileName(sqlite3* db) {
  const char* name = db ? sqlite3_db_filename(db, "main") : nullptr;
  return name ? name : "";
}

bool IsPragmaName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Store::Store(sqlite3* db) : Store(db, FileName(db)) {}

Store::Store(sqlite3* db, std::string path)
    : db_(db),
      path_(std::move(path)),
      cache_(std::make_unique<internal::StatementCache>(db_, path_)) {}

Store::~Store() {
  cache_.reset();  // Statements are finalized before their connection.
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& path) {
  const std::string name = path.string();
  if (Status s = CreateParent(path, name); !s.ok()) return s;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      name.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  // Owns the handle from here, so every failure below closes it.
  std::unique_ptr<Store> store(new Store(db, name));
  if (rc != SQLITE_OK) return DbError(db, name);
  if (Status s = Configure(db, name); !s.ok()) return s;
  return store;
}

Result<std::unique_ptr<Store>> Store::OpenReadOnly(
    const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(name, "no database");
  }
  sqlite3* db = nullptr;
  // No SQLITE_OPEN_CREATE: a file removed since the check is an error, not
  // a new empty database.
  int rc = sqlite3_open_v2(name.c_str(), &db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Store> store(new Store(db, name));
  if (rc != SQLITE_OK) return DbError(db, name);
  if (sqlite3_busy_timeout(db, kBusyTimeoutMs) != SQLITE_OK) {
    return DbError(db, name);
  }
  if (Status s = CheckSchemaVersion(db, name); !s.ok()) return s;
  return store;
}

Status Store::InTransaction(const std::function<Status()>& fn) {
  return InWriteTransaction(db_, path_, fn);
}

Result<std::set<std::string>> Store::AlertedAgencies(
    const std::string& item_key) {
  Statement stmt(*cache_,
                 "SELECT DISTINCT agency_id FROM outbox WHERE item_key = ?1");
  stmt.Bind(1, item_key);
  std::set<std::string> agencies;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return agencies;
    agencies.insert(stmt.Bytes(0));
  }
}

Result<int> Store::SaveItem(const Item& item,
                            const std::vector<NewAlert>& alerts,
                            TimePoint now) {
  Result<SaveCounts> saved = SaveItem(item, alerts, {}, now);
  if (!saved.ok()) return saved.status();
  return saved->queued;
}

Result<SaveCounts> Store::SaveItem(const Item& item,
                                   const std::vector<NewAlert>& alerts,
                                   const std::vector<PendingEntry>& pending,
                                   TimePoint now) {
  const std::string key = item.Key();
  const long long t = ToUnixSeconds(now);
  return InWriteTransaction(db_, path_, [&]() -> Result<SaveCounts> {
    if (Status s = UpsertItem(*cache_, key, item, t); !s.ok()) return s;
    if (Status s = InsertSighting(*cache_, key, item, t); !s.ok()) return s;
    Result<std::vector<NewAlert>> kept =
        internal::TakeFromDigests(*cache_, key, alerts);
    if (!kept.ok()) return kept.status();
    Result<int> queued = InsertAlerts(*cache_, key, *kept, t);
    if (!queued.ok()) return queued.status();
    Result<int> waiting = internal::InsertPending(*cache_, key, pending, t);
    if (!waiting.ok()) return waiting.status();
    return SaveCounts{*queued, *waiting};
  });
}

Status Store::HoldItem(const Item& item, std::string_view kind, TimePoint now) {
  const std::string key = item.Key();
  const long long t = ToUnixSeconds(now);
  return InWriteTransaction(db_, path_, [&]() -> Status {
    if (Status s = UpsertItem(*cache_, key, item, t); !s.ok()) return s;
    if (Status s = InsertSighting(*cache_, key, item, t); !s.ok()) return s;
    Statement hold(*cache_,
                   "INSERT INTO held_items (item_key, source, kind, held_at) "
                   "VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT (item_key, source) DO NOTHING");
    hold.Bind(1, key).Bind(2, item.source).Bind(3, kind).Bind(4, t);
    return hold.Run();
  });
}

Result<bool> Store::HasItem(const std::string& item_key) {
  Statement stmt(*cache_, "SELECT 1 FROM items WHERE key = ?1");
  stmt.Bind(1, item_key);
  return stmt.Step();
}

Result<long long> Store::ItemCount() {
  return QueryCount(*cache_, "SELECT COUNT(*) FROM items");
}

Result<std::string> Store::ReadPragma(const std::string& name) {
  // PRAGMA names cannot be bound, so only a bare name gets into the SQL.
  if (!IsPragmaName(name)) {
    return Status::InvalidArgument("pragma '" + name + "'", "not a name");
  }
  Statement stmt(db_, path_, "PRAGMA " + name);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  return *row ? stmt.Bytes(0) : std::string();
}

}  // namespace lexwatch::store
