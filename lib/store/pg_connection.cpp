#include "lib/store/pg_connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "lib/core/redact.hpp"

namespace crmexport::store {
namespace {

// libpq waits for ever by default; a store that does not answer should end the run, not hang it.
constexpr const char* k_default_connect_timeout_s = "10";

std::string first_line(std::string_view text) {
  auto line = text.substr(0, text.find('\n'));
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  return std::string(line);
}

}  // namespace

PgResult::PgResult(pg_result* result) : m_result(result, &PQclear) {}

int PgResult::rows() const { return PQntuples(m_result.get()); }

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(m_result.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(m_result.get(), row, column)));
}

long PgResult::affected() const {
  const char* count = PQcmdTuples(m_result.get());
  return count && *count ? std::atol(count) : 0;
}

PgConnection::PgConnection(pg_conn* connection, std::string shown)
    : m_connection(connection, &PQfinish), m_shown(std::move(shown)) {}

Result<PgConnection> PgConnection::open(const std::string& uri, std::string shown) {
  // Later entries override earlier ones, so the URI's own connect_timeout (or PGCONNECT_TIMEOUT,
  // when ours is left out) wins over the default.
  const bool env_timeout = std::getenv("PGCONNECT_TIMEOUT") != nullptr;
  std::vector<const char*> keys = {"application_name"};
  std::vector<const char*> values = {"crmexport"};
  if (!env_timeout) {
    keys.push_back("connect_timeout");
    values.push_back(k_default_connect_timeout_s);
  }
  keys.push_back("dbname");
  values.push_back(uri.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnection connection(PQconnectdbParams(keys.data(), values.data(), 1), std::move(shown));
  if (!connection.m_connection)
    return fail(ErrorKind::runtime, fmt::format("could not connect to the credential store {}: out of memory",
                                                connection.m_shown));
  if (PQstatus(connection.m_connection.get()) != CONNECTION_OK)
    return fail(ErrorKind::runtime,
                fmt::format("could not connect to the credential store {}: {}; check the URI given to --store or "
                            "CRMEXPORT_STORE, and that the server runs",
                            connection.m_shown, first_line(PQerrorMessage(connection.m_connection.get()))));
  // libpq prints the server's notices ("schema ... already exists, skipping") on stderr: none is for the user.
  PQsetNoticeProcessor(connection.m_connection.get(), [](void*, const char*) {}, nullptr);
  return connection;
}

Result<PgResult> PgConnection::exec(std::string_view doing, const std::string& sql,
                                    const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& param : params) values.push_back(param.c_str());
  pg_result* raw = PQexecParams(m_connection.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0);
  PgResult result(raw);
  const auto status = PQresultStatus(raw);
  if (raw && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return result;
  // The primary message only: DETAIL ("Failing row contains ...") may quote a secret.
  const char* primary = raw ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return fail(ErrorKind::runtime,
              fmt::format("could not {} in the credential store {}: {}", doing, m_shown,
                          primary ? std::string(primary) : first_line(PQerrorMessage(m_connection.get()))));
}

Result<PgTransaction> PgTransaction::begin(PgConnection& connection, std::string_view doing) {
  if (auto begun = connection.exec(doing, "BEGIN"); !begun) return std::unexpected(begun.error());
  return PgTransaction(connection);
}

PgTransaction::PgTransaction(PgTransaction&& other) noexcept
    : m_connection(other.m_connection), m_open(std::exchange(other.m_open, false)) {}

PgTransaction::~PgTransaction() {
  if (m_open) (void)m_connection->exec("roll back", "ROLLBACK");
}

Result<void> PgTransaction::commit(std::string_view doing) {
  m_open = false;
  auto committed = m_connection->exec(doing, "COMMIT");
  if (!committed) return std::unexpected(committed.error());
  return {};
}

std::string shown_uri(std::string_view uri) {
  std::string shown(uri);
  // postgresql://user:password@host/...: the password sits between the first ':' after the
  // scheme and the '@' that ends the user part.
  const auto scheme_end = shown.find("://");
  if (scheme_end != std::string::npos) {
    const auto authority = scheme_end + 3;
    const auto at = shown.find('@', authority);
    const auto slash = shown.find('/', authority);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = shown.find(':', authority);
      if (colon != std::string::npos && colon < at) {
        redact::add_secret(shown.substr(colon + 1, at - colon - 1));
        shown.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  // ...?password=secret&...
  for (auto at = shown.find("password="); at != std::string::npos; at = shown.find("password=", at + 1)) {
    const auto value = at + 9;
    const auto end = shown.find('&', value);
    const auto length = (end == std::string::npos ? shown.size() : end) - value;
    redact::add_secret(shown.substr(value, length));
    shown.replace(value, length, "***");
  }
  return shown;
}

}  // namespace crmexport::store
