#pragma once
// OAuth2 access tokens for the HTTP client: renewed shortly before they expire and once after a
// 401, through the TokenVault so that concurrent processes and crashes never lose a rotated
// refresh token.
#include <memory>
#include <mutex>
#include <string>

#include "lib/auth/authenticator.hpp"
#include "lib/auth/oauth.hpp"
#include "lib/auth/token_vault.hpp"

namespace crmexport::auth {

class OAuthAuthenticator : public Authenticator {
 public:
  // `reauthorise` is the command that fixes a refused refresh, quoted in that error.
  OAuthAuthenticator(const OAuthFacts& facts, OAuthSecret secret, std::unique_ptr<TokenVault> vault,
                     http::Transport& transport, http::Clock& clock, std::string reauthorise);

  Result<void> apply(http::Request& request) override;
  Result<bool> recover_from_unauthorized(std::string_view refused) override;

  long refreshes() const { return m_refreshes; }  // token requests this process made

 private:
  bool expiring(const OAuthSecret& secret) const;
  std::int64_t now_unix() const;
  // Renews under the vault's lock: adopts a token another process saved meanwhile, else refreshes.
  Result<void> renew(bool rejected);

  const OAuthFacts& m_facts;
  OAuthSecret m_secret;
  std::unique_ptr<TokenVault> m_vault;
  http::Transport& m_transport;
  http::Clock& m_clock;
  std::string m_reauthorise;
  // Single flight: one thread renews while the others wait, then use its token.
  std::mutex m_mutex;
  long m_refreshes = 0;
};

}  // namespace crmexport::auth
