#pragma once
// OAuth2 as the providers that use it describe it (Keap, Pipedrive, HubSpot): the facts a
// provider declares, the secret a connection stores, and the token endpoint's two grants.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/core/error.hpp"
#include "lib/http/clock.hpp"
#include "lib/http/transport.hpp"
#include "lib/http/url.hpp"

namespace crmexport::auth {

// How the client proves itself at the token endpoint.
enum class ClientAuth {
  basic,  // Authorization: Basic base64(client_id:client_secret)
  form,   // client_id and client_secret as form fields
};

// A provider's OAuth2, as data (providers/NAME declares it; nothing here is provider code).
struct OAuthFacts {
  std::string authorize_url;                          // the real one; a connection may override it (--authorize-url)
  std::string token_url;                              // the real one; a connection may override it (--token-url)
  ClientAuth code_client_auth = ClientAuth::form;     // for grant_type=authorization_code
  ClientAuth refresh_client_auth = ClientAuth::form;  // for grant_type=refresh_token
  bool pkce = false;                                  // send an S256 code_challenge
  std::string scope;                                  // empty: none sent
  std::vector<std::string> extra_authorize_params;    // "name=value" pairs, e.g. "response_type=code"
  std::string header = "Authorization";               // where the access token travels
  std::string prefix = "Bearer ";
  // A refused refresh: the token endpoint's `error` codes and `error_description` texts that mean
  // the refresh token is dead (invalid_grant, and providers' own variants).
  std::vector<std::string> refused_errors = {"invalid_grant"};
  std::vector<std::string> refused_descriptions;
  // The token answer's field naming the account's API host (Pipedrive's api_domain); empty: none.
  // `auth login` stores it as the connection's base URL when none was given.
  std::string base_url_field;
  // The hosts that field may name (and their subdomains); any other is refused, so a token
  // endpoint cannot point later requests, with their tokens, at a host of its choosing.
  std::vector<std::string> base_url_domains;
  // Used when the token answer has no expires_in.
  std::chrono::seconds default_lifetime{3600};
};

// What an OAuth connection stores as its secret (JSON; never logged).
struct OAuthSecret {
  std::string client_id;
  std::string client_secret;
  std::string access_token;
  std::int64_t expires_at = 0;  // Unix seconds; 0: unknown (refresh before use)
  std::int64_t issued_at = 0;   // Unix seconds; with expires_at, the lifetime the safety margin scales to
  std::string refresh_token;
  std::string authorize_url;  // overrides; empty: the provider's
  std::string token_url;

  std::string to_json() const;
  static Result<OAuthSecret> from_json(std::string_view text);
  // Registers every secret here, and the Basic header made of them, with redact::add_secret.
  void register_for_redaction() const;
};

// A token endpoint's answer to either grant.
struct TokenGrant {
  std::string access_token;
  std::string refresh_token;  // empty when the provider did not rotate it
  std::int64_t expires_in = 0;
  std::string base_url;  // OAuthFacts::base_url_field's value, when declared and present
};

// The token endpoint, spoken directly over a Transport (no retries through the API client:
// a refresh must not be repeated blindly, its refresh token is single-use on Keap).
class TokenEndpoint {
 public:
  TokenEndpoint(const OAuthFacts& facts, http::Transport& transport) : m_facts(facts), m_transport(transport) {}

  // grant_type=refresh_token. `refused` is set when the provider said the refresh token is dead
  // (OAuthFacts::refused_*), as opposed to an outage worth trying again later.
  Result<TokenGrant> refresh(const OAuthSecret& secret, bool& refused) const;
  // grant_type=authorization_code.
  Result<TokenGrant> exchange_code(const OAuthSecret& secret, const std::string& code, const std::string& redirect_uri,
                                   const std::string& code_verifier) const;

 private:
  Result<TokenGrant> post(const OAuthSecret& secret, ClientAuth client_auth, http::Query form, bool& refused) const;

  const OAuthFacts& m_facts;
  http::Transport& m_transport;
};

// Applies a grant to a secret: new access token, its expiry from `now`, and the refresh token
// when one came back (kept otherwise).
void adopt_grant(OAuthSecret& secret, const TokenGrant& grant, std::int64_t now_unix,
                 std::chrono::seconds default_lifetime);

// The grant's base URL (OAuthFacts::base_url_field) when it is https under the provider's
// domains, or loopback (http allowed there, as everywhere); "" when the answer has none; a
// provider error (exit 5) otherwise.
Result<std::string> checked_base_url(const OAuthFacts& facts, const TokenGrant& grant);

std::string base64_encode(std::string_view bytes);
std::string base64url_nopad(std::string_view bytes);
std::string sha256(std::string_view bytes);  // raw 32 bytes
std::string random_urlsafe(std::size_t bytes);

}  // namespace crmexport::auth
