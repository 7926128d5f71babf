// Store: per-source poll state.

#include <sqlite3.h>

#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

using internal::InWriteTransaction;
using internal::Statement;

constexpr char kSourceColumns[] =
    "name, etag, last_modified, last_poll, last_success, next_poll, "
    "last_error, consecutive_failures, items_seen, last_new_item, "
    "failing_since";

SourceState ReadSource(const Statement& stmt) {
  SourceState state;
  state.name = stmt.Bytes(0);
  state.etag = stmt.Bytes(1);
  state.last_modified = stmt.Bytes(2);
  state.last_poll = stmt.OptionalInt(3);
  state.last_success = stmt.OptionalInt(4);
  state.next_poll = stmt.OptionalInt(5);
  state.last_error = stmt.Bytes(6);
  state.consecutive_failures = static_cast<int>(stmt.Int(7));
  state.items_seen = stmt.Int(8);
  state.last_new_item = stmt.OptionalInt(9);
  state.failing_since = stmt.OptionalInt(10);
  return state;
}

constexpr char kPutSource[] = R"sql(
INSERT INTO sources (name, etag, last_modified, last_poll, last_success,
                     next_poll, last_error, consecutive_failures, items_seen,
                     last_new_item, failing_since)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (name) DO UPDATE SET
  etag = excluded.etag,
  last_modified = excluded.last_modified,
  last_poll = excluded.last_poll,
  last_success = excluded.last_success,
  next_poll = excluded.next_poll,
  last_error = excluded.last_error,
  consecutive_failures = excluded.consecutive_failures,
  items_seen = excluded.items_seen,
  last_new_item = excluded.last_new_item,
  failing_since = excluded.failing_since
)sql";

}  // namespace

Result<SourceState> Store::GetSource(const std::string& name) {
  Statement stmt(*cache_, std::string("SELECT ") + kSourceColumns +
                              " FROM sources WHERE name = ?1");
  stmt.Bind(1, name);
  Result<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    SourceState fresh;
    fresh.name = name;
    return fresh;
  }
  return ReadSource(stmt);
}

Status Store::PutSource(const SourceState& state) {
  Statement stmt(*cache_, kPutSource);
  stmt.Bind(1, state.name)
      .Bind(2, state.etag)
      .Bind(3, state.last_modified)
      .Bind(4, state.last_poll)
      .Bind(5, state.last_success)
      .Bind(6, state.next_poll)
      .Bind(7, state.last_error)
      .Bind(8, static_cast<long long>(state.consecutive_failures))
      .Bind(9, state.items_seen)
      .Bind(10, state.last_new_item)
      .Bind(11, state.failing_since);
  return InWriteTransaction(db_, path_, [&] { return stmt.Run(); });
}

Result<std::vector<SourceState>> Store::ListSources() {
  Statement stmt(*cache_, std::string("SELECT ") + kSourceColumns +
                              " FROM sources ORDER BY name");
  std::vector<SourceState> sources;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return sources;
    sources.push_back(ReadSource(stmt));
  }
}

}  // namespace lexwatch::store
