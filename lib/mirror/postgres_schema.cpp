#include "lib/mirror/postgres_schema.hpp"

#include <fmt/format.h>

#include <array>

#include "lib/mirror/schema.hpp"

namespace crmexport::mirror {
namespace {

// Step i takes the schema from version i to version i + 1. Append only: a released step never
// changes. A step that changes type tables must loop over mirror_tables.
constexpr std::array<std::string_view, 4> k_migration_steps = {
    R"sql(
      CREATE TABLE mirror_tables(
        name text PRIMARY KEY,
        provider text NOT NULL,
        type text NOT NULL
      );
      CREATE TABLE sync_state(
        connection text NOT NULL,
        provider text NOT NULL,
        type text NOT NULL,
        api_version text NOT NULL DEFAULT '',
        high_water timestamptz,        -- newest updated-at of completed runs
        last_complete_at timestamptz,  -- when a run of this type last reached the end
        last_full_at timestamptz,      -- when a complete full pass last ended (deletions swept)
        run_id bigint NOT NULL DEFAULT 0,
        run_mode text,                 -- 'full' or 'incremental' while a run is unfinished, else NULL
        run_since timestamptz,         -- the change filter's lower bound of that run
        run_position text,             -- where its next page starts ('' = first page)
        run_high_water timestamptz,    -- newest updated-at seen by that run so far
        run_started_at timestamptz,
        PRIMARY KEY(connection, type)
      );
    )sql",
    // Field metadata, refreshed by every sync; the labeled views are built from it.
    R"sql(
      CREATE TABLE fields(
        connection text NOT NULL,
        provider text NOT NULL,
        type text NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        label text NOT NULL,
        field_type text NOT NULL,
        custom boolean NOT NULL,
        options jsonb NOT NULL,        -- [{"id", "label"}], ids as records carry them
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        seen_order bigint GENERATED ALWAYS AS IDENTITY,  -- first-seen order, for the view's columns
        PRIMARY KEY(connection, type, key)
      );
    )sql",
    // Custom values that are not in the records (ActiveCampaign keeps deals' and accounts' in a
    // collection of their own, and contacts' beside each page): per record, {KEY: value} as the
    // API gives them. The labeled views read them from here; `record` stays exactly as received.
    R"sql(
      CREATE TABLE field_values(
        connection text NOT NULL,
        type text NOT NULL,
        id text NOT NULL,              -- the record's id as text, as r.id #>> '{}' reads it
        "values" jsonb NOT NULL,       -- {KEY: value}
        PRIMARY KEY(connection, type, id)
      );
    )sql",
    // Records a run found unchanged: their rows are not written again (a new row version costs
    // PostgreSQL as much as the record), so the sweep after a full pass reads "seen" here as well
    // as in the type table's seen_run. Emptied when a run starts and when it ends.
    R"sql(
      CREATE TABLE seen_unchanged(
        connection text NOT NULL,
        table_name text NOT NULL,
        run_id bigint NOT NULL,
        id jsonb NOT NULL,
        PRIMARY KEY(connection, table_name, run_id, id)
      );
    )sql",
};

}  // namespace

int latest_postgres_schema_version() { return static_cast<int>(k_migration_steps.size()); }

Result<int> migrate_postgres(pg::Connection& connection, std::string_view location) {
  constexpr std::string_view doing = "migrate the schema";
  auto transaction = pg::Transaction::begin(connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  for (const std::string& sql : {std::string(k_schema_lock_sql),
                                std::string("CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)")})
    if (auto done = connection.exec(doing, sql); !done) return std::unexpected(done.error());
  auto current = connection.exec(doing, "SELECT coalesce(max(version), 0) FROM schema_version");
  if (!current) return std::unexpected(current.error());
  int version = std::stoi(current->text(0, 0));
  const int latest = latest_postgres_schema_version();
  if (version > latest)
    return fail(ErrorKind::runtime,
                fmt::format("the mirror database {} was written by a newer crmexport (schema {}, this one knows {}); "
                            "upgrade crmexport to sync into it",
                            location, version, latest));
  for (int step = version; step < latest; ++step)
    if (auto done = connection.exec(doing, std::string(k_migration_steps[static_cast<size_t>(step)])); !done)
      return std::unexpected(done.error());
  if (version < latest) {
    auto saved = connection.exec(doing, "DELETE FROM schema_version; INSERT INTO schema_version VALUES(" +
                                            std::to_string(latest) + ")");
    if (!saved) return std::unexpected(saved.error());
  }
  if (auto committed = transaction->commit(doing); !committed) return std::unexpected(committed.error());
  return latest;
}

Result<void> ensure_postgres_type_table(pg::Connection& connection, std::string_view provider,
                                        std::string_view type) {
  constexpr std::string_view doing = "create a type table";
  const std::string name = table_name(provider, type);
  auto exists = connection.exec(doing, "SELECT to_regclass($1) IS NOT NULL", {"\"" + name + "\""});
  if (!exists) return std::unexpected(exists.error());
  if (exists->text(0, 0) == "t") return {};
  auto transaction = pg::Transaction::begin(connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  // `id` is jsonb, as SQLite's untyped column: integer ids stay numbers (and sort as numbers),
  // string ids stay strings. `record` is the record as jsonb, for queries; jsonb keeps no key
  // order, spacing or duplicate keys, so `record_text` keeps the provider's exact bytes, and
  // "changed" means changed bytes, as in SQLite.
  const std::string ddl = fmt::format(R"sql(
    CREATE TABLE IF NOT EXISTS "{0}"(
      connection text NOT NULL,
      id jsonb NOT NULL,
      updated_at text,
      synced_at timestamptz NOT NULL,
      deleted_at timestamptz,
      seen_run bigint NOT NULL,
      record jsonb NOT NULL,
      record_text text NOT NULL,
      PRIMARY KEY(connection, id)
    );
    CREATE INDEX IF NOT EXISTS "{0}_seen" ON "{0}"(connection, seen_run);
  )sql",
                                      name);
  for (const std::string& sql : {std::string(k_schema_lock_sql), ddl})
    if (auto done = connection.exec(doing, sql); !done) return std::unexpected(done.error());
  auto listed = connection.exec(doing,
                                "INSERT INTO mirror_tables(name, provider, type) VALUES($1, $2, $3) ON CONFLICT DO "
                                "NOTHING",
                                {name, std::string(provider), std::string(type)});
  if (!listed) return std::unexpected(listed.error());
  return transaction->commit(doing);
}

}  // namespace crmexport::mirror
