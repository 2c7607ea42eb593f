#include "support/mirror_db.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <libpq-fe.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "support/postgres.hpp"

namespace crmexport::testing {
namespace {

std::atomic<int> g_databases{0};

struct PgResult {
  PGconn* connection = nullptr;
  PGresult* result = nullptr;
  ~PgResult() {
    PQclear(result);
    PQfinish(connection);
  }
};

std::unique_ptr<PgResult> pg_query(const std::string& uri, const std::string& sql,
                                   const std::vector<std::string>& params = {}) {
  PGconn* connection = PQconnectdb(uri.c_str());
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  auto out = std::make_unique<PgResult>();
  out->connection = connection;
  out->result = values.empty() ? PQexec(connection, sql.c_str())
                               : PQexecParams(connection, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                              values.data(), nullptr, nullptr, 0);
  auto status = PQresultStatus(out->result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(connection)) + " in " + sql);
  return out;
}

}  // namespace

PostgresCluster& test_cluster() {
  static PostgresCluster cluster;
  return cluster;
}

MirrorDb::MirrorDb(Backend backend) : m_backend(backend) { renew(); }

MirrorDb::~MirrorDb() = default;

void MirrorDb::renew() {
  ++m_generation;
  if (m_backend == Backend::sqlite) {
    m_location = m_dir / ("mirror" + std::to_string(m_generation) + ".db");
  } else if (m_location.empty()) {
    m_location = test_cluster().create_database("mirror" + std::to_string(++g_databases));
  } else {
    // Emptied in place: as new to crmexport, and far quicker than CREATE DATABASE.
    pg_query(m_location, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
  }
}

std::vector<MirrorDb::Row> MirrorDb::rows(const std::string& table, const std::string& connection) const {
  std::vector<Row> out;
  if (m_backend == Backend::sqlite) {
    SQLite::Database database(m_location, SQLite::OPEN_READONLY);
    SQLite::Statement q(database, "SELECT id, record, deleted_at IS NOT NULL FROM \"" + table +
                                      "\" WHERE connection = ? ORDER BY id");
    q.bind(1, connection);
    while (q.executeStep())
      out.push_back(Row{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt() != 0});
    return out;
  }
  auto result = pg_query(m_location,
                         "SELECT id #>> '{}', record_text, deleted_at IS NOT NULL FROM \"" + table +
                             "\" WHERE connection = $1 ORDER BY id",
                         {connection});
  for (int i = 0; i < PQntuples(result->result); ++i)
    out.push_back(Row{PQgetvalue(result->result, i, 0), PQgetvalue(result->result, i, 1),
                      std::string_view(PQgetvalue(result->result, i, 2)) == "t"});
  return out;
}

std::string MirrorDb::scalar(const std::string& sql) const {
  if (m_backend == Backend::sqlite) {
    SQLite::Database database(m_location, SQLite::OPEN_READONLY);
    auto column = database.execAndGet(sql);
    return column.isNull() ? "" : column.getString();
  }
  auto result = pg_query(m_location, sql);
  return PQntuples(result->result) == 0 ? "" : PQgetvalue(result->result, 0, 0);
}

MirrorDb::Table MirrorDb::postgres_query(const std::string& sql) const {
  auto result = pg_query(m_location, sql);
  Table table;
  for (int c = 0; c < PQnfields(result->result); ++c) table.columns.push_back(PQfname(result->result, c));
  for (int r = 0; r < PQntuples(result->result); ++r) {
    auto& row = table.rows.emplace_back();
    for (int c = 0; c < PQnfields(result->result); ++c)
      row.push_back(PQgetisnull(result->result, r, c) ? std::nullopt
                                                      : std::optional<std::string>(PQgetvalue(result->result, r, c)));
  }
  return table;
}

}  // namespace crmexport::testing
