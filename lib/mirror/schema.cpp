#include "lib/mirror/schema.hpp"

#include <array>

#include "lib/store/schema_steps.hpp"

#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

namespace crmexport::mirror {
namespace {

// Step i takes the schema from version i to version i + 1. Append only: a released step never
// changes. A step that changes type tables must loop over mirror_tables (see ensure_type_table).
constexpr std::array<std::string_view, 3> k_migration_steps = {
    R"sql(
      CREATE TABLE mirror_tables(
        name TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        type TEXT NOT NULL
      );
      CREATE TABLE sync_state(
        connection TEXT NOT NULL,
        provider TEXT NOT NULL,
        type TEXT NOT NULL,
        api_version TEXT NOT NULL DEFAULT '',
        high_water TEXT,            -- newest updated-at of completed runs (RFC 3339, UTC)
        last_complete_at TEXT,      -- when a run of this type last reached the end
        last_full_at TEXT,          -- when a complete full pass last ended (deletions swept)
        run_id INTEGER NOT NULL DEFAULT 0,
        run_mode TEXT,              -- 'full' or 'incremental' while a run is unfinished, else NULL
        run_since TEXT,             -- the change filter's lower bound of that run
        run_position TEXT,          -- where its next page starts ('' = first page)
        run_high_water TEXT,        -- newest updated-at seen by that run so far
        run_started_at TEXT,
        PRIMARY KEY(connection, type)
      );
    )sql",
    // Field metadata, refreshed by every sync; the labeled views are built from it (fields.cpp).
    R"sql(
      CREATE TABLE fields(
        connection TEXT NOT NULL,
        provider TEXT NOT NULL,
        type TEXT NOT NULL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        field_type TEXT NOT NULL,
        custom INTEGER NOT NULL,
        options TEXT NOT NULL,       -- JSON [{"id", "label"}], ids as records carry them
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY(connection, type, key)
      );
    )sql",
    // Custom values that are not in the records (ActiveCampaign keeps deals' and accounts' in a
    // collection of their own): per record, {KEY: value} as the API gives them. The labeled views
    // read them from here; `record` stays exactly as received.
    R"sql(
      CREATE TABLE field_values(
        connection TEXT NOT NULL,
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        "values" TEXT NOT NULL,      -- JSON {KEY: value}
        PRIMARY KEY(connection, type, id)
      );
    )sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(k_migration_steps.size()); }

Result<int> migrate(SQLite::Database& database, const std::filesystem::path& path) {
  return store::apply_schema_steps(database, path, {k_migration_steps, "the mirror database", "sync into it"});
}

std::string table_name(std::string_view provider, std::string_view type) {
  std::string name = fmt::format("{}_{}", provider, type);
  for (char& c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';
  return name;
}

void ensure_type_table(SQLite::Database& database, std::string_view provider, std::string_view type) {
  const std::string name = table_name(provider, type);
  // `id` has no declared type: integer ids stay integers (joins with json_extract work), string
  // ids stay strings. `record` is the record exactly as the provider sent it.
  database.exec(fmt::format(R"sql(
    CREATE TABLE IF NOT EXISTS "{0}"(
      connection TEXT NOT NULL,
      id NOT NULL,
      updated_at TEXT,
      synced_at TEXT NOT NULL,
      deleted_at TEXT,
      seen_run INTEGER NOT NULL,
      record TEXT NOT NULL,
      PRIMARY KEY(connection, id)
    );
    CREATE INDEX IF NOT EXISTS "{0}_seen" ON "{0}"(connection, seen_run);
  )sql",
                            name));
  SQLite::Statement insert(database, "INSERT OR IGNORE INTO mirror_tables(name, provider, type) VALUES(?, ?, ?)");
  insert.bind(1, name);
  insert.bind(2, std::string(provider));
  insert.bind(3, std::string(type));
  insert.exec();
}

}  // namespace crmexport::mirror
