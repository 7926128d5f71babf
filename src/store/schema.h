#ifndef LEXWATCH_STORE_SCHEMA_H_
#define LEXWATCH_STORE_SCHEMA_H_

#include <sqlite3.h>

#include <span>
#include <string_view>

#include "core/status.h"

namespace lexwatch::store::internal {

// The ordered schema migrations: entry i takes PRAGMA user_version from i to
// i + 1. Append new entries; never edit one that has shipped.
std::span<const char* const> Migrations();

// Brings the database up to migrations.size(), each step in its own
// IMMEDIATE transaction together with its user_version bump, so a crash
// leaves the file at a whole version. Fails when the file is newer than
// `migrations` knows.
Status Migrate(sqlite3* db, std::string_view path,
               std::span<const char* const> migrations);

}  // namespace lexwatch::store::internal

#endif  // LEXWATCH_STORE_SCHEMA_H_
