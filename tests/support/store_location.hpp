#pragma once
// A fresh, empty credential store location of either kind, for tests that run one body against
// both: "sqlite" (a file in a temporary folder) or "postgresql" (a database of its own in a
// throw-away cluster that the test process starts on first use and shares between locations).
// Also reads and writes a row's secret column past crmexport, as an attacker or a careless
// admin would.
#include <memory>
#include <string>
#include <string_view>

#include "support/process.hpp"

namespace crmexport::testing {

class PostgresCluster;

class StoreLocation {
 public:
  static constexpr const char* k_sqlite = "sqlite";
  static constexpr const char* k_postgresql = "postgresql";

  explicit StoreLocation(std::string_view kind);
  const std::string& kind() const { return m_kind; }
  // What --store takes: a file path or a libpq URI.
  const std::string& location() const { return m_location; }
  // The secret column of connection `name` as stored.
  std::string raw_secret(std::string_view name) const;
  void set_raw_secret(std::string_view name, std::string_view secret) const;
  // A connection row written past crmexport (by another tool, a hand edit, an older version):
  // `secret` as it is, the other columns plain.
  void insert_raw_connection(std::string_view name, std::string_view provider, std::string_view base_url,
                             std::string_view secret) const;
  // Every connection row as stored, one line each ('|' between columns), in byte order of name.
  std::string raw_rows() const;
  // Runs SQL in a "postgresql" location's database through psql; its stdout.
  std::string psql(std::string_view sql) const;
  // The schema version recorded in the store.
  int raw_schema_version() const;

 private:
  std::string m_kind;
  std::unique_ptr<TempDir> m_folder;
  std::string m_database;
  std::string m_location;
};

// The cluster behind every "postgresql" location of this process.
PostgresCluster& shared_cluster();
// `text` as an SQL string literal.
std::string sql_literal(std::string_view text);

}  // namespace crmexport::testing
