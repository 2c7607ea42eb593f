#pragma once
// A provider's OAuth2 endpoints, generic over the prefix, paths, client authentication and the
// answer's fields: an authorize endpoint that approves at once (302 to redirect_uri with code and
// state) and a token endpoint that rotates refresh tokens (a used one is dead). Keap, Pipedrive
// and HubSpot each get one instance (FACTS: each provider's OAuth rows).

#include "tests/fake/fake_provider.hpp"
#include "tests/fake/options.hpp"
#include "tests/fake/server_state.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace httplib {
class Server;
}

namespace crm_fake {

struct OAuthFakeConfig {
  std::string prefix;                         // "/keap"
  std::string authorize_path;                 // below the prefix: "/app/oauth/authorize"
  std::string token_path;                     // below the prefix: "/token"
  std::vector<std::string> more_token_paths;  // the same endpoint under other versions' paths
  bool basic_client_auth = true;              // accept Authorization: Basic base64(id:secret)
  bool form_client_auth = true;               // accept client_id/client_secret form fields
  // The 400 body's fields for a dead refresh token.
  std::string refused_error = "invalid_grant";
  std::string refused_description = "Invalid refresh token";
  std::string scope;                                              // echoed as "scope" when not empty
  std::vector<std::pair<std::string, std::string>> extra_fields;  // e.g. {"api_domain", "..."}
  // Extra fields of the refused-refresh body (HubSpot adds status and message).
  std::vector<std::pair<std::string, std::string>> refused_extra_fields;
};

// The OAuth facts of each provider's fake (FACTS: the OAuth rows of Keap, Pipedrive, HubSpot).
OAuthFakeConfig keap_oauth_config();       // /keap/app/oauth/authorize, /keap/token
OAuthFakeConfig pipedrive_oauth_config();  // /pipedrive/oauth/authorize, /pipedrive/oauth/token
OAuthFakeConfig
hubspot_oauth_config();  // /hubspot/oauth/authorize, /hubspot/oauth/v1/token, /hubspot/oauth/2026-09/token

class OAuthFake {
 public:
  OAuthFake(OAuthFakeConfig config, const FakeOptions& options);

  void register_routes(httplib::Server& server, ServerState& state);
  // Whether `token` was issued here and has not expired.
  bool access_valid(const std::string& token) const;
  // Whether `token` was issued here and has expired (gateways word this 401 differently).
  bool access_expired(const std::string& token) const;

 private:
  struct PendingCode {
    std::string redirect_uri;
    std::string code_challenge;
  };
  using Clock = std::chrono::steady_clock;

  OAuthFakeConfig m_config;
  const FakeOptions& m_options;
  mutable std::mutex m_mutex;
  std::set<std::string> m_live_refresh;
  std::map<std::string, Clock::time_point> m_access;  // token -> expiry
  std::map<std::string, PendingCode> m_codes;
  std::uint64_t m_counter = 0;
};

// A FakeProvider serving only a provider's OAuth endpoints (no API, no dump): for a provider whose
// API fake does not own its OAuth (Pipedrive). List it before that provider in main.cpp, whose
// catch-all route would otherwise answer first.
std::unique_ptr<FakeProvider> make_oauth_only_provider(OAuthFakeConfig config, const FakeOptions& options);
std::unique_ptr<FakeProvider> make_pipedrive_oauth_provider(const FakeOptions& options);

}  // namespace crm_fake
