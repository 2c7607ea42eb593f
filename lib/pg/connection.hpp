#pragma once
// A thin RAII layer over libpq's C API, shared by the PostgreSQL mirror and the PostgreSQL
// credential store: one connection, queries with text parameters only (never SQL built from
// record text), failures as Result values naming the database, and transactions that roll back
// unless committed. Errors carry PostgreSQL's primary message only: its DETAIL ("Failing row
// contains ...") can quote a row's values, and a store's row may hold a secret.
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/error.hpp"

namespace crmexport::pg {

struct ConnectionDeleter {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultHandle = std::unique_ptr<PGresult, ResultDeleter>;

// A parameter in text form; nullopt is SQL NULL.
using Param = std::optional<std::string>;

// One answer's rows, read as text.
class Rows {
 public:
  explicit Rows(ResultHandle result) : m_result(std::move(result)) {}
  int size() const { return PQntuples(m_result.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(m_result.get(), row, column) != 0; }
  std::string text(int row, int column) const {
    return std::string(PQgetvalue(m_result.get(), row, column),
                       static_cast<std::size_t>(PQgetlength(m_result.get(), row, column)));
  }
  std::optional<std::string> optional_text(int row, int column) const;
  // How many rows an INSERT, UPDATE or DELETE touched.
  long affected() const;

 private:
  ResultHandle m_result;
};

// What a connection is for, in its messages: "the mirror database", the location as shown (never
// a password), and what to check when the server cannot be reached.
struct Target {
  std::string what;
  std::string location;
  std::string check;
};

// A text[] parameter in PostgreSQL's binary form: the values are sent as they are, with no
// quoting to add on this side nor to parse on the server's.
class TextArray {
 public:
  void push(std::optional<std::string_view> value);
  std::size_t size() const { return m_count; }
  // The parameter's bytes (array_send's layout).
  std::string bytes() const;

 private:
  std::string m_elements;  // each: length (-1: NULL), then its bytes; big-endian
  std::size_t m_count = 0;
  bool m_nulls = false;
};

class Connection {
 public:
  // Connects to `conninfo` (a URI; the PG* environment variables fill what it leaves out), giving
  // up after 10 s unless the URI or PGCONNECT_TIMEOUT say otherwise.
  static Result<Connection> open(const std::string& conninfo, Target target);

  // Runs one statement with $1... bound to `params`; a runtime error saying what was being done.
  Result<Rows> exec(std::string_view doing, const std::string& sql, const std::vector<Param>& params = {});
  // Runs one statement with $1... bound to `params` (text) and the next ones to `arrays` (text[]).
  Result<Rows> exec_arrays(std::string_view doing, const std::string& sql, const std::vector<Param>& params,
                           const std::vector<const TextArray*>& arrays);
  // The location as messages show it.
  const std::string& shown() const { return m_target.location; }

 private:
  Connection(std::unique_ptr<PGconn, ConnectionDeleter> connection, Target target)
      : m_connection(std::move(connection)), m_target(std::move(target)) {}
  Result<Rows> checked(std::string_view doing, ResultHandle result);

  std::unique_ptr<PGconn, ConnectionDeleter> m_connection;
  Target m_target;
};

// BEGIN now; ROLLBACK when destroyed without commit().
class Transaction {
 public:
  static Result<Transaction> begin(Connection& connection, std::string_view doing);
  Transaction(Transaction&& other) noexcept : m_connection(std::exchange(other.m_connection, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit(std::string_view doing);

 private:
  explicit Transaction(Connection& connection) : m_connection(&connection) {}
  Connection* m_connection;
};

// libpq's reading of a connection string given to `option` (--db): a usage error when it cannot
// parse it, and a refusal of a password written into it (it would show in the process list and
// in shell history).
Result<void> check_conninfo(const std::string& conninfo, std::string_view option);

// `uri` with any password replaced by "***", for messages; the password joins the redaction list.
std::string shown_uri(std::string_view uri);

// One line from libpq's (possibly multi-line) message.
std::string one_line(std::string_view message);

}  // namespace crmexport::pg
