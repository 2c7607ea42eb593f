#include "lib/auth/oauth_authenticator.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/log.hpp"

namespace crmexport::auth {
namespace {

// Renew this long before expiry, so a token does not run out between apply() and the server;
// never more than half the token's life, so short-lived tokens are not renewed on every request.
constexpr std::int64_t k_safety_margin_seconds = 60;

}  // namespace

OAuthAuthenticator::OAuthAuthenticator(const OAuthFacts& facts, OAuthSecret secret, std::unique_ptr<TokenVault> vault,
                                       http::Transport& transport, http::Clock& clock, std::string reauthorise)
    : m_facts(facts),
      m_secret(std::move(secret)),
      m_vault(std::move(vault)),
      m_transport(transport),
      m_clock(clock),
      m_reauthorise(std::move(reauthorise)) {}

std::int64_t OAuthAuthenticator::now_unix() const {
  return std::chrono::duration_cast<std::chrono::seconds>(m_clock.wall_now().time_since_epoch()).count();
}

bool OAuthAuthenticator::expiring(const OAuthSecret& secret) const {
  if (secret.access_token.empty() || secret.expires_at <= 0) return true;
  std::int64_t margin = k_safety_margin_seconds;
  if (secret.issued_at > 0) margin = std::min(margin, (secret.expires_at - secret.issued_at) / 2);
  return now_unix() >= secret.expires_at - margin;
}

Result<void> OAuthAuthenticator::apply(http::Request& request) {
  std::lock_guard lock(m_mutex);
  if (expiring(m_secret))
    if (auto renewed = renew(false); !renewed) return renewed;
  request.headers.emplace_back(m_facts.header, m_facts.prefix + m_secret.access_token);
  return {};
}

Result<bool> OAuthAuthenticator::recover_from_unauthorized(std::string_view refused) {
  std::lock_guard lock(m_mutex);
  // Another thread renewed after this request went: its token is the one to try.
  if (!refused.empty() && refused != m_facts.prefix + m_secret.access_token) return true;
  if (auto renewed = renew(true); !renewed) return std::unexpected(renewed.error());
  return true;
}

Result<void> OAuthAuthenticator::renew(bool rejected) {
  const std::string ours = m_secret.access_token;
  auto updated = m_vault->update_locked([&](OAuthSecret stored) -> Result<OAuthSecret> {
    // Another process renewed since we read the token: use its token (ours may be the one the
    // server just rejected; its refresh token is the only live one now).
    if (stored.access_token != ours && !expiring(stored)) {
      log::debug("using the access token another crmexport process obtained");
      return stored;
    }
    if (!rejected && !expiring(stored)) return stored;
    if (stored.refresh_token.empty())
      return fail(ErrorKind::auth,
                  fmt::format("the access token has expired and there is no refresh token; re-authorise with `{}`",
                              m_reauthorise));
    TokenEndpoint endpoint(m_facts, m_transport);
    bool refused = false;
    auto grant = endpoint.refresh(stored, refused);
    ++m_refreshes;
    if (!grant) {
      if (refused)
        return fail(ErrorKind::auth,
                    fmt::format("the refresh token was refused ({}); the connection must be re-authorised: run `{}` "
                                "(the stored credentials are unchanged)",
                                grant.error().message, m_reauthorise),
                    grant.error().http_status);
      return std::unexpected(grant.error());
    }
    adopt_grant(stored, *grant, now_unix(), m_facts.default_lifetime);
    log::debug("access token renewed; it expires in {}s", stored.expires_at - stored.issued_at);
    return stored;
  });
  if (!updated) return std::unexpected(updated.error());
  m_secret = std::move(*updated);
  return {};
}

}  // namespace crmexport::auth
