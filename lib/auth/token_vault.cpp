#include "lib/auth/token_vault.hpp"

#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

namespace crmexport::auth {
namespace {

// Another process may hold the lock for one token request (connect + answer); wait that long and
// some more rather than fail an export that would have adopted its token.
constexpr int k_refresh_busy_timeout_ms = 120000;

}  // namespace

StoreTokenVault::StoreTokenVault(store::Store store, std::string connection_name)
    : m_store(std::move(store)), m_connection_name(std::move(connection_name)) {
  m_store.database().setBusyTimeout(k_refresh_busy_timeout_ms);
}

Result<OAuthSecret> StoreTokenVault::update_locked(const Update& update) {
  try {
    // IMMEDIATE takes the write lock before the read: a second process refreshing at the same
    // moment waits here, then reads the token this one saved.
    SQLite::Transaction transaction(m_store.database(), SQLite::TransactionBehavior::IMMEDIATE);
    auto found = m_store.find(m_connection_name);
    if (!found) return std::unexpected(found.error());
    if (!*found)
      return fail(ErrorKind::auth, fmt::format("the connection '{}' is no longer in the credential store {}",
                                               m_connection_name, m_store.path().string()));
    auto stored = OAuthSecret::from_json((*found)->secret);
    if (!stored) return std::unexpected(stored.error());
    auto updated = update(*stored);
    if (!updated) return updated;  // the transaction rolls back: the store stays as it was
    if (updated->to_json() != stored->to_json()) {
      if (auto saved = m_store.update_secret(m_connection_name, updated->to_json()); !saved)
        return std::unexpected(saved.error());
    }
    transaction.commit();
    return updated;
  } catch (const std::exception& e) {
    return fail(ErrorKind::runtime, fmt::format("could not save the refreshed token of '{}' in {}: {}",
                                                m_connection_name, m_store.path().string(), e.what()));
  }
}

}  // namespace crmexport::auth
