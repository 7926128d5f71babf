#include "store/sqlite_util.h"

namespace lexwatch::store::internal {
namespace {

// sqlite3_bind_text/blob store NULL for a null pointer, even with length 0;
// an empty string must stay an empty string.
const char* NonNull(std::string_view s) { return s.data() ? s.data() : ""; }

}  // namespace

Status DbError(sqlite3* db, std::string_view path) {
  return Status::IoError(path, db ? sqlite3_errmsg(db) : "out of memory");
}

Status Exec(sqlite3* db, std::string_view path, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) == SQLITE_OK) {
    return Status::Ok();
  }
  Status s = error ? Status::IoError(path, error) : DbError(db, path);
  sqlite3_free(error);
  return s;
}

StatementCache::~StatementCache() {
  for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
}

sqlite3_stmt* StatementCache::Acquire(std::string_view sql, int* rc) {
  *rc = SQLITE_OK;
  auto it = entries_.find(std::string(sql));
  if (it != entries_.end()) {
    if (it->second.in_use) return nullptr;
    it->second.in_use = true;
    return it->second.stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  ++prepares_;
  *rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt,
                           nullptr);
  // Empty SQL prepares to a null statement without error; not worth a slot.
  if (*rc != SQLITE_OK || stmt == nullptr) {
    sqlite3_finalize(stmt);
    return nullptr;
  }
  Entry& entry = entries_[std::string(sql)];
  entry.stmt = stmt;
  entry.in_use = true;
  by_stmt_[stmt] = &entry;
  return stmt;
}

void StatementCache::Release(sqlite3_stmt* stmt) {
  // Reset ends the statement's read of the database: a SELECT left
  // unfinished would pin this connection's snapshot of a WAL database.
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  auto it = by_stmt_.find(stmt);
  if (it != by_stmt_.end()) it->second->in_use = false;
}

Statement::Statement(sqlite3* db, std::string_view path, std::string_view sql)
    : db_(db), path_(path) {
  Check(sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()),
                           &stmt_, nullptr));
}

Statement::Statement(StatementCache& cache, std::string_view sql)
    : db_(cache.db()), path_(cache.path()) {
  int rc = SQLITE_OK;
  stmt_ = cache.Acquire(sql, &rc);
  if (stmt_ != nullptr) {
    cache_ = &cache;
  } else if (rc != SQLITE_OK) {
    Check(rc);
  } else {
    // In use further up the stack (or empty): a statement of its own.
    Check(sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()),
                             &stmt_, nullptr));
  }
}

Statement::~Statement() {
  if (cache_ != nullptr) {
    cache_->Release(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

void Statement::Check(int rc) {
  if (rc != SQLITE_OK && status_.ok()) status_ = DbError(db_, path_);
}

Statement& Statement::Bind(int index, std::string_view text) {
  if (stmt_) {
    Check(sqlite3_bind_text(stmt_, index, NonNull(text),
                            static_cast<int>(text.size()), SQLITE_TRANSIENT));
  }
  return *this;
}

Statement& Statement::Bind(int index, long long value) {
  if (stmt_) Check(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::optional<long long> value) {
  if (value) return Bind(index, *value);
  if (stmt_) Check(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  if (stmt_) {
    Check(sqlite3_bind_blob(stmt_, index, NonNull(bytes),
                            static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
  }
  return *this;
}

Result<bool> Statement::Step() {
  if (!status_.ok()) return status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  status_ = DbError(db_, path_);
  return status_;
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Bytes(int column) const {
  // Read the pointer before the size: the SQLite docs' required order.
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (!data) return std::string();
  return std::string(static_cast<const char*>(data), size);
}

long long Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<long long> Statement::OptionalInt(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return Int(column);
}

WriteTransaction::~WriteTransaction() {
  // A failed statement may already have rolled back (SQLITE_FULL, IOERR),
  // the outer transaction with it.
  if (!active_ || sqlite3_get_autocommit(db_)) return;
  if (nested_) {
    sqlite3_exec(db_, "ROLLBACK TO lexwatch_nested; RELEASE lexwatch_nested",
                 nullptr, nullptr, nullptr);
  } else {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status WriteTransaction::Begin() {
  nested_ = !sqlite3_get_autocommit(db_);
  Status s = Exec(db_, path_,
                  nested_ ? "SAVEPOINT lexwatch_nested" : "BEGIN IMMEDIATE");
  active_ = s.ok();
  return s;
}

Status WriteTransaction::Commit() {
  Status s = Exec(db_, path_, nested_ ? "RELEASE lexwatch_nested" : "COMMIT");
  if (s.ok()) active_ = false;
  return s;
}

}  // namespace lexwatch::store::internal
