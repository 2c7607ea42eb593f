#include "lib/pg/connection.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "lib/core/redact.hpp"

namespace crmexport::pg {
namespace {

// libpq waits for ever by default; a server that does not answer should end the run, not hang it.
constexpr const char* k_default_connect_timeout_s = "10";

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

Result<void> check_conninfo(const std::string& conninfo, std::string_view option) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    std::string message = error ? one_line(error) : "out of memory";
    PQfreemem(error);
    return fail(ErrorKind::usage, fmt::format("{}: libpq cannot read this PostgreSQL URI: {}; the form is "
                                              "postgresql://USER@HOST:PORT/DATABASE",
                                              option, message));
  }
  bool password = false;
  for (auto* entry = options; entry->keyword; ++entry)
    if (std::string_view(entry->keyword) == "password" && entry->val && *entry->val) password = true;
  PQconninfoFree(options);
  if (password)
    return fail(ErrorKind::usage,
                fmt::format("{}: a password in the PostgreSQL URI would show in the process list; remove it and put "
                            "it in ~/.pgpass (or the file PGPASSFILE names), or in the PGPASSWORD environment variable",
                            option));
  return {};
}

Result<Connection> Connection::open(const std::string& conninfo, Target target) {
  // Later entries override earlier ones, so the URI's own connect_timeout (or PGCONNECT_TIMEOUT,
  // when ours is left out) wins over the default.
  std::vector<const char*> keys = {"application_name"};
  std::vector<const char*> values = {"crmexport"};
  if (!std::getenv("PGCONNECT_TIMEOUT")) {
    keys.push_back("connect_timeout");
    values.push_back(k_default_connect_timeout_s);
  }
  keys.push_back("dbname");
  values.push_back(conninfo.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  std::unique_ptr<PGconn, ConnectionDeleter> connection(PQconnectdbParams(keys.data(), values.data(), 1));
  if (!connection) return fail(ErrorKind::runtime, "out of memory connecting to PostgreSQL");
  if (PQstatus(connection.get()) != CONNECTION_OK)
    return fail(ErrorKind::runtime, fmt::format("could not connect to {} {}: {}; {}", target.what, target.location,
                                                one_line(PQerrorMessage(connection.get())), target.check));
  // Notices ("relation already exists, skipping") are no news to the user: libpq would print them.
  PQsetNoticeProcessor(connection.get(), [](void*, const char*) {}, nullptr);
  return Connection(std::move(connection), std::move(target));
}

Result<Rows> Connection::exec(std::string_view doing, const std::string& sql, const std::vector<Param>& params) {
  auto values = pointers(params);
  // Without parameters, the simple protocol: it takes several statements at once (migrations).
  ResultHandle result(values.empty() ? PQexec(m_connection.get(), sql.c_str())
                                     : PQexecParams(m_connection.get(), sql.c_str(), static_cast<int>(values.size()),
                                                    nullptr, values.data(), nullptr, nullptr, 0));
  return checked(doing, std::move(result));
}

namespace {

void append_int32(std::string& out, std::int32_t value) {
  const auto bits = static_cast<std::uint32_t>(value);
  const char bytes[4] = {static_cast<char>(bits >> 24), static_cast<char>(bits >> 16), static_cast<char>(bits >> 8),
                         static_cast<char>(bits)};
  out.append(bytes, 4);
}

constexpr std::int32_t k_text_oid = 25;
constexpr Oid k_text_array_oid = 1009;

}  // namespace

void TextArray::push(std::optional<std::string_view> value) {
  ++m_count;
  if (!value) {
    m_nulls = true;
    append_int32(m_elements, -1);
    return;
  }
  append_int32(m_elements, static_cast<std::int32_t>(value->size()));
  m_elements.append(*value);
}

std::string TextArray::bytes() const {
  std::string out;
  out.reserve(20 + m_elements.size());
  append_int32(out, m_count == 0 ? 0 : 1);  // dimensions: an empty array has none
  append_int32(out, m_nulls ? 1 : 0);
  append_int32(out, k_text_oid);
  if (m_count == 0) return out;
  append_int32(out, static_cast<std::int32_t>(m_count));
  append_int32(out, 1);  // lower bound
  out += m_elements;
  return out;
}

Result<Rows> Connection::exec_arrays(std::string_view doing, const std::string& sql, const std::vector<Param>& params,
                                     const std::vector<const TextArray*>& arrays) {
  std::vector<std::string> sent;
  sent.reserve(arrays.size());
  for (const auto* array : arrays) sent.push_back(array->bytes());
  auto values = pointers(params);
  std::vector<Oid> types(params.size(), 0);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (const auto& bytes : sent) {
    values.push_back(bytes.data());
    types.push_back(k_text_array_oid);
    lengths.push_back(static_cast<int>(bytes.size()));
    formats.push_back(1);
  }
  return checked(doing, ResultHandle(PQexecParams(m_connection.get(), sql.c_str(), static_cast<int>(values.size()),
                                                  types.data(), values.data(), lengths.data(), formats.data(), 0)));
}

Result<Rows> Connection::checked(std::string_view doing, ResultHandle result) {
  auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* primary = result ? PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    return fail(ErrorKind::runtime, fmt::format("could not {} in {} {}: {}", doing, m_target.what, m_target.location,
                                                one_line(primary ? primary : PQerrorMessage(m_connection.get()))));
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

}  // namespace crmexport::pg
