#include "lib/auth/oauth.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>

#include "lib/core/redact.hpp"
#include "lib/http/unlike_answer.hpp"
#include "lib/http/url.hpp"
#include "lib/http/url_policy.hpp"
#include "lib/json/parse.hpp"
#include "lib/json/shape.hpp"

namespace crmexport::auth {
namespace {

std::string string_member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::int64_t int_member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return 0;
  if (it->value.IsInt64()) return it->value.GetInt64();
  if (it->value.IsString()) {
    try {
      return std::stoll(it->value.GetString());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

const json::Shape k_token_answer{"/access_token", json::Kind::text};

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return !value.empty() && std::ranges::find(list, value) != list.end();
}

}  // namespace

std::string OAuthSecret::to_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("client_id"), w.String(client_id);
  w.Key("client_secret"), w.String(client_secret);
  w.Key("access_token"), w.String(access_token);
  w.Key("expires_at"), w.Int64(expires_at);
  w.Key("issued_at"), w.Int64(issued_at);
  w.Key("refresh_token"), w.String(refresh_token);
  if (!authorize_url.empty()) w.Key("authorize_url"), w.String(authorize_url);
  if (!token_url.empty()) w.Key("token_url"), w.String(token_url);
  w.EndObject();
  return buffer.GetString();
}

Result<OAuthSecret> OAuthSecret::from_json(std::string_view text) {
  rapidjson::Document d;
  if (json::parse_dom(d, text) != json::Parsed::ok || !d.IsObject())
    return fail(ErrorKind::auth, "the stored OAuth credentials are unreadable");
  OAuthSecret s;
  s.client_id = string_member(d, "client_id");
  s.client_secret = string_member(d, "client_secret");
  s.access_token = string_member(d, "access_token");
  s.expires_at = int_member(d, "expires_at");
  s.issued_at = int_member(d, "issued_at");
  s.refresh_token = string_member(d, "refresh_token");
  s.authorize_url = string_member(d, "authorize_url");
  s.token_url = string_member(d, "token_url");
  return s;
}

void OAuthSecret::register_for_redaction() const {
  redact::add_secret(client_secret);
  redact::add_secret(access_token);
  redact::add_secret(refresh_token);
  if (!client_secret.empty()) redact::add_secret(base64_encode(client_id + ":" + client_secret));
}

void adopt_grant(OAuthSecret& secret, const TokenGrant& grant, std::int64_t now_unix,
                 std::chrono::seconds default_lifetime) {
  redact::add_secret(grant.access_token);
  redact::add_secret(grant.refresh_token);
  secret.access_token = grant.access_token;
  secret.issued_at = now_unix;
  secret.expires_at = now_unix + (grant.expires_in > 0 ? grant.expires_in : default_lifetime.count());
  if (!grant.refresh_token.empty()) secret.refresh_token = grant.refresh_token;
}

Result<TokenGrant> TokenEndpoint::refresh(const OAuthSecret& secret, bool& refused) const {
  return post(secret, m_facts.refresh_client_auth,
              {{"grant_type", "refresh_token"}, {"refresh_token", secret.refresh_token}}, refused);
}

Result<TokenGrant> TokenEndpoint::exchange_code(const OAuthSecret& secret, const std::string& code,
                                                const std::string& redirect_uri,
                                                const std::string& code_verifier) const {
  http::Query form = {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirect_uri}};
  if (!code_verifier.empty()) form.emplace_back("code_verifier", code_verifier);
  bool refused = false;
  return post(secret, m_facts.code_client_auth, std::move(form), refused);
}

Result<TokenGrant> TokenEndpoint::post(const OAuthSecret& secret, ClientAuth client_auth, http::Query form,
                                       bool& refused) const {
  refused = false;
  secret.register_for_redaction();
  for (const auto& [name, value] : form)
    if (name == "code" || name == "code_verifier") redact::add_secret(value);
  http::Request request;
  request.method = "POST";
  request.url = secret.token_url.empty() ? m_facts.token_url : secret.token_url;
  request.interruptible = false;  // Keap rotates the refresh token: its answer must be read and stored
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  if (client_auth == ClientAuth::basic) {
    request.headers.emplace_back("Authorization",
                                 "Basic " + base64_encode(secret.client_id + ":" + secret.client_secret));
  } else {
    form.emplace_back("client_id", secret.client_id);
    form.emplace_back("client_secret", secret.client_secret);
  }
  request.body = http::form_encode(form);
  const auto where = fmt::format("the token endpoint {}", request.url);

  auto response = m_transport.send(request);
  if (!response) {
    response.error().message = fmt::format("could not reach {}: {}", where, response.error().message);
    return std::unexpected(response.error());
  }
  rapidjson::Document body;
  const bool object = json::parse_dom(body, response->body) == json::Parsed::ok && body.IsObject();
  if (response->status < 200 || response->status > 299) {
    std::string error = object ? string_member(body, "error") : "";
    std::string description = object ? string_member(body, "error_description") : "";
    refused = response->status >= 400 && response->status < 500 &&
              (contains(m_facts.refused_errors, error) || contains(m_facts.refused_descriptions, description));
    ErrorKind kind = response->status >= 500 ? ErrorKind::provider : ErrorKind::auth;
    return fail(kind,
                fmt::format("{} answered HTTP {}{}{}{}", where, response->status, error.empty() ? "" : ": ", error,
                            description.empty() ? "" : " (" + description + ")"),
                response->status);
  }
  if (object) {
    // Before any message can quote the answer: it holds the new tokens.
    redact::add_secret(string_member(body, "access_token"));
    redact::add_secret(string_member(body, "refresh_token"));
  }
  // RFC 6749 §5.1: a token answer is a JSON object with access_token. Anything else (a portal's
  // login page, an empty 200) is never taken for a token, and the caller stores nothing.
  if (!object || !json::has_shape(body, k_token_answer))
    return std::unexpected(http::unlike_answer(request.url, "an OAuth2 token endpoint", *response));
  return TokenGrant{string_member(body, "access_token"), string_member(body, "refresh_token"),
                    int_member(body, "expires_in"),
                    m_facts.base_url_field.empty() ? "" : string_member(body, m_facts.base_url_field.c_str())};
}

Result<std::string> checked_base_url(const OAuthFacts& facts, const TokenGrant& grant) {
  if (grant.base_url.empty()) return std::string();
  auto what = fmt::format("the token endpoint's {}", facts.base_url_field);
  if (auto checked = http::check_provider_url(what, grant.base_url, facts.base_url_domains); !checked)
    return std::unexpected(checked.error());
  return grant.base_url;
}

// OpenSSL (already beside libcurl) for the encodings and the digest: nothing cryptographic by hand.
std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string base64url_nopad(std::string_view bytes) {
  std::string out = base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string sha256(std::string_view input) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw Fatal(ErrorKind::runtime, "OpenSSL could not compute SHA-256");
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::string random_urlsafe(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw Fatal(ErrorKind::runtime, "OpenSSL could not produce random bytes for the OAuth state");
  return base64url_nopad(raw);
}

}  // namespace crmexport::auth
