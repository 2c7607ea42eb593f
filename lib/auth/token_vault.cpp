#include "lib/auth/token_vault.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/log.hpp"

namespace crmexport::auth {
namespace {

// Another process may hold the lock for one token request (connect + answer); wait that long and
// some more rather than fail an export that would have adopted its token.
constexpr int k_refresh_busy_timeout_ms = 120000;
// Room kept beside the store for renewed secrets: a secret is well under 4 KiB, so this holds the
// pending pairs of many connections at once.
constexpr std::size_t k_min_pending_room = 64 * 1024;

}  // namespace

StoreTokenVault::StoreTokenVault(store::Store store, std::string connection_name)
    : m_store(std::move(store)), m_pending(m_store.path()), m_connection_name(std::move(connection_name)) {
  m_store.database().setBusyTimeout(k_refresh_busy_timeout_ms);
}

bool StoreTokenVault::save_in_store(SQLite::Transaction& transaction, const OAuthSecret& secret) {
  std::string reason;
  try {
    auto saved = m_store.update_secret(m_connection_name, secret.to_json());
    if (saved) {
      transaction.commit();
      return true;
    }
    reason = saved.error().message;
  } catch (const std::exception& e) {
    reason = e.what();
  }
  log::warn("the renewed token of '{}' could not be saved in {} ({}); it is kept in {} until a run can write the store",
            m_connection_name, m_store.path().string(), reason, m_pending.path().string());
  return false;
}

Result<OAuthSecret> StoreTokenVault::update_locked(const Update& update) {
  try {
    // IMMEDIATE takes the write lock before the read: a second process refreshing at the same
    // moment waits here, then reads the token this one saved (in the store, or pending beside it).
    SQLite::Transaction transaction(m_store.database(), SQLite::TransactionBehavior::IMMEDIATE);
    auto found = m_store.find(m_connection_name);
    if (!found) return std::unexpected(found.error());
    if (!*found)
      return fail(ErrorKind::auth, fmt::format("the connection '{}' is no longer in the credential store {}",
                                               m_connection_name, m_store.path().string()));
    auto in_store = OAuthSecret::from_json((*found)->secret);
    if (!in_store) return std::unexpected(in_store.error());
    auto pending = m_pending.read();
    if (!pending) return std::unexpected(pending.error());
    auto waiting = pending->find(m_connection_name);
    auto stored = in_store;
    if (waiting != pending->end()) {
      stored = OAuthSecret::from_json(waiting->second);  // newer than the store's: the live pair
      if (!stored) return std::unexpected(stored.error());
    }
    // Room first, while nothing is lost yet: without it, no refresh is attempted at all.
    std::size_t room = k_min_pending_room;
    for (const auto& [name, secret] : *pending) room += 2 * (name.size() + secret.size());
    if (auto reserved = m_pending.reserve(room); !reserved) {
      reserved.error().message += "; the token was not renewed, the connection is unchanged";
      return std::unexpected(reserved.error());
    }

    auto updated = update(*stored);
    if (!updated) {
      // Nothing new to keep; a pair that was waiting still goes into the store if it can.
      if (waiting != pending->end() && save_in_store(transaction, *stored)) {
        pending->erase(m_connection_name);
        (void)m_pending.write(*pending);
      }
      return updated;  // otherwise the transaction rolls back: the store stays as it was
    }
    if (updated->to_json() == in_store->to_json()) {
      transaction.commit();
      return updated;
    }
    Result<void> kept;
    if (updated->to_json() != stored->to_json()) {
      (*pending)[m_connection_name] = updated->to_json();
      kept = m_pending.write(*pending);  // before the store: from here on, the pair survives a full disk
    }
    if (save_in_store(transaction, *updated)) {
      pending->erase(m_connection_name);
      if (auto cleared = m_pending.write(*pending); !cleared)
        log::debug("{}", cleared.error().message);  // harmless: the store holds the same pair now
    } else if (!kept) {
      return std::unexpected(kept.error());
    }
    return updated;
  } catch (const std::exception& e) {
    return fail(ErrorKind::runtime, fmt::format("could not save the refreshed token of '{}' in {}: {}",
                                                m_connection_name, m_store.path().string(), e.what()));
  }
}

}  // namespace crmexport::auth
