#include "tests/fake/oauth_fake.hpp"

#include "tests/fake/json_util.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <httplib.h>

#include <random>

namespace crm_fake {
namespace {

void send_oauth_error(httplib::Response& res, int status, std::string_view error, std::string_view description,
                      const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_string_field(w, "error", error);
  write_string_field(w, "error_description", description);
  for (const auto& [key, value] : extra) write_string_field(w, key, value);
  w.EndObject();
  res.status = status;
  res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// SHA-256 for checking PKCE S256 challenges ("plain" ones are compared as they are). The fake
// has its own copy: reusing crmexport's would let one bug pass on both sides.
std::string sha256(std::string_view input);

}  // namespace

OAuthFake::OAuthFake(OAuthFakeConfig config, const FakeOptions& options)
    : m_config(std::move(config)), m_options(options) {
  m_live_refresh.insert(options.refresh_token);
}

bool OAuthFake::access_valid(const std::string& token) const {
  std::lock_guard lock(m_mutex);
  auto it = m_access.find(token);
  return it != m_access.end() && Clock::now() < it->second;
}

bool OAuthFake::access_expired(const std::string& token) const {
  std::lock_guard lock(m_mutex);
  auto it = m_access.find(token);
  return it != m_access.end() && Clock::now() >= it->second;
}

void OAuthFake::register_routes(httplib::Server& server, ServerState&) {
  server.Get(m_config.prefix + m_config.authorize_path, [this](const httplib::Request& req, httplib::Response& res) {
    const std::string redirect_uri = req.get_param_value("redirect_uri");
    if (req.get_param_value("client_id") != m_options.client_id || redirect_uri.empty())
      return send_oauth_error(res, 400, "invalid_request", "unknown client_id or missing redirect_uri");
    std::string code;
    {
      std::lock_guard lock(m_mutex);
      code = fmt::format("code-{}-{}", ++m_counter, std::random_device{}());
      std::string challenge = req.get_param_value("code_challenge");
      if (!challenge.empty() && req.get_param_value("code_challenge_method") != "S256")
        challenge = "plain:" + challenge;
      m_codes[code] = PendingCode{redirect_uri, challenge};
    }
    // Approved at once, as if the user had clicked "Allow".
    std::string location = fmt::format("{}{}code={}", redirect_uri,
                                       redirect_uri.find('?') == std::string::npos ? '?' : '&', url_encode(code));
    if (req.has_param("state")) location += "&state=" + url_encode(req.get_param_value("state"));
    res.status = 302;
    res.set_header("Location", location);
  });

  auto token_endpoint = [this](const httplib::Request& req, httplib::Response& res) {
    // Client authentication, in whichever of the provider's accepted ways it came.
    std::string id;
    std::string secret;
    if (m_config.basic_client_auth && req.has_header("Authorization")) {
      const std::string value = req.get_header_value("Authorization");
      if (value.starts_with("Basic ")) {
        if (auto decoded = base64_decode(value.substr(6)); decoded && decoded->find(':') != std::string::npos) {
          id = decoded->substr(0, decoded->find(':'));
          secret = decoded->substr(decoded->find(':') + 1);
        }
      }
    }
    if (id.empty() && m_config.form_client_auth) {
      id = req.get_param_value("client_id");
      secret = req.get_param_value("client_secret");
    }
    if (id != m_options.client_id || secret != m_options.client_secret)
      return send_oauth_error(res, 401, "invalid_client", "Invalid client credentials");

    const std::string grant = req.get_param_value("grant_type");
    std::lock_guard lock(m_mutex);
    if (grant == "refresh_token") {
      auto live = m_live_refresh.find(req.get_param_value("refresh_token"));
      if (live == m_live_refresh.end())
        return send_oauth_error(res, 400, m_config.refused_error, m_config.refused_description,
                                m_config.refused_extra_fields);
      m_live_refresh.erase(live);  // rotation: a used refresh token is dead
    } else if (grant == "authorization_code") {
      auto pending = m_codes.find(req.get_param_value("code"));
      if (pending == m_codes.end() || pending->second.redirect_uri != req.get_param_value("redirect_uri"))
        return send_oauth_error(res, 400, "invalid_grant", "Invalid authorization code");
      const std::string& challenge = pending->second.code_challenge;
      const std::string verifier = req.get_param_value("code_verifier");
      if (!challenge.empty()) {
        const bool ok = challenge.starts_with("plain:") ? challenge.substr(6) == verifier
                                                        : challenge == base64url_encode(sha256(verifier));
        if (!ok) return send_oauth_error(res, 400, "invalid_grant", "code_verifier does not match");
      }
      m_codes.erase(pending);
    } else {
      return send_oauth_error(res, 400, "unsupported_grant_type",
                              "grant_type must be authorization_code or refresh_token");
    }
    ++m_counter;
    const std::string access = fmt::format("access-{}-{}", m_counter, std::random_device{}());
    const std::string refresh = fmt::format("refresh-{}-{}", m_counter, std::random_device{}());
    m_access[access] = Clock::now() + std::chrono::seconds(m_options.access_ttl_seconds);
    m_live_refresh.insert(refresh);

    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    write_string_field(w, "access_token", access);
    write_string_field(w, "token_type", "bearer");
    write_int_field(w, "expires_in", m_options.access_ttl_seconds);
    write_string_field(w, "refresh_token", refresh);
    if (!m_config.scope.empty()) write_string_field(w, "scope", m_config.scope);
    for (const auto& [key, value] : m_config.extra_fields) write_string_field(w, key, value);
    w.EndObject();
    res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
  };
  server.Post(m_config.prefix + m_config.token_path, token_endpoint);
  for (const auto& path : m_config.more_token_paths) server.Post(m_config.prefix + path, token_endpoint);
}

OAuthFakeConfig keap_oauth_config() {
  OAuthFakeConfig c;
  c.prefix = "/keap";
  c.authorize_path = "/app/oauth/authorize";
  c.token_path = "/token";
  // FACTS Keap §2: a dead refresh token answers invalid_request "Invalid Refresh Token".
  c.refused_error = "invalid_request";
  c.refused_description = "Invalid Refresh Token";
  c.scope = "full|fake.infusionsoft.com";
  return c;
}

OAuthFakeConfig pipedrive_oauth_config() {
  OAuthFakeConfig c;
  c.prefix = "/pipedrive";
  c.authorize_path = "/oauth/authorize";
  c.token_path = "/oauth/token";
  // FACTS Pipedrive: Basic client auth; the refused body is unconfirmed, so the standard code.
  c.form_client_auth = false;
  c.refused_error = "invalid_grant";
  c.refused_description = "Invalid grant: refresh token is invalid";
  c.scope = "base,deals:read,contacts:read";
  // api_domain is the account's own host; the fake's base URL is the closest stand-in.
  return c;
}

OAuthFakeConfig hubspot_oauth_config() {
  OAuthFakeConfig c;
  c.prefix = "/hubspot";
  c.authorize_path = "/oauth/authorize";
  c.token_path = "/oauth/2026-09/token";
  c.more_token_paths = {"/oauth/v3/token", "/oauth/v1/token"};
  // FACTS HubSpot: form fields; the standardized refused body.
  c.basic_client_auth = false;
  c.refused_error = "invalid_grant";
  c.refused_description = "refresh token is invalid, expired or revoked";
  c.refused_extra_fields = {{"status", "BAD_REFRESH_TOKEN"}, {"message", "missing or invalid refresh token"}};
  c.extra_fields = {{"hub_id", "12345678"}};
  return c;
}

namespace {

class OAuthOnlyProvider final : public FakeProvider {
 public:
  OAuthOnlyProvider(OAuthFakeConfig config, const FakeOptions& options) : m_oauth(std::move(config), options) {}
  std::string prefix() const override { return ""; }
  void register_routes(httplib::Server& server, ServerState& state) override { m_oauth.register_routes(server, state); }
  void dump(const std::filesystem::path&) const override {}

 private:
  OAuthFake m_oauth;
};

}  // namespace

std::unique_ptr<FakeProvider> make_oauth_only_provider(OAuthFakeConfig config, const FakeOptions& options) {
  return std::make_unique<OAuthOnlyProvider>(std::move(config), options);
}

std::unique_ptr<FakeProvider> make_pipedrive_oauth_provider(const FakeOptions& options) {
  auto config = pipedrive_oauth_config();
  if (!options.pipedrive_api_domain.empty()) config.extra_fields.emplace_back("api_domain", options.pipedrive_api_domain);
  return make_oauth_only_provider(std::move(config), options);
}

namespace {

std::string sha256(std::string_view input) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

}  // namespace

}  // namespace crm_fake
