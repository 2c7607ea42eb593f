#include "lib/engine/session.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "lib/http/curl_transport.hpp"
#include "lib/http/url.hpp"

namespace crmexport::engine {
namespace {

Result<std::unique_ptr<auth::Authenticator>> make_authenticator(const store::Connection& connection,
                                                                const providers::Provider& provider) {
  if (connection.auth_kind != "token")
    return fail(ErrorKind::auth,
                fmt::format("connection '{}' uses auth kind '{}', which this crmexport cannot use; "
                            "add it again with `crmexport auth add {} --name {} --force --token-stdin`",
                            connection.name, connection.auth_kind, provider.name, connection.name));
  rapidjson::Document secret;
  secret.Parse(connection.secret.data(), connection.secret.size());
  if (secret.HasParseError() || !secret.IsObject() || !secret.HasMember("token") || !secret["token"].IsString())
    return fail(ErrorKind::auth, fmt::format("the stored credentials of connection '{}' are unreadable; add them again "
                                             "with `crmexport auth add {} --name {} --force --token-stdin`",
                                             connection.name, provider.name, connection.name));
  return std::make_unique<auth::HeaderTokenAuthenticator>(provider.token_auth.header, provider.token_auth.prefix,
                                                          secret["token"].GetString());
}

}  // namespace

Result<std::unique_ptr<Session>> Session::open(const store::Connection& connection, const providers::Provider& provider,
                                               const http::RetryPolicy& retry,
                                               std::unique_ptr<http::Transport> transport,
                                               std::unique_ptr<http::Clock> clock) {
  std::string base_url = connection.base_url.empty() ? provider.default_base_url : connection.base_url;
  if (base_url.empty())
    return fail(ErrorKind::usage,
                fmt::format("connection '{}' has no base URL and {} has no default; add it again with "
                            "--base-url {}",
                            connection.name, provider.title, provider.base_url_hint));
  auto authenticator = make_authenticator(connection, provider);
  if (!authenticator) return std::unexpected(authenticator.error());

  std::unique_ptr<Session> session(new Session(provider, connection.name, std::move(base_url)));
  session->m_transport = transport ? std::move(transport) : std::make_unique<http::CurlTransport>();
  session->m_clock = clock ? std::move(clock) : std::make_unique<http::SystemClock>();
  session->m_authenticator = std::move(*authenticator);
  session->m_client =
      std::make_unique<http::Client>(*session->m_transport, *session->m_clock, *session->m_authenticator, retry,
                                     provider.rate_limits, provider.errors);
  return session;
}

Result<http::Response> Session::get(std::string_view path, const http::Query& query) {
  http::Request request;
  request.url = http::make_url(m_base_url, path, query);
  request.headers.emplace_back("Accept", "application/json");
  return m_client->send(std::move(request));
}

Result<http::Response> Session::send(const providers::PlannedRequest& planned) {
  http::Request request;
  request.method = planned.method;
  request.url = http::make_url(m_base_url, planned.path, planned.query);
  request.headers.emplace_back("Accept", "application/json");
  if (!planned.body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = planned.body;
  }
  return m_client->send(std::move(request));
}

Result<void> Session::verify() {
  auto response = get(m_provider.verify_path, {});
  if (!response) return std::unexpected(response.error());
  return {};
}

}  // namespace crmexport::engine
