#pragma once
// Internal to lib/store: the schema, as an ordered list of steps recorded in PRAGMA user_version.
#include <filesystem>

#include <SQLiteCpp/Database.h>

#include "lib/core/error.hpp"

namespace crmexport::store {

// The schema version this crmexport writes.
int latest_schema_version();

// Brings `database` up to latest_schema_version(), one transaction per step, and returns the
// resulting version; runtime error asking to upgrade crmexport when the file is newer than that.
// May throw SQLite::Exception (the caller turns it into an Error).
Result<int> migrate(SQLite::Database& database, const std::filesystem::path& path);

}  // namespace crmexport::store
