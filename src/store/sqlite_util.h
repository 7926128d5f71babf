#ifndef LEXWATCH_STORE_SQLITE_UTIL_H_
#define LEXWATCH_STORE_SQLITE_UTIL_H_

// Small RAII helpers over the SQLite C API, internal to src/store/.

#include <sqlite3.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/result.h"
#include "core/status.h"

namespace lexwatch::store::internal {

// IoError("<path>", <the connection's last error message>).
Status DbError(sqlite3* db, std::string_view path);

// Runs SQL text without parameters (schema, pragmas, BEGIN/COMMIT).
Status Exec(sqlite3* db, std::string_view path, const char* sql);

// The prepared statements of one connection, by SQL text: preparing costs
// more than running most of lexwatch's statements, so each text is
// prepared once and reused. Owned by the Store; must be destroyed before
// the connection is closed. Not thread-safe, like the connection.
class StatementCache {
 public:
  StatementCache(sqlite3* db, std::string path)
      : db_(db), path_(std::move(path)) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  const std::string& path() const { return path_; }

  // The cached statement for `sql`, ready to bind, marked in use until
  // Release; null when `sql` is already in use (the caller prepares its
  // own) or fails to prepare (`*rc` says why).
  sqlite3_stmt* Acquire(std::string_view sql, int* rc);
  // Resets the statement and clears its bindings for the next Acquire.
  void Release(sqlite3_stmt* stmt);

  // For tests: statements held, and how many times one was prepared.
  std::size_t size() const { return entries_.size(); }
  long long prepares() const { return prepares_; }

 private:
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<sqlite3_stmt*, Entry*> by_stmt_;
  long long prepares_ = 0;
};

// One prepared statement, finalized on destruction, or borrowed from a
// StatementCache and handed back (reset) on destruction. Bind errors are
// kept and reported by the next Step() or Run(), so call sites can chain
// binds.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view path, std::string_view sql);
  Statement(StatementCache& cache, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Indexes start at 1, as in SQLite. Text and blobs are copied.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, long long value);
  Statement& Bind(int index, std::optional<long long> value);
  Statement& BindBlob(int index, std::string_view bytes);

  // True when a row is ready to read, false when the statement is done.
  Result<bool> Step();
  // Steps to completion, ignoring any rows.
  Status Run();
  // Makes the statement ready to bind and run again.
  void Reset();

  // Column readers for the current row; indexes start at 0. NULL reads as ""
  // or nullopt. Text and blobs come back byte for byte.
  std::string Bytes(int column) const;
  long long Int(int column) const;
  std::optional<long long> OptionalInt(int column) const;

 private:
  void Check(int rc);

  sqlite3* db_;
  std::string_view path_;
  sqlite3_stmt* stmt_ = nullptr;
  StatementCache* cache_ = nullptr;  // Set when stmt_ is borrowed from it.
  Status status_;
};

// BEGIN IMMEDIATE on Begin(), rolled back on destruction unless committed.
// Inside a transaction already open on the connection it is a savepoint
// instead: its writes are undone alone on failure, and become durable when
// the outer transaction commits.
class WriteTransaction {
 public:
  WriteTransaction(sqlite3* db, std::string_view path) : db_(db), path_(path) {}
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  Status Begin();
  Status Commit();

 private:
  sqlite3* db_;
  std::string_view path_;
  bool active_ = false;
  bool nested_ = false;
};

// Runs `fn` (returning Status or Result<T>) inside one write transaction and
// commits only when it succeeds; on any failure nothing is written.
template <typename Fn>
auto InWriteTransaction(sqlite3* db, std::string_view path, Fn&& fn)
    -> decltype(fn()) {
  WriteTransaction txn(db, path);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto result = fn();
  if (!result.ok()) return result;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return result;
}

}  // namespace lexwatch::store::internal

#endif  // LEXWATCH_STORE_SQLITE_UTIL_H_
