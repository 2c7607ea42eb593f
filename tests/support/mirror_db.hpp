#pragma once
// The sync tests run once per mirror backend: a MirrorDb is a fresh mirror location (a SQLite
// file in a temporary folder, or a new database in this test process's throw-away PostgreSQL
// cluster) and reads the rows a sync left there, exactly as stored, for comparison with crm-fake's
// dataset.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace crmexport::testing {

enum class Backend { sqlite, postgres };

class PostgresCluster;

class MirrorDb {
 public:
  explicit MirrorDb(Backend backend);
  ~MirrorDb();
  MirrorDb(const MirrorDb&) = delete;
  MirrorDb& operator=(const MirrorDb&) = delete;

  Backend backend() const { return m_backend; }
  // What --db takes.
  const std::string& location() const { return m_location; }
  // An empty mirror again (SQLite: a new file; PostgreSQL: every table dropped).
  void renew();

  struct Row {
    std::string id;      // the id's text (a string id without quotes)
    std::string record;  // the record's JSON text as the provider sent it
    bool deleted = false;
  };
  // The rows of `table` for `connection`, in id order (numbers as numbers).
  std::vector<Row> rows(const std::string& table, const std::string& connection) const;
  // The first column of the first row of `sql` as text ("" for NULL); throws on an error.
  std::string scalar(const std::string& sql) const;
  // Every row of `sql` (PostgreSQL), each cell as text or NULL, with the column names.
  struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
  };
  Table postgres_query(const std::string& sql) const;

 private:
  Backend m_backend;
  TempDir m_dir;
  std::string m_location;
  int m_generation = 0;
};

// The cluster shared by this test process's PostgreSQL mirrors, started on first use (each
// ctest entry is its own process, so each test starts its own) and stopped at exit.
PostgresCluster& test_cluster();

}  // namespace crmexport::testing
