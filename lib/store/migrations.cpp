#include "lib/store/migrations.hpp"

#include <array>

#include "lib/store/schema_steps.hpp"
#include <string_view>

#include <fmt/format.h>

namespace crmexport::store {

namespace {

// Step i takes the schema from version i to version i + 1. Append only: a released step never
// changes, because stores in the field have already applied it.
constexpr std::array<std::string_view, 2> k_migration_steps = {
    R"sql(
      CREATE TABLE connections(
        name TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        base_url TEXT NOT NULL DEFAULT '',
        api_version TEXT NOT NULL DEFAULT '',
        auth_kind TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    )sql",
    // Readable field names, frozen at first sight per connection and type (lib/fields/naming.hpp),
    // with every option label seen, so deleted fields and options keep resolving.
    R"sql(
      CREATE TABLE field_names(
        connection TEXT NOT NULL,
        type TEXT NOT NULL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        field_type TEXT NOT NULL,
        custom INTEGER NOT NULL,
        multiple INTEGER NOT NULL,
        options TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY(connection, type, key)
      );
    )sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(k_migration_steps.size()); }

Result<int> migrate(SQLite::Database& database, const std::filesystem::path& path) {
  return store::apply_schema_steps(database, path, {k_migration_steps, "the credential store", "use it"});
}

}  // namespace crmexport::store
