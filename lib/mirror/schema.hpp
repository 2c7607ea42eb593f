#pragma once
// The mirror database's schema: versioned migrations for the shared tables, and the shape of the
// one table each provider type gets.
#include <filesystem>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>

#include "lib/core/error.hpp"

namespace crmexport::mirror {

// Brings the database to the latest schema version (PRAGMA user_version); returns it. A database
// written by a newer crmexport is refused rather than guessed at.
Result<int> migrate(SQLite::Database& database, const std::filesystem::path& path);
int latest_schema_version();

// "pipedrive_persons": one table per provider type, shared by every connection of that provider
// (the connection is part of the key), so several connections and providers fit in one database.
std::string table_name(std::string_view provider, std::string_view type);

// Creates the table for a provider type if missing and records it in mirror_tables, so later
// migrations can reach every type table.
void ensure_type_table(SQLite::Database& database, std::string_view provider, std::string_view type);

}  // namespace crmexport::mirror
