#pragma once
// How a request gets its credentials. The HTTP client calls it; providers only say which kind.
#include <string>
#include <string_view>

#include "lib/core/error.hpp"
#include "lib/http/message.hpp"

namespace crmexport::auth {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Adds credentials to the request, first renewing a token that is about to expire.
  virtual Result<void> apply(http::Request& request) = 0;
  // After a 401 of a request that carried `refused` (the credential header apply() added): true
  // when fresh credentials were obtained and the request is worth one more try. Both may be
  // called from several threads at once.
  virtual Result<bool> recover_from_unauthorized(std::string_view refused) = 0;
};

// A static secret in one header: Pipedrive's x-api-token, Keap's X-Keap-API-Key,
// ActiveCampaign's Api-Token, or "Authorization: Bearer ..." (prefix "Bearer ").
class HeaderTokenAuthenticator : public Authenticator {
 public:
  HeaderTokenAuthenticator(std::string header, std::string prefix, std::string token)
      : m_header(std::move(header)), m_prefix(std::move(prefix)), m_token(std::move(token)) {}

  Result<void> apply(http::Request& request) override {
    request.headers.emplace_back(m_header, m_prefix + m_token);
    return {};
  }
  Result<bool> recover_from_unauthorized(std::string_view) override { return false; }

 private:
  std::string m_header;
  std::string m_prefix;
  std::string m_token;
};

}  // namespace crmexport::auth
