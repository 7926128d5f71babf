// Store: items held back from alerting (flood holds, a new source's first
// items) and the look-ups the daemon's poll needs to classify items.

#include <sqlite3.h>

#include <functional>

#include "store/item_codec.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store {
namespace {

using internal::InWriteTransaction;
using internal::Statement;

// The keys among `keys` for which `stmt` yields a row, bound with the key
// at ?1 and by `bind_rest` on every step (Reset clears the bindings).
Result<std::set<std::string>> Filter(
    Statement& stmt, const std::vector<std::string>& keys,
    const std::function<void(Statement&)>& bind_rest) {
  std::set<std::string> found;
  for (const std::string& key : keys) {
    stmt.Reset();
    stmt.Bind(1, key);
    bind_rest(stmt);
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (*row) found.insert(key);
  }
  return found;
}

constexpr char kFloodHeldItems[] = R"sql(
SELECT i.key, i.celex, i.doc_type, i.title, i.summary, i.link, i.author,
       i.language, i.published, i.first_source, i.first_seen, i.eea_annex,
       i.eurovoc, i.eea_relevant, h.source,
       COALESCE((SELECT MIN(s.guid) FROM item_sightings s
                 WHERE s.item_key = h.item_key AND s.source = h.source), '')
FROM held_items h JOIN items i ON i.key = h.item_key
WHERE h.source = ?1 AND h.kind = 'flood'
ORDER BY h.held_at, i.first_seen, i.key
)sql";

}  // namespace

Result<std::set<std::string>> Store::HeldKeys(
    std::string_view kind, std::string_view source,
    const std::vector<std::string>& keys) {
  // Source names are never empty (config validation), so '' means any.
  Statement stmt(*cache_,
                 "SELECT 1 FROM held_items WHERE item_key = ?1 AND kind = ?2 "
                 "AND (?3 = '' OR source = ?3) LIMIT 1");
  return Filter(stmt, keys,
                [&](Statement& s) { s.Bind(2, kind).Bind(3, source); });
}

Result<std::set<std::string>> Store::KeysSeenBy(
    const std::string& source, const std::vector<std::string>& keys) {
  Statement stmt(*cache_,
                 "SELECT 1 FROM item_sightings WHERE item_key = ?1 AND "
                 "source = ?2 LIMIT 1");
  return Filter(stmt, keys, [&](Statement& s) { s.Bind(2, source); });
}

Result<std::vector<ArchivedItem>> Store::FloodHeldItems(
    const std::string& source) {
  Statement stmt(*cache_, kFloodHeldItems);
  stmt.Bind(1, source);
  std::vector<ArchivedItem> items;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return items;
    // The key of an item without CELEX names its source and guid: give
    // them back, so the released item has the key it was held under.
    ArchivedItem a = internal::ReadArchivedItem(stmt);
    a.item.source = stmt.Bytes(14);
    a.item.guid = stmt.Bytes(15);
    items.push_back(std::move(a));
  }
}

Result<bool> Store::Unhold(const std::string& item_key) {
  return InWriteTransaction(db_, path_, [&]() -> Result<bool> {
    Statement stmt(*cache_,
                   "DELETE FROM held_items WHERE item_key = ?1 AND kind = "
                   "'flood'");
    stmt.Bind(1, item_key);
    if (Status s = stmt.Run(); !s.ok()) return s;
    return sqlite3_changes(db_) > 0;
  });
}

Result<std::map<std::string, long long>> Store::FloodHeldCounts() {
  Statement stmt(*cache_,
                 "SELECT source, COUNT(*) FROM held_items WHERE kind = "
                 "'flood' GROUP BY source");
  std::map<std::string, long long> counts;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return counts;
    counts[stmt.Bytes(0)] = stmt.Int(1);
  }
}

}  // namespace lexwatch::store
