#include "lib/auth/oauth.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <random>

#include "lib/http/url.hpp"

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
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return fail(ErrorKind::auth, "the stored OAuth credentials are unreadable");
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

void adopt_grant(OAuthSecret& secret, const TokenGrant& grant, std::int64_t now_unix,
                 std::chrono::seconds default_lifetime) {
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
  http::Request request;
  request.method = "POST";
  request.url = secret.token_url.empty() ? m_facts.token_url : secret.token_url;
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
  body.Parse(response->body.data(), response->body.size());
  const bool object = !body.HasParseError() && body.IsObject();
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
  if (!object || string_member(body, "access_token").empty())
    return fail(ErrorKind::provider, fmt::format("{} answered without an access_token", where), response->status);
  return TokenGrant{string_member(body, "access_token"), string_member(body, "refresh_token"),
                    int_member(body, "expires_in"),
                    m_facts.base_url_field.empty() ? "" : string_member(body, m_facts.base_url_field.c_str())};
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(v >> 18) & 63], out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63], out += k_alphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += k_alphabet[(v >> 18) & 63], out += k_alphabet[(v >> 12) & 63], out += "==";
  } else if (i + 2 == bytes.size()) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += k_alphabet[(v >> 18) & 63], out += k_alphabet[(v >> 12) & 63], out += k_alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string base64url_nopad(std::string_view bytes) {
  std::string out = base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

// FIPS 180-4 SHA-256, for the PKCE code challenge only (one short input per login).
std::string sha256(std::string_view input) {
  static constexpr std::array<std::uint32_t, 64> k = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string data(input);
  const std::uint64_t bit_length = static_cast<std::uint64_t>(input.size()) * 8;
  data += static_cast<char>(0x80);
  while (data.size() % 64 != 56) data += '\0';
  for (int i = 7; i >= 0; --i) data += static_cast<char>((bit_length >> (i * 8)) & 0xff);
  auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (std::size_t chunk = 0; chunk < data.size(); chunk += 64) {
    std::array<std::uint32_t, 64> w{};
    for (std::size_t i = 0; i < 16; ++i)
      w[i] = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[chunk + 4 * i])) << 24) |
             (static_cast<std::uint32_t>(static_cast<unsigned char>(data[chunk + 4 * i + 1])) << 16) |
             (static_cast<std::uint32_t>(static_cast<unsigned char>(data[chunk + 4 * i + 2])) << 8) |
             static_cast<std::uint32_t>(static_cast<unsigned char>(data[chunk + 4 * i + 3]));
    for (std::size_t i = 16; i < 64; ++i) {
      std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, hh] = h;
    for (std::size_t i = 0; i < 64; ++i) {
      std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      std::uint32_t ch = (e & f) ^ (~e & g);
      std::uint32_t t1 = hh + s1 + ch + k[i] + w[i];
      std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      std::uint32_t t2 = s0 + maj;
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
  std::string out;
  for (auto word : h)
    for (int i = 3; i >= 0; --i) out += static_cast<char>((word >> (i * 8)) & 0xff);
  return out;
}

std::string random_urlsafe(std::size_t bytes) {
  std::random_device device;
  std::string raw;
  for (std::size_t i = 0; i < bytes; ++i) raw += static_cast<char>(device() & 0xff);
  return base64url_nopad(raw);
}

}  // namespace crmexport::auth
