#include "lib/mirror/libpq.hpp"

#include <fmt/format.h>

namespace crmexport::mirror::pg {
namespace {

// libpq's form of parameters: C strings, NULL for SQL NULL.
std::vector<const char*> pointers(const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  return values;
}

}  // namespace

std::string one_line(std::string_view message) {
  std::string out;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

long Rows::affected() const {
  const char* count = PQcmdTuples(m_result.get());
  return count && *count ? std::stol(count) : 0;
}

Result<void> check_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    std::string message = error ? one_line(error) : "out of memory";
    PQfreemem(error);
    return fail(ErrorKind::usage, fmt::format("--db: libpq cannot read this PostgreSQL URI: {}; the form is "
                                              "postgresql://USER@HOST:PORT/DATABASE",
                                              message));
  }
  bool password = false;
  for (auto* option = options; option->keyword; ++option)
    if (std::string_view(option->keyword) == "password" && option->val && *option->val) password = true;
  PQconninfoFree(options);
  if (password)
    return fail(ErrorKind::usage,
                "--db: a password in the PostgreSQL URI would show in the process list; remove it and put it in "
                "~/.pgpass (or the file PGPASSFILE names), or in the PGPASSWORD environment variable");
  return {};
}

Result<Connection> Connection::open(const std::string& conninfo, std::string location) {
  std::unique_ptr<PGconn, ConnectionDeleter> connection(PQconnectdb(conninfo.c_str()));
  if (!connection) return fail(ErrorKind::runtime, "out of memory connecting to PostgreSQL");
  if (PQstatus(connection.get()) != CONNECTION_OK)
    return fail(ErrorKind::runtime,
                fmt::format("cannot connect to the mirror database {}: {}; check --db and the PG* environment "
                            "variables",
                            location, one_line(PQerrorMessage(connection.get()))));
  // Notices ("relation already exists, skipping") are no news to the user: libpq would print them.
  PQsetNoticeProcessor(connection.get(), [](void*, const char*) {}, nullptr);
  return Connection(std::move(connection), std::move(location));
}

Result<Rows> Connection::exec(std::string_view doing, const std::string& sql, const std::vector<Param>& params) {
  auto values = pointers(params);
  // Without parameters, the simple protocol: it takes several statements at once (migrations).
  ResultHandle result(values.empty() ? PQexec(m_connection.get(), sql.c_str())
                                     : PQexecParams(m_connection.get(), sql.c_str(), static_cast<int>(values.size()),
                                                    nullptr, values.data(), nullptr, nullptr, 0));
  return checked(doing, std::move(result));
}

Result<Rows> Connection::exec_prepared(std::string_view doing, const std::string& sql, const std::vector<Param>& params) {
  auto known = m_prepared.find(sql);
  if (known == m_prepared.end()) {
    std::string name = "crmexport_" + std::to_string(m_prepared.size());
    auto prepared = checked(doing, ResultHandle(PQprepare(m_connection.get(), name.c_str(), sql.c_str(), 0, nullptr)));
    if (!prepared) return prepared;
    known = m_prepared.emplace(sql, std::move(name)).first;
  }
  auto values = pointers(params);
  return checked(doing, ResultHandle(PQexecPrepared(m_connection.get(), known->second.c_str(),
                                                    static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                                                    0)));
}

Result<Rows> Connection::checked(std::string_view doing, ResultHandle result) {
  auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string reason = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(m_connection.get());
    return fail(ErrorKind::runtime,
                fmt::format("could not {} in the mirror database {}: {}", doing, m_location, one_line(reason)));
  }
  return Rows(std::move(result));
}

Result<Transaction> Transaction::begin(Connection& connection, std::string_view doing) {
  if (auto begun = connection.exec(doing, "BEGIN"); !begun) return std::unexpected(begun.error());
  return Transaction(connection);
}

Result<void> Transaction::commit(std::string_view doing) {
  auto* connection = std::exchange(m_connection, nullptr);
  if (auto done = connection->exec(doing, "COMMIT"); !done) return std::unexpected(done.error());
  return {};
}

Transaction::~Transaction() {
  if (m_connection) (void)m_connection->exec("roll back", "ROLLBACK");
}

}  // namespace crmexport::mirror::pg
