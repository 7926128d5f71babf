// Store: reading the item archive back (backtests) and daemon state values.

#include <sqlite3.h>

#include <limits>

#include "store/item_codec.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

using internal::InWriteTransaction;
using internal::Statement;

constexpr char kListItems[] = R"sql(
SELECT key, celex, doc_type, title, summary, link, author, language,
       published, first_source, first_seen, eea_annex, eurovoc, eea_relevant
FROM items WHERE first_seen >= ?1 ORDER BY first_seen, key
)sql";

}  // namespace

namespace internal {

// Reads the columns of kListItems, in that order.
ArchivedItem ReadArchivedItem(const Statement& stmt) {
  ArchivedItem a;
  a.key = stmt.Bytes(0);
  a.item.celex = stmt.Bytes(1);
  a.item.doc_type = stmt.Bytes(2);
  a.item.title = stmt.Bytes(3);
  a.item.summary = stmt.Bytes(4);
  a.item.link = stmt.Bytes(5);
  a.item.author = stmt.Bytes(6);
  a.item.language = stmt.Bytes(7);
  a.item.published = stmt.OptionalInt(8);
  a.item.source = stmt.Bytes(9);
  a.first_seen = stmt.Int(10);
  a.item.eea_annex = stmt.Bytes(11);
  a.item.eurovoc = internal::SplitLines(stmt.Bytes(12));
  if (std::optional<long long> eea = stmt.OptionalInt(13)) {
    a.item.eea_relevant = *eea != 0;
  }
  return a;
}

}  // namespace internal

Result<std::vector<ArchivedItem>> Store::ListItems(
    std::optional<TimePoint> since) {
  Statement stmt(*cache_, kListItems);
  stmt.Bind(
      1, since ? ToUnixSeconds(*since) : std::numeric_limits<long long>::min());
  std::vector<ArchivedItem> items;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return items;
    items.push_back(internal::ReadArchivedItem(stmt));
  }
}

Status Store::PutState(const std::string& key, const std::string& value,
                       TimePoint now) {
  Result<int> done = InWriteTransaction(db_, path_, [&]() -> Result<int> {
    Statement stmt(*cache_,
                   "INSERT INTO daemon_state (key, value, updated) "
                   "VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET "
                   "value = excluded.value, updated = excluded.updated");
    stmt.Bind(1, key).Bind(2, value).Bind(3, ToUnixSeconds(now));
    if (Status s = stmt.Run(); !s.ok()) return s;
    return 1;
  });
  return done.status();
}

Result<std::map<std::string, std::string>> Store::GetStates() {
  Statement stmt(*cache_, "SELECT key, value FROM daemon_state");
  std::map<std::string, std::string> values;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return values;
    values[stmt.Bytes(0)] = stmt.Bytes(1);
  }
}

}  // namespace lexwatch::store
