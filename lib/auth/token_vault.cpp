#include "lib/auth/token_vault.hpp"

namespace crmexport::auth {

StoreTokenVault::StoreTokenVault(store::Store store, std::string connection_name)
    : m_store(std::move(store)), m_connection_name(std::move(connection_name)) {}

Result<OAuthSecret> StoreTokenVault::update_locked(const Update& update) {
  std::optional<OAuthSecret> result;
  auto refreshed = m_store.refresh(m_connection_name, [&](const std::string& stored) -> Result<std::optional<std::string>> {
    auto secret = OAuthSecret::from_json(stored);
    if (!secret) return std::unexpected(secret.error());
    auto updated = update(*secret);
    if (!updated) return std::unexpected(updated.error());
    result = *updated;
    // Unchanged (another process renewed first and we adopt its token): nothing to write.
    if (updated->to_json() == secret->to_json()) return std::nullopt;
    return updated->to_json();
  });
  if (!refreshed) return std::unexpected(refreshed.error());
  return *result;
}

}  // namespace crmexport::auth
