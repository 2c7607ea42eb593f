#pragma once
// The credential store: connections to CRM accounts, their secrets and the readable names given
// to their fields. It lives in a private SQLite file (one host) or in PostgreSQL (shared by
// hosts), behind one Backend each (lib/store/backend.hpp); the Store itself encrypts secrets
// when a key is set (lib/store/secret_box.hpp), so both keep them the same way.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/fields/field.hpp"
#include "lib/store/connection.hpp"
#include "lib/store/mask.hpp"
#include "lib/store/secret_box.hpp"

namespace crmexport::store {

class Backend;

class Store {
 public:
  // Opens or creates the store at `location`: a libpq URI (postgresql:// or postgres://) or a
  // file path. A file: missing parent folders are created 0700, the file 0600 (an existing file
  // readable by group/other is tightened); waits up to 5 s for other processes holding it locked.
  // Either: applies migrations. The key comes from the environment (StoreKey::from_environment).
  // Never throws.
  static Result<Store> open(const std::string& location);
  static Result<Store> open(const std::string& location, std::optional<StoreKey> key);
  // $CRMEXPORT_STORE, else $XDG_CONFIG_HOME/crmexport/store.db, else $HOME/.config/crmexport/store.db
  // (--store is the caller's business); runtime error when none of these is set.
  static Result<std::filesystem::path> default_path();
  // Whether `location` names a file (a SQLite store), not a server's URI.
  static bool is_file_location(std::string_view location);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Saves `connection` (its timestamps are ignored and set here). When the name exists: usage
  // error naming --force unless `replace`, in which case the row is overwritten but keeps created_at.
  // The secret is encrypted when a key is set; a shared store without a key refuses it (usage).
  Result<void> add(const Connection& connection, bool replace);
  // The connection called `name` (secret decrypted), or nullopt when there is none.
  Result<std::optional<Connection>> find(std::string_view name) const;
  // Every connection, ordered by name.
  Result<std::vector<Connection>> list() const;
  // The connections of one provider, ordered by name.
  Result<std::vector<Connection>> list_by_provider(std::string_view provider) const;
  // Deletes the connection called `name`; false when there was none.
  Result<bool> remove(std::string_view name);
  // Replaces the secret of `name` and bumps its updated_at; usage error when there is no such connection.
  Result<void> update_secret(std::string_view name, std::string_view secret);
  // Runs `renew` on the secret of `name` as stored now (decrypted), holding it against every
  // other process's refresh, and saves what it returns (nullopt: nothing to save) before letting
  // go: how an OAuth refresh stays safe with single-use refresh tokens. When `renew` fails
  // nothing is saved and its error is returned.
  using Renew = std::function<Result<std::optional<std::string>>(const std::string& secret)>;
  Result<void> refresh(std::string_view name, const Renew& renew);
  // Every connection's secret opened with the current key and sealed again with `new_key` (or,
  // nullopt, kept in plain text: refused by a shared store), in one transaction that holds off
  // every refresh: all of them or, when one does not open (its error names it), none. From then
  // on this Store uses `new_key`. The number of secrets written.
  Result<std::size_t> rekey(std::optional<StoreKey> new_key);
  // The frozen readable field names of one connection and type, in the order first seen.
  Result<std::vector<fields::Field>> load_field_names(std::string_view connection, std::string_view type);
  // Inserts or updates each field (name, label, type, options); first_seen stays, last_seen is now.
  Result<void> save_field_names(std::string_view connection, std::string_view type,
                                const std::vector<fields::Field>& fields);
  // Usage error (naming CRMEXPORT_STORE_KEY) when secrets cannot be saved here: a shared store
  // without a key. For commands to ask before they obtain a secret they could not keep.
  Result<void> check_secrets_writable() const;
  // The schema version, as migrated by open().
  int schema_version() const;
  // Where the store lives, for messages: a file path, or a URI without its password.
  const std::string& location() const;
  // The key secrets are encrypted with, if any.
  const std::optional<StoreKey>& key() const { return m_key; }

 private:
  Store(std::unique_ptr<Backend> backend, std::optional<StoreKey> key);
  // What the backend keeps for `secret`: sealed when there is a key; refused by a shared store without one.
  Result<std::string> conceal(std::string_view name, std::string_view secret) const;
  Result<Connection> reveal(Connection connection) const;
  Result<std::vector<Connection>> reveal_all(Result<std::vector<Connection>> connections) const;

  std::unique_ptr<Backend> m_backend;
  std::optional<StoreKey> m_key;
};

}  // namespace crmexport::store
