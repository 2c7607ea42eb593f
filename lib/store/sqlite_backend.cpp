// The credential store in one private SQLite file that several crmexport processes of one host
// may use at once.
#include <fmt/format.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "lib/core/log.hpp"
#include "lib/store/backend.hpp"
#include "lib/store/field_names.hpp"
#include "lib/store/migrations.hpp"
#include "lib/store/pending_secrets.hpp"
#include "lib/store/private_file.hpp"
#include "lib/store/sqlite_error.hpp"

namespace crmexport::store {
namespace {

// Long enough to ride out another crmexport saving a refreshed token; short enough to report a stuck one.
constexpr int k_busy_timeout_ms = 5000;
// A refresh waits for another process's token request (connect + answer), and some more, rather
// than fail an export that would have adopted its token.
constexpr int k_refresh_busy_timeout_ms = 120000;
// Room kept beside the store for renewed secrets: a secret is well under 4 KiB, so this holds the
// pending pairs of many connections at once.
constexpr std::size_t k_min_pending_room = 64 * 1024;
constexpr mode_t k_only_owner_umask = 077;

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

// A new seal of the same secret: updated_at stays, the credentials did not change.
constexpr const char* k_reseal = "UPDATE connections SET secret = ?2 WHERE name = ?1";

constexpr const char* k_select_fields =
    "SELECT key, name, label, field_type, custom, multiple, options FROM field_names "
    "WHERE connection = ?1 AND type = ?2 ORDER BY first_seen, rowid";

constexpr const char* k_upsert_field =
    "INSERT INTO field_names(connection, type, key, name, label, field_type, custom, multiple, options, first_seen, "
    "last_seen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
    "ON CONFLICT(connection, type, key) DO UPDATE SET name = excluded.name, label = excluded.label, "
    "field_type = excluded.field_type, custom = excluded.custom, multiple = excluded.multiple, "
    "options = excluded.options, last_seen = excluded.last_seen";

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

// SQLiteCpp binds std::string, not std::string_view.
std::string text(std::string_view value) { return std::string(value); }

// A longer busy timeout for one scope.
class ScopedBusyTimeout {
 public:
  ScopedBusyTimeout(SQLite::Database& database, int during_ms, int after_ms)
      : m_database(database), m_after_ms(after_ms) {
    m_database.setBusyTimeout(during_ms);
  }
  ~ScopedBusyTimeout() { m_database.setBusyTimeout(m_after_ms); }
  ScopedBusyTimeout(const ScopedBusyTimeout&) = delete;
  ScopedBusyTimeout& operator=(const ScopedBusyTimeout&) = delete;

 private:
  SQLite::Database& m_database;
  int m_after_ms;
};

class SqliteBackend : public Backend {
 public:
  SqliteBackend(std::string path, std::unique_ptr<SQLite::Database> database, int schema_version)
      : m_path(std::move(path)), m_database(std::move(database)), m_pending(m_path), m_schema_version(schema_version) {}

  Result<void> add(const Connection& connection, bool replace) override {
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

  Result<std::optional<Connection>> find(std::string_view name) override {
    return guard_sqlite(m_path, fmt::format("read the connection '{}'", name),
                        [&]() -> Result<std::optional<Connection>> {
                          SQLite::Statement query(*m_database, std::string(k_select) + "WHERE name = ?1");
                          query.bind(1, text(name));
                          if (!query.executeStep()) return std::nullopt;
                          return read_connection(query);
                        });
  }

  Result<std::vector<Connection>> list(std::string_view provider) override {
    return guard_sqlite(m_path, provider.empty() ? "list the connections" : fmt::format("list the {} connections", provider),
                        [&]() -> Result<std::vector<Connection>> {
                          SQLite::Statement query(*m_database, std::string(k_select) +
                                                                   "WHERE ?1 = '' OR provider = ?1 ORDER BY name");
                          query.bind(1, text(provider));
                          std::vector<Connection> connections;
                          while (query.executeStep()) connections.push_back(read_connection(query));
                          return connections;
                        });
  }

  Result<bool> remove(std::string_view name) override {
    return guard_sqlite(m_path, fmt::format("remove the connection '{}'", name), [&]() -> Result<bool> {
      SQLite::Statement erase(*m_database, "DELETE FROM connections WHERE name = ?1");
      erase.bind(1, text(name));
      return erase.exec() > 0;
    });
  }

  Result<void> update_secret(std::string_view name, std::string_view secret) override {
    return guard_sqlite(m_path, fmt::format("save the new secret of '{}'", name), [&]() -> Result<void> {
      SQLite::Statement update(*m_database, k_update_secret);
      update.bind(1, text(name));
      update.bind(2, text(secret));
      if (update.exec() == 0) {
        return fail(ErrorKind::usage, fmt::format("there is no connection named '{}' in the credential store {}; "
                                                  "list the connections to see their names",
                                                  name, m_path));
      }
      return {};
    });
  }

  // A full disk must not lose a rotated refresh token (PendingSecrets says how): room for the new
  // secret is reserved before `renew` runs, the new secret is written there before the store, and
  // one waiting there is the live one, folded into the store by the next refresh that can write
  // it. When only the store cannot be written, the refresh still succeeds (the run goes on with
  // the new token) and says so once.
  Result<void> refresh(std::string_view name_view, const Renew& renew) override {
    const std::string name(name_view);
    try {
      const ScopedBusyTimeout patient(*m_database, k_refresh_busy_timeout_ms, k_busy_timeout_ms);
      // IMMEDIATE takes the write lock before the read: a second process refreshing at the same
      // moment waits here, then reads the secret this one saved (in the store, or pending beside it).
      SQLite::Transaction transaction(*m_database, SQLite::TransactionBehavior::IMMEDIATE);
      auto found = find(name);
      if (!found) return std::unexpected(found.error());
      if (!*found)
        return fail(ErrorKind::auth,
                    fmt::format("the connection '{}' is no longer in the credential store {}", name, m_path));
      auto pending = m_pending.read();
      if (!pending) return std::unexpected(pending.error());
      const auto waiting = pending->find(name);
      const std::string live = waiting != pending->end() ? waiting->second : (*found)->secret;
      // Room first, while nothing is lost yet: without it, no refresh is attempted at all.
      std::size_t room = k_min_pending_room;
      for (const auto& [other, secret] : *pending) room += 2 * (other.size() + secret.size());
      if (auto reserved = m_pending.reserve(room); !reserved) {
        reserved.error().message += "; the token was not renewed, the connection is unchanged";
        return std::unexpected(reserved.error());
      }

      auto renewed = renew(live);
      if (!renewed || !*renewed) {
        // Nothing new to keep; a secret that was waiting still goes into the store if it can.
        if (waiting != pending->end() && save_in_store(transaction, name, live)) {
          pending->erase(name);
          (void)m_pending.write(*pending);
        } else if (renewed && waiting == pending->end()) {
          transaction.commit();
        }
        if (!renewed) return std::unexpected(renewed.error());
        return {};  // otherwise the transaction rolls back: the store stays as it was
      }
      (*pending)[name] = **renewed;
      auto kept = m_pending.write(*pending);  // before the store: from here on, it survives a full disk
      if (save_in_store(transaction, name, **renewed)) {
        pending->erase(name);
        if (auto cleared = m_pending.write(*pending); !cleared)
          log::debug("{}", cleared.error().message);  // harmless: the store holds the same secret now
      } else if (!kept) {
        return std::unexpected(kept.error());
      }
      return {};
    } catch (const std::exception& e) {
      return fail(ErrorKind::runtime,
                  fmt::format("could not save the refreshed token of '{}' in {}: {}", name, m_path, e.what()));
    }
  }

  // Under the write lock a refresh takes, so none runs beside it; a pending secret (newer than its
  // row) is what gets re-sealed, into the row, and leaves the pending file once the rows committed.
  Result<std::size_t> reseal_all(const Reseal& reseal) override {
    return guard_sqlite(m_path, "re-encrypt the secrets", [&]() -> Result<std::size_t> {
      const ScopedBusyTimeout patient(*m_database, k_refresh_busy_timeout_ms, k_busy_timeout_ms);
      SQLite::Transaction transaction(*m_database, SQLite::TransactionBehavior::IMMEDIATE);
      auto pending = m_pending.read();
      if (!pending) return std::unexpected(pending.error());
      auto connections = list("");
      if (!connections) return std::unexpected(connections.error());
      SQLite::Statement update(*m_database, k_reseal);
      bool folded = false;
      for (const auto& connection : *connections) {
        const auto waiting = pending->find(connection.name);
        const bool is_pending = waiting != pending->end();
        auto resealed = reseal(connection.name, is_pending ? waiting->second : connection.secret);
        if (!resealed) return std::unexpected(resealed.error());  // the transaction rolls back
        update.bind(1, connection.name);
        update.bind(2, *resealed);
        update.exec();
        update.reset();
        if (is_pending) {
          pending->erase(waiting);
          folded = true;
        }
      }
      transaction.commit();
      // The rows hold those secrets now, under the new key: one left pending would be read first, and not open.
      if (folded)
        if (auto cleared = m_pending.write(*pending); !cleared)
          return fail(ErrorKind::runtime,
                      fmt::format("the secrets were re-encrypted, but {} still holds renewed tokens under the old key "
                                  "({}); remove that file",
                                  m_pending.path().string(), cleared.error().message));
      return connections->size();
    });
  }

  Result<std::vector<fields::Field>> load_field_names(std::string_view connection, std::string_view type) override {
    return guard_sqlite(m_path, fmt::format("read the field names of {} {}", connection, type),
                        [&]() -> Result<std::vector<fields::Field>> {
                          SQLite::Statement query(*m_database, k_select_fields);
                          query.bind(1, text(connection));
                          query.bind(2, text(type));
                          std::vector<fields::Field> fields;
                          while (query.executeStep()) fields.push_back(field_from_row(query));
                          return fields;
                        });
  }

  Result<void> save_field_names(std::string_view connection, std::string_view type,
                                const std::vector<fields::Field>& fields) override {
    return guard_sqlite(m_path, fmt::format("save the field names of {} {}", connection, type), [&]() -> Result<void> {
      SQLite::Transaction transaction(*m_database, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement upsert(*m_database, k_upsert_field);
      for (const auto& f : fields) {
        upsert.bind(1, text(connection));
        upsert.bind(2, text(type));
        upsert.bind(3, f.key);
        upsert.bind(4, f.name);
        upsert.bind(5, f.label);
        upsert.bind(6, f.type);
        upsert.bind(7, f.custom ? 1 : 0);
        upsert.bind(8, f.multiple ? 1 : 0);
        upsert.bind(9, fields::options_json(f.options));
        upsert.exec();
        upsert.reset();
      }
      transaction.commit();
      return {};
    });
  }

  bool shared() const override { return false; }
  int schema_version() const override { return m_schema_version; }
  const std::string& location() const override { return m_path; }

 private:
  // Saves `secret` in the store and commits; false (after a note) when the store cannot be written.
  bool save_in_store(SQLite::Transaction& transaction, const std::string& name, const std::string& secret) {
    std::string reason;
    try {
      auto saved = update_secret(name, secret);
      if (saved) {
        transaction.commit();
        return true;
      }
      reason = saved.error().message;
    } catch (const std::exception& e) {
      reason = e.what();
    }
    log::warn("the renewed token of '{}' could not be saved in {} ({}); it is kept in {} until a run can write the "
              "store",
              name, m_path, reason, m_pending.path().string());
    return false;
  }

  std::string m_path;
  std::unique_ptr<SQLite::Database> m_database;
  PendingSecrets m_pending;
  int m_schema_version = 0;
};

}  // namespace

Result<std::unique_ptr<Backend>> open_sqlite_backend(const std::string& location) {
  const std::filesystem::path path(location);
  if (auto made = make_private_folders(path.parent_path()); !made) return std::unexpected(made.error());
  // The file exists with its final mode before SQLite sees it, so it is never briefly world-readable.
  if (auto made = make_private_file(path); !made) return std::unexpected(made.error());

  return guard_sqlite(path, "open it", [&]() -> Result<std::unique_ptr<Backend>> {
    const ScopedUmask private_side_files(k_only_owner_umask);
    auto database = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE, k_busy_timeout_ms);
    // Deleted and replaced secrets are overwritten on disk instead of lingering in free pages.
    database->exec("PRAGMA secure_delete = ON");
    auto version = migrate(*database, path);
    if (!version) return std::unexpected(version.error());
    return std::make_unique<SqliteBackend>(location, std::move(database), *version);
  });
}

}  // namespace crmexport::store
