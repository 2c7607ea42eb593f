#pragma once
// Where an OAuth connection's tokens live between runs, and the lock that makes a refresh safe
// when several crmexport processes share one connection (rclone's oauthutil: re-read the stored
// token before refreshing, save the new one at once).
#include <functional>
#include <memory>

#include <string>

#include "lib/auth/oauth.hpp"
#include "lib/store/store.hpp"

namespace crmexport::auth {

class TokenVault {
 public:
  virtual ~TokenVault() = default;
  using Update = std::function<Result<OAuthSecret>(OAuthSecret stored)>;
  // Runs `update` on the secret as stored now, holding the connection against every other
  // refresh; saves (commits) what it returns before letting go. When `update` fails, nothing is saved.
  virtual Result<OAuthSecret> update_locked(const Update& update) = 0;
};

// The credential store's connection row (store::Store::refresh holds it while the update runs:
// SQLite's write lock, PostgreSQL's row lock; with SQLite, a full disk cannot lose the new pair).
// Holds its own Store (a second handle), so a refresh's transaction is never mixed with the
// caller's statements.
class StoreTokenVault : public TokenVault {
 public:
  StoreTokenVault(store::Store store, std::string connection_name);
  Result<OAuthSecret> update_locked(const Update& update) override;

 private:
  store::Store m_store;
  std::string m_connection_name;
};

}  // namespace crmexport::auth
