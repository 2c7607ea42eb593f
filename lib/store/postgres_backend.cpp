// The credential store in PostgreSQL, shared by every host that runs crmexport against it: its
// tables live in their own schema (crmexport_store), so a mirror in the same database never
// meets them. Secrets arrive here sealed (the Store refuses a shared store without a key).
#include <fmt/format.h>

#include <array>
#include <mutex>

#include "lib/store/backend.hpp"
#include "lib/pg/connection.hpp"

namespace crmexport::store {
namespace {

// Step i takes the schema from version i to i + 1. Append only: a released step never changes.
constexpr std::array<std::string_view, 2> k_migration_steps = {
    R"sql(
      CREATE TABLE crmexport_store.connections(
        name text PRIMARY KEY,
        provider text NOT NULL,
        base_url text NOT NULL DEFAULT '',
        api_version text NOT NULL DEFAULT '',
        auth_kind text NOT NULL,
        secret text NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL
      )
    )sql",
    R"sql(
      CREATE TABLE crmexport_store.field_names(
        connection text NOT NULL,
        type text NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        label text NOT NULL,
        field_type text NOT NULL,
        custom boolean NOT NULL,
        multiple boolean NOT NULL,
        options text NOT NULL,
        first_seen text NOT NULL,
        last_seen text NOT NULL,
        seen_order bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY(connection, type, key)
      )
    )sql",
};

// Taken for the whole migration, so hosts starting at once apply each step once. Any constant
// the mirror does not use: the mirror's locks are per connection (hashes of names).
constexpr const char* k_migration_lock = "SELECT pg_advisory_xact_lock(7305041213)";

// The same text as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ'): both stores' rows read alike.
// statement_timestamp(): one instant for every column a statement writes.
constexpr std::string_view k_now =
    R"(to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))";

constexpr const char* k_select =
    "SELECT name, provider, base_url, api_version, auth_kind, secret, created_at, updated_at "
    "FROM crmexport_store.connections ";

// Byte order, as SQLite sorts: the database's collation may be a language's.
constexpr const char* k_by_name = " ORDER BY name COLLATE \"C\"";

Connection read_connection(const pg::Rows& rows, int row) {
  return Connection{
      .name = rows.text(row, 0),
      .provider = rows.text(row, 1),
      .base_url = rows.text(row, 2),
      .api_version = rows.text(row, 3),
      .auth_kind = rows.text(row, 4),
      .secret = rows.text(row, 5),
      .created_at = rows.text(row, 6),
      .updated_at = rows.text(row, 7),
  };
}

std::string text(std::string_view value) { return std::string(value); }

class PostgresBackend : public Backend {
 public:
  PostgresBackend(pg::Connection connection, int schema_version)
      : m_connection(std::move(connection)), m_schema_version(schema_version) {}

  Result<void> add(const Connection& c, bool replace) override {
    const std::lock_guard lock(m_mutex);
    const auto insert = fmt::format(
        "INSERT INTO crmexport_store.connections(name, provider, base_url, api_version, auth_kind, secret, "
        "created_at, updated_at) VALUES($1, $2, $3, $4, $5, $6, {0}, {0}) ON CONFLICT(name) ",
        k_now);
    // A replaced connection keeps created_at: the name has been in use since then.
    const std::string on_conflict = replace ? "DO UPDATE SET provider = excluded.provider, base_url = excluded.base_url, "
                                              "api_version = excluded.api_version, auth_kind = excluded.auth_kind, "
                                              "secret = excluded.secret, updated_at = excluded.updated_at"
                                            : "DO NOTHING";
    auto saved = m_connection.exec(fmt::format("save the connection '{}'", c.name), insert + on_conflict,
                                   {c.name, c.provider, c.base_url, c.api_version, c.auth_kind, c.secret});
    if (!saved) return std::unexpected(saved.error());
    if (saved->affected() == 0)
      return fail(ErrorKind::usage, fmt::format("a connection named '{}' already exists; pass --force to replace it, "
                                                "or choose another name",
                                                c.name));
    return {};
  }

  Result<std::optional<Connection>> find(std::string_view name) override {
    const std::lock_guard lock(m_mutex);
    return find_where(name, "");
  }

  Result<std::vector<Connection>> list(std::string_view provider) override {
    const std::lock_guard lock(m_mutex);
    auto rows = m_connection.exec(
        provider.empty() ? "list the connections" : fmt::format("list the {} connections", provider),
        std::string(k_select) + "WHERE $1 = '' OR provider = $1" + k_by_name, {text(provider)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<Connection> connections;
    for (int row = 0; row < rows->size(); ++row) connections.push_back(read_connection(*rows, row));
    return connections;
  }

  Result<bool> remove(std::string_view name) override {
    const std::lock_guard lock(m_mutex);
    auto erased = m_connection.exec(fmt::format("remove the connection '{}'", name),
                                    "DELETE FROM crmexport_store.connections WHERE name = $1", {text(name)});
    if (!erased) return std::unexpected(erased.error());
    return erased->affected() > 0;
  }

  Result<void> update_secret(std::string_view name, std::string_view secret) override {
    const std::lock_guard lock(m_mutex);
    auto updated = m_connection.exec(
        fmt::format("save the new secret of '{}'", name),
        fmt::format("UPDATE crmexport_store.connections SET secret = $2, updated_at = {} WHERE name = $1", k_now),
        {text(name), text(secret)});
    if (!updated) return std::unexpected(updated.error());
    if (updated->affected() == 0)
      return fail(ErrorKind::usage, fmt::format("there is no connection named '{}' in the credential store {}; "
                                                "list the connections to see their names",
                                                name, location()));
    return {};
  }

  // SELECT ... FOR UPDATE holds the row until COMMIT: a refresh on any host waits there, then
  // reads the secret this one saved, as the SQLite store does under its write lock.
  Result<void> refresh(std::string_view name, const Renew& renew) override {
    const std::lock_guard lock(m_mutex);
    const auto doing = fmt::format("renew the token of '{}'", name);
    auto transaction = pg::Transaction::begin(m_connection, doing);
    if (!transaction) return std::unexpected(transaction.error());
    // Long enough for another host's token request, and a bit more; not for ever.
    if (auto set = m_connection.exec(doing, "SET LOCAL lock_timeout = '120s'"); !set)
      return std::unexpected(set.error());
    auto found = find_where(name, " FOR UPDATE");
    if (!found) return std::unexpected(found.error());
    if (!*found)
      return fail(ErrorKind::auth,
                  fmt::format("the connection '{}' is no longer in the credential store {}", name, location()));
    auto renewed = renew((*found)->secret);
    if (!renewed) return std::unexpected(renewed.error());
    if (*renewed)
      if (auto saved = update_secret(name, **renewed); !saved) return saved;
    return transaction->commit(doing);
  }

  // EXCLUSIVE mode lets plain reads through but no SELECT ... FOR UPDATE, UPDATE or INSERT: a
  // refresh on another host either committed before (and its new secret is re-sealed here) or
  // waits, then reads the re-sealed secret and stops at "another key" with nothing written.
  Result<std::size_t> reseal_all(const Reseal& reseal) override {
    const std::lock_guard lock(m_mutex);
    constexpr std::string_view doing = "re-encrypt the secrets";
    auto transaction = pg::Transaction::begin(m_connection, doing);
    if (!transaction) return std::unexpected(transaction.error());
    for (const char* sql : {"SET LOCAL lock_timeout = '120s'", "LOCK TABLE crmexport_store.connections IN EXCLUSIVE MODE"})
      if (auto done = m_connection.exec(doing, sql); !done) return std::unexpected(done.error());
    auto rows = m_connection.exec(doing, std::string("SELECT name, secret FROM crmexport_store.connections") + k_by_name);
    if (!rows) return std::unexpected(rows.error());
    for (int row = 0; row < rows->size(); ++row) {
      auto resealed = reseal(rows->text(row, 0), rows->text(row, 1));
      if (!resealed) return std::unexpected(resealed.error());  // the transaction rolls back
      auto saved = m_connection.exec(doing, "UPDATE crmexport_store.connections SET secret = $2 WHERE name = $1",
                                     {rows->text(row, 0), *resealed});
      if (!saved) return std::unexpected(saved.error());
    }
    if (auto committed = transaction->commit(doing); !committed) return std::unexpected(committed.error());
    return static_cast<std::size_t>(rows->size());
  }

  Result<std::vector<fields::Field>> load_field_names(std::string_view connection, std::string_view type) override {
    const std::lock_guard lock(m_mutex);
    auto rows = m_connection.exec(
        fmt::format("read the field names of {} {}", connection, type),
        "SELECT key, name, label, field_type, custom, multiple, options FROM crmexport_store.field_names "
        "WHERE connection = $1 AND type = $2 ORDER BY seen_order",
        {text(connection), text(type)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<fields::Field> fields;
    for (int row = 0; row < rows->size(); ++row) {
      fields::Field f;
      f.key = rows->text(row, 0);
      f.name = rows->text(row, 1);
      f.label = rows->text(row, 2);
      f.type = rows->text(row, 3);
      f.custom = rows->text(row, 4) == "t";
      f.multiple = rows->text(row, 5) == "t";
      f.options = fields::parse_options(rows->text(row, 6));
      fields.push_back(std::move(f));
    }
    return fields;
  }

  Result<void> save_field_names(std::string_view connection, std::string_view type,
                                const std::vector<fields::Field>& fields) override {
    const std::lock_guard lock(m_mutex);
    const auto doing = fmt::format("save the field names of {} {}", connection, type);
    const auto upsert = fmt::format(
        "INSERT INTO crmexport_store.field_names(connection, type, key, name, label, field_type, custom, multiple, "
        "options, first_seen, last_seen) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, {0}, {0}) "
        "ON CONFLICT(connection, type, key) DO UPDATE SET name = excluded.name, label = excluded.label, "
        "field_type = excluded.field_type, custom = excluded.custom, multiple = excluded.multiple, "
        "options = excluded.options, last_seen = excluded.last_seen",
        k_now);
    auto transaction = pg::Transaction::begin(m_connection, doing);
    if (!transaction) return std::unexpected(transaction.error());
    for (const auto& f : fields) {
      auto saved = m_connection.exec(doing, upsert,
                                     {text(connection), text(type), f.key, f.name, f.label, f.type,
                                      f.custom ? "true" : "false", f.multiple ? "true" : "false",
                                      fields::options_json(f.options)});
      if (!saved) return std::unexpected(saved.error());
    }
    return transaction->commit(doing);
  }

  bool shared() const override { return true; }
  int schema_version() const override { return m_schema_version; }
  const std::string& location() const override { return m_connection.shown(); }

 private:
  Result<std::optional<Connection>> find_where(std::string_view name, std::string_view lock) {
    auto rows = m_connection.exec(fmt::format("read the connection '{}'", name),
                                  std::string(k_select) + "WHERE name = $1" + std::string(lock), {text(name)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->size() == 0) return std::nullopt;
    return read_connection(*rows, 0);
  }

  // A libpq connection serves one thread at a time, and a transaction (refresh, field names)
  // spans several statements: one call at a time, whichever threads share the Store.
  std::recursive_mutex m_mutex;
  pg::Connection m_connection;
  int m_schema_version = 0;
};

// The recorded schema version; 0 when the store's tables do not exist yet.
Result<int> read_version(pg::Connection& connection, std::string_view doing) {
  auto current = connection.exec(
      doing, "SELECT CASE WHEN to_regclass('crmexport_store.schema_version') IS NULL THEN -1 ELSE 0 END");
  if (!current) return std::unexpected(current.error());
  if (current->text(0, 0) == "-1") return 0;
  auto recorded = connection.exec(doing, "SELECT max(version) FROM crmexport_store.schema_version");
  if (!recorded) return std::unexpected(recorded.error());
  return recorded->text(0, 0).empty() ? 0 : std::stoi(recorded->text(0, 0));
}

// True when `version` is this crmexport's; false when older (to migrate); runtime error asking to
// upgrade crmexport when newer.
Result<bool> is_current(const pg::Connection& connection, int version, int latest) {
  if (version > latest)
    return fail(ErrorKind::runtime,
                fmt::format("the credential store {} was written by a newer crmexport (schema {}, this one knows {}); "
                            "upgrade crmexport to use it",
                            connection.shown(), version, latest));
  return version == latest;
}

// Brings the schema up to date in one transaction under an advisory lock, and returns its
// version. A store already up to date is only read: a role without CREATE on the database can use it.
Result<int> migrate(pg::Connection& connection) {
  constexpr std::string_view doing = "update its schema";
  const int latest = static_cast<int>(k_migration_steps.size());
  auto version = read_version(connection, doing);
  if (!version) return version;
  auto current = is_current(connection, *version, latest);
  if (!current) return std::unexpected(current.error());
  if (*current) return latest;

  auto transaction = pg::Transaction::begin(connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  for (const char* sql : {k_migration_lock, "CREATE SCHEMA IF NOT EXISTS crmexport_store",
                          "CREATE TABLE IF NOT EXISTS crmexport_store.schema_version(version integer NOT NULL)"})
    if (auto done = connection.exec(doing, sql); !done) return std::unexpected(done.error());
  version = read_version(connection, doing);  // again, under the lock: another host may have migrated
  if (!version) return version;
  current = is_current(connection, *version, latest);
  if (!current) return std::unexpected(current.error());
  if (*current) return latest;  // (rolled back: nothing changed)
  for (int step = *version; step < latest; ++step)
    if (auto stepped = connection.exec(doing, std::string(k_migration_steps[static_cast<std::size_t>(step)]));
        !stepped)
      return std::unexpected(stepped.error());
  if (auto cleared = connection.exec(doing, "DELETE FROM crmexport_store.schema_version"); !cleared)
    return std::unexpected(cleared.error());
  if (auto recorded = connection.exec(doing, "INSERT INTO crmexport_store.schema_version(version) VALUES($1)",
                                      {std::to_string(latest)});
      !recorded)
    return std::unexpected(recorded.error());
  if (auto committed = transaction->commit(doing); !committed) return std::unexpected(committed.error());
  return latest;
}

}  // namespace

Result<std::unique_ptr<Backend>> open_postgres_backend(const std::string& uri) {
  auto connection = pg::Connection::open(uri, {"the credential store", pg::shown_uri(uri), "check the URI given to --store or CRMEXPORT_STORE, and that the server runs"});
  if (!connection) return std::unexpected(connection.error());
  auto version = migrate(*connection);
  if (!version) return std::unexpected(version.error());
  return std::make_unique<PostgresBackend>(std::move(*connection), *version);
}

}  // namespace crmexport::store
