#pragma once
// Internal to lib/store: where a Store keeps its rows. One implementation per kind of location,
// chosen by Store::open from the location's scheme (store.cpp's table). A backend moves secrets
// as it is given them (sealed or not, lib/store/secret_box.hpp); encryption is the Store's.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/fields/field.hpp"
#include "lib/store/connection.hpp"

namespace crmexport::store {

class Backend {
 public:
  virtual ~Backend() = default;
  // Takes the secret stored now and returns the one to store instead, or nullopt to keep it.
  using Renew = std::function<Result<std::optional<std::string>>(const std::string& stored)>;

  // Saves `connection` (timestamps set here); usage error naming --force when the name is taken
  // and not `replace`; a replaced row keeps created_at.
  virtual Result<void> add(const Connection& connection, bool replace) = 0;
  // The connection called `name`, or nullopt.
  virtual Result<std::optional<Connection>> find(std::string_view name) = 0;
  // Every connection, or those of `provider` when it is not empty, in byte order of name.
  virtual Result<std::vector<Connection>> list(std::string_view provider) = 0;
  // Deletes the connection called `name`; false when there was none.
  virtual Result<bool> remove(std::string_view name) = 0;
  // Replaces the secret of `name` and bumps updated_at; usage error when there is no such connection.
  virtual Result<void> update_secret(std::string_view name, std::string_view secret) = 0;
  // Runs `renew` on the secret of `name` while no other process can read-to-renew it (SQLite:
  // the write lock; PostgreSQL: the row lock), and saves its answer before letting go. When
  // `renew` fails nothing is saved and its error is returned.
  virtual Result<void> refresh(std::string_view name, const Renew& renew) = 0;
  // Takes a connection's name and the secret stored now, and returns the one to store instead.
  using Reseal = std::function<Result<std::string>(const std::string& name, const std::string& stored)>;
  // Runs `reseal` on every connection's secret (SQLite: a pending renewed one, which is newer, in
  // place of the row's) in one transaction that no refresh can run beside (SQLite: the write lock;
  // PostgreSQL: the table locked), and saves every answer, updated_at unchanged, or none: when
  // `reseal` fails nothing is saved and its error is returned. The number of secrets saved.
  virtual Result<std::size_t> reseal_all(const Reseal& reseal) = 0;
  // The frozen readable field names of one connection and type, in the order first seen.
  virtual Result<std::vector<fields::Field>> load_field_names(std::string_view connection, std::string_view type) = 0;
  // Inserts or updates each field; first_seen stays, last_seen is now.
  virtual Result<void> save_field_names(std::string_view connection, std::string_view type,
                                        const std::vector<fields::Field>& fields) = 0;
  // Other hosts read this store: secrets are written to it only encrypted.
  virtual bool shared() const = 0;
  virtual int schema_version() const = 0;
  // Where it lives, for messages: a file path, or a URI without its password.
  virtual const std::string& location() const = 0;
};

Result<std::unique_ptr<Backend>> open_sqlite_backend(const std::string& path);
Result<std::unique_ptr<Backend>> open_postgres_backend(const std::string& uri);

}  // namespace crmexport::store
