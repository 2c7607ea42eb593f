#pragma once
// The credential store: connections to CRM accounts and their secrets, in one private SQLite
// file that several crmexport processes may use at once.
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "lib/core/error.hpp"
#include "lib/store/connection.hpp"
#include "lib/store/mask.hpp"

namespace crmexport::store {

class Store {
 public:
  // Opens or creates the store at `path`: missing parent folders are created 0700, the file 0600
  // (an existing file readable by group/other is tightened to 0600); applies migrations; waits up
  // to 5 s for other crmexport processes holding the file locked. Never throws.
  static Result<Store> open(const std::filesystem::path& path);
  // $CRMEXPORT_STORE, else $XDG_CONFIG_HOME/crmexport/store.db, else $HOME/.config/crmexport/store.db
  // (--store is the caller's business); runtime error when none of these is set.
  static Result<std::filesystem::path> default_path();

  // Saves `connection` (its timestamps are ignored and set here). When the name exists: usage
  // error naming --force unless `replace`, in which case the row is overwritten but keeps created_at.
  Result<void> add(const Connection& connection, bool replace);
  // The connection called `name`, or nullopt when there is none.
  Result<std::optional<Connection>> find(std::string_view name) const;
  // Every connection, ordered by name.
  Result<std::vector<Connection>> list() const;
  // The connections of one provider, ordered by name.
  Result<std::vector<Connection>> list_by_provider(std::string_view provider) const;
  // Deletes the connection called `name`; false when there was none.
  Result<bool> remove(std::string_view name);
  // Replaces the secret of `name` and bumps its updated_at; usage error when there is no such connection.
  Result<void> update_secret(std::string_view name, std::string_view secret);
  // The schema version of the file, as migrated by open().
  int schema_version() const { return m_schema_version; }
  // The open database, for callers needing one transaction across reads and writes (OAuth refresh).
  SQLite::Database& database() { return *m_database; }
  // The file this store lives in, for messages.
  const std::filesystem::path& path() const { return m_path; }

 private:
  Store(std::filesystem::path path, std::unique_ptr<SQLite::Database> database, int schema_version);

  std::filesystem::path m_path;
  // Behind a pointer so that database() references survive moving the Store.
  std::unique_ptr<SQLite::Database> m_database;
  int m_schema_version = 0;
};

}  // namespace crmexport::store
