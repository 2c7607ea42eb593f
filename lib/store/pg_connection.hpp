#pragma once
// A small RAII layer over libpq's C API for the PostgreSQL credential store: one connection, its
// results, a transaction that rolls back unless committed. Parameters are always bound (never
// spliced into SQL), and errors carry PostgreSQL's primary message only: its DETAIL can quote a
// row's values, and a row here may hold a secret.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"

struct pg_conn;
struct pg_result;

namespace crmexport::store {

class PgResult {
 public:
  explicit PgResult(pg_result* result);
  int rows() const;
  std::string text(int row, int column) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  long affected() const;

 private:
  std::unique_ptr<pg_result, void (*)(pg_result*)> m_result;
};

class PgConnection {
 public:
  // Connects to the libpq URI `uri` (PG* environment variables fill what it leaves out); `shown`
  // is how messages name it (the URI without a password). Runtime error naming it when refused.
  static Result<PgConnection> open(const std::string& uri, std::string shown);

  // Runs one statement with text parameters $1, $2, ...; runtime error "could not DOING in SHOWN: ...".
  Result<PgResult> exec(std::string_view doing, const std::string& sql, const std::vector<std::string>& params = {});
  const std::string& shown() const { return m_shown; }

 private:
  PgConnection(pg_conn* connection, std::string shown);

  std::unique_ptr<pg_conn, void (*)(pg_conn*)> m_connection;
  std::string m_shown;
};

// BEGIN now; ROLLBACK when destroyed without commit().
class PgTransaction {
 public:
  static Result<PgTransaction> begin(PgConnection& connection, std::string_view doing);
  PgTransaction(PgTransaction&& other) noexcept;
  PgTransaction& operator=(PgTransaction&&) = delete;
  ~PgTransaction();
  Result<void> commit(std::string_view doing);

 private:
  explicit PgTransaction(PgConnection& connection) : m_connection(&connection) {}
  PgConnection* m_connection;
  bool m_open = true;
};

// `uri` with any password replaced by "***", for messages; the password joins the redaction list.
std::string shown_uri(std::string_view uri);

}  // namespace crmexport::store
