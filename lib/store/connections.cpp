// The queries on the connections table.
#include <fmt/format.h>
#include <SQLiteCpp/Statement.h>

#include "lib/store/sqlite_error.hpp"
#include "lib/store/store.hpp"

namespace crmexport::store {

namespace {

// Timestamps come from SQLite's clock (strftime ... 'now'), so created_at and updated_at written by
// one statement are the same instant; with milliseconds, so a quick update_secret still moves updated_at.
constexpr const char* k_select =
    "SELECT name, provider, base_url, api_version, auth_kind, secret, created_at, updated_at FROM connections ";

constexpr const char* k_insert_new =
    "INSERT INTO connections(name, provider, base_url, api_version, auth_kind, secret, created_at, updated_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
    "ON CONFLICT(name) DO NOTHING";

// A replaced connection keeps created_at: the name has been in use since then.
constexpr const char* k_insert_or_replace =
    "INSERT INTO connections(name, provider, base_url, api_version, auth_kind, secret, created_at, updated_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
    "ON CONFLICT(name) DO UPDATE SET provider = excluded.provider, base_url = excluded.base_url, "
    "api_version = excluded.api_version, auth_kind = excluded.auth_kind, secret = excluded.secret, "
    "updated_at = excluded.updated_at";

constexpr const char* k_update_secret =
    "UPDATE connections SET secret = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE name = ?1";

Connection read_connection(const SQLite::Statement& row) {
  return Connection{
      .name = row.getColumn(0).getString(),
      .provider = row.getColumn(1).getString(),
      .base_url = row.getColumn(2).getString(),
      .api_version = row.getColumn(3).getString(),
      .auth_kind = row.getColumn(4).getString(),
      .secret = row.getColumn(5).getString(),
      .created_at = row.getColumn(6).getString(),
      .updated_at = row.getColumn(7).getString(),
  };
}

std::vector<Connection> read_all(SQLite::Statement& query) {
  std::vector<Connection> connections;
  while (query.executeStep()) connections.push_back(read_connection(query));
  return connections;
}

// SQLiteCpp binds std::string, not std::string_view.
std::string text(std::string_view value) { return std::string(value); }

}  // namespace

Result<void> Store::add(const Connection& connection, bool replace) {
  if (connection.name.empty()) return fail(ErrorKind::usage, "a connection needs a name; give it one");
  return guard_sqlite(m_path, fmt::format("save the connection '{}'", connection.name), [&]() -> Result<void> {
    SQLite::Statement insert(*m_database, replace ? k_insert_or_replace : k_insert_new);
    insert.bind(1, connection.name);
    insert.bind(2, connection.provider);
    insert.bind(3, connection.base_url);
    insert.bind(4, connection.api_version);
    insert.bind(5, connection.auth_kind);
    insert.bind(6, connection.secret);
    if (insert.exec() == 0) {
      return fail(ErrorKind::usage, fmt::format("a connection named '{}' already exists; pass --force to replace it, "
                                                "or choose another name",
                                                connection.name));
    }
    return {};
  });
}

Result<std::optional<Connection>> Store::find(std::string_view name) const {
  return guard_sqlite(m_path, fmt::format("read the connection '{}'", name),
                      [&]() -> Result<std::optional<Connection>> {
                        SQLite::Statement query(*m_database, std::string(k_select) + "WHERE name = ?1");
                        query.bind(1, text(name));
                        if (!query.executeStep()) return std::nullopt;
                        return read_connection(query);
                      });
}

Result<std::vector<Connection>> Store::list() const {
  return guard_sqlite(m_path, "list the connections", [&]() -> Result<std::vector<Connection>> {
    SQLite::Statement query(*m_database, std::string(k_select) + "ORDER BY name");
    return read_all(query);
  });
}

Result<std::vector<Connection>> Store::list_by_provider(std::string_view provider) const {
  return guard_sqlite(
      m_path, fmt::format("list the {} connections", provider), [&]() -> Result<std::vector<Connection>> {
        SQLite::Statement query(*m_database, std::string(k_select) + "WHERE provider = ?1 ORDER BY name");
        query.bind(1, text(provider));
        return read_all(query);
      });
}

Result<bool> Store::remove(std::string_view name) {
  return guard_sqlite(m_path, fmt::format("remove the connection '{}'", name), [&]() -> Result<bool> {
    SQLite::Statement erase(*m_database, "DELETE FROM connections WHERE name = ?1");
    erase.bind(1, text(name));
    return erase.exec() > 0;
  });
}

Result<void> Store::update_secret(std::string_view name, std::string_view secret) {
  return guard_sqlite(m_path, fmt::format("save the new secret of '{}'", name), [&]() -> Result<void> {
    SQLite::Statement update(*m_database, k_update_secret);
    update.bind(1, text(name));
    update.bind(2, text(secret));
    if (update.exec() == 0) {
      return fail(ErrorKind::usage, fmt::format("there is no connection named '{}' in the credential store {}; "
                                                "list the connections to see their names",
                                                name, m_path.string()));
    }
    return {};
  });
}

}  // namespace crmexport::store
