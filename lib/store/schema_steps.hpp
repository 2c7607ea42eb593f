#pragma once
// Numbered schema migrations for crmexport's SQLite files (the credential store and the sync
// mirror): steps recorded in PRAGMA user_version, append only.
#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <span>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::store {

struct SchemaSteps {
  std::span<const std::string_view> steps;  // step i takes version i to i + 1
  std::string_view what;                    // "the credential store", for messages
  std::string_view to_use_it;               // "use it", "sync into it": what a newer file blocks
};

// Brings `database` up to steps.size(), one IMMEDIATE transaction per step (a concurrent
// migrator makes us wait, and its steps are then skipped), and returns the resulting version;
// runtime error asking to upgrade crmexport when the file is newer. May throw SQLite::Exception.
Result<int> apply_schema_steps(SQLite::Database& database, const std::filesystem::path& path,
                               const SchemaSteps& schema);

}  // namespace crmexport::store
