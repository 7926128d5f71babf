#ifndef LEXWATCH_STORE_DIGEST_SQL_H_
#define LEXWATCH_STORE_DIGEST_SQL_H_

// Digest bookkeeping that SaveItem runs inside its transaction; internal
// to src/store/.

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace lexwatch::store::internal {

// The alerts that may still be queued for `item_key`: drops those whose
// agency already has the item in a digest, and takes the item out of the
// waiting digest of the others. Call inside a write transaction.
Result<std::vector<NewAlert>> TakeFromDigests(
    StatementCache& cache, const std::string& item_key,
    const std::vector<NewAlert>& alerts);

// Adds or refreshes (while waiting) each entry for `item_key`, skipping
// agencies with an outbox row for it. Returns how many were written. Call
// inside a write transaction.
Result<int> InsertPending(StatementCache& cache, const std::string& item_key,
                          const std::vector<PendingEntry>& pending,
                          long long now);

}  // namespace lexwatch::store::internal

#endif  // LEXWATCH_STORE_DIGEST_SQL_H_
