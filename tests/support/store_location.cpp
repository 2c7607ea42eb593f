#include "support/store_location.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <stdexcept>

#include "support/postgres.hpp"

namespace crmexport::testing {

PostgresCluster& shared_cluster() {
  static PostgresCluster cluster;
  return cluster;
}

std::string sql_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

StoreLocation::StoreLocation(std::string_view kind) : m_kind(kind) {
  if (m_kind == k_sqlite) {
    m_folder = std::make_unique<TempDir>();
    m_location = (*m_folder / "store.db");
  } else if (m_kind == k_postgresql) {
    static std::atomic<int> next{0};
    m_database = "store" + std::to_string(next++);
    m_location = shared_cluster().create_database(m_database);
  } else {
    throw std::invalid_argument("no store kind " + m_kind);
  }
}

std::string StoreLocation::raw_secret(std::string_view name) const {
  if (m_kind == k_sqlite) {
    SQLite::Database db(m_location);
    SQLite::Statement query(db, "SELECT secret FROM connections WHERE name = ?1");
    query.bind(1, std::string(name));
    if (!query.executeStep()) throw std::runtime_error("no row " + std::string(name));
    return query.getColumn(0).getString();
  }
  auto out = psql("SELECT secret FROM crmexport_store.connections WHERE name = " + sql_literal(name));
  if (out.ends_with('\n')) out.pop_back();
  return out;
}

void StoreLocation::set_raw_secret(std::string_view name, std::string_view secret) const {
  if (m_kind == k_sqlite) {
    SQLite::Database db(m_location, SQLite::OPEN_READWRITE);
    SQLite::Statement update(db, "UPDATE connections SET secret = ?2 WHERE name = ?1");
    update.bind(1, std::string(name));
    update.bind(2, std::string(secret));
    if (update.exec() != 1) throw std::runtime_error("no row " + std::string(name));
    return;
  }
  psql("UPDATE crmexport_store.connections SET secret = " + sql_literal(secret) + " WHERE name = " + sql_literal(name));
}

void StoreLocation::insert_raw_connection(std::string_view name, std::string_view provider, std::string_view base_url,
                                          std::string_view secret) const {
  const std::string columns = "(name, provider, base_url, api_version, auth_kind, secret, created_at, updated_at)";
  const std::string when = "2024-01-02T03:04:05.000Z";
  if (m_kind == k_sqlite) {
    SQLite::Database db(m_location, SQLite::OPEN_READWRITE);
    SQLite::Statement insert(db,
                             "INSERT INTO connections " + columns + " VALUES (?1, ?2, ?3, '', 'token', ?4, ?5, ?5)");
    insert.bind(1, std::string(name));
    insert.bind(2, std::string(provider));
    insert.bind(3, std::string(base_url));
    insert.bind(4, std::string(secret));
    insert.bind(5, when);
    insert.exec();
    return;
  }
  psql("INSERT INTO crmexport_store.connections " + columns + " VALUES (" + sql_literal(name) + ", " +
       sql_literal(provider) + ", " + sql_literal(base_url) + ", '', 'token', " + sql_literal(secret) + ", " +
       sql_literal(when) + ", " + sql_literal(when) + ")");
}

std::string StoreLocation::raw_rows() const {
  const std::string columns =
      "name || '|' || provider || '|' || base_url || '|' || api_version || '|' || auth_kind || '|' || secret || '|' "
      "|| created_at || '|' || updated_at";
  if (m_kind == k_sqlite) {
    SQLite::Database db(m_location);
    SQLite::Statement query(db, "SELECT " + columns + " FROM connections ORDER BY name");
    std::string rows;
    while (query.executeStep()) rows += query.getColumn(0).getString() + "\n";
    return rows;
  }
  return psql("SELECT " + columns + " FROM crmexport_store.connections ORDER BY name COLLATE \"C\"");
}

std::string StoreLocation::psql(std::string_view sql) const { return shared_cluster().psql(sql, m_database); }

int StoreLocation::raw_schema_version() const {
  if (m_kind == k_sqlite) {
    SQLite::Database db(m_location);
    return db.execAndGet("PRAGMA user_version").getInt();
  }
  return std::stoi(psql("SELECT version FROM crmexport_store.schema_version"));
}

}  // namespace crmexport::testing
