#pragma once
// Where an OAuth connection's tokens live between runs, and the lock that makes a refresh safe
// when several crmexport processes share one connection (rclone's oauthutil: re-read the stored
// token before refreshing, save the new one at once).
#include <functional>
#include <memory>

#include <SQLiteCpp/Transaction.h>
#include <string>

#include "lib/auth/oauth.hpp"
#include "lib/store/pending_secrets.hpp"
#include "lib/store/store.hpp"

namespace crmexport::auth {

class TokenVault {
 public:
  virtual ~TokenVault() = default;
  using Update = std::function<Result<OAuthSecret>(OAuthSecret stored)>;
  // Runs `update` on the secret as stored now, holding the store's write lock; saves (commits)
  // what it returns before the lock goes. When `update` fails, nothing is saved.
  virtual Result<OAuthSecret> update_locked(const Update& update) = 0;
};

// The credential store's connections table. Holds its own Store (a second SQLite handle), so a
// refresh's transaction is never mixed with the caller's statements.
//
// A full disk must not lose a rotated refresh token (store::PendingSecrets says how): room for
// the new pair is reserved before the token endpoint is asked, the pair is written there before
// the store, and a pair waiting there is the live one, folded into the store by the next update
// that can write it. When only the store cannot be written, the update still succeeds (the run
// goes on with the new token) and says so once.
class StoreTokenVault : public TokenVault {
 public:
  StoreTokenVault(store::Store store, std::string connection_name);
  Result<OAuthSecret> update_locked(const Update& update) override;

 private:
  // Saves `secret` in the store and commits; false (after a note) when the store cannot be written.
  bool save_in_store(SQLite::Transaction& transaction, const OAuthSecret& secret);

  store::Store m_store;
  store::PendingSecrets m_pending;
  std::string m_connection_name;
};

}  // namespace crmexport::auth
