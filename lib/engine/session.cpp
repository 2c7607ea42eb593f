#include "lib/engine/session.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "lib/auth/oauth_authenticator.hpp"
#include "lib/http/curl_transport.hpp"
#include "lib/http/transport_pool.hpp"
#include "lib/http/unlike_answer.hpp"
#include "lib/http/url.hpp"
#include "lib/http/url_policy.hpp"
#include "lib/json/shape.hpp"

namespace crmexport::engine {
namespace {

// The command that re-authorises an OAuth connection, for messages.
std::string login_command(const store::Connection& connection, const providers::Provider& provider,
                          const auth::OAuthSecret& secret) {
  std::string command = fmt::format("crmexport auth login {} --name {} --client-id {}", provider.name, connection.name,
                                    secret.client_id.empty() ? "CLIENT_ID" : secret.client_id);
  if (!secret.authorize_url.empty()) command += " --authorize-url " + secret.authorize_url;
  if (!secret.token_url.empty()) command += " --token-url " + secret.token_url;
  return command;
}

Result<std::unique_ptr<auth::Authenticator>> make_oauth_authenticator(const store::Connection& connection,
                                                                      const providers::Provider& provider,
                                                                      http::Transport& transport, http::Clock& clock,
                                                                      const std::filesystem::path& store_path) {
  if (!provider.oauth)
    return fail(ErrorKind::auth, fmt::format("{} has no OAuth2 in this crmexport; add the connection again with "
                                             "`crmexport auth add {} --name {} --force --token-stdin`",
                                             provider.title, provider.name, connection.name));
  auto secret = auth::OAuthSecret::from_json(connection.secret);
  if (!secret)
    return fail(ErrorKind::auth, fmt::format("the stored OAuth credentials of connection '{}' are unreadable; "
                                             "re-authorise with `crmexport auth login {} --name {} --client-id ID`",
                                             connection.name, provider.name, connection.name));
  if (!secret->token_url.empty())
    if (auto checked = http::check_credential_url(
            fmt::format("the token URL stored with connection '{}'", connection.name), secret->token_url);
        !checked) {
      auto without_url = *secret;
      without_url.token_url.clear();
      checked.error().message += fmt::format("; re-authorise with `{} --token-url https://...`",
                                             login_command(connection, provider, without_url));
      return std::unexpected(checked.error());
    }
  if (store_path.empty())
    return fail(ErrorKind::runtime, fmt::format("connection '{}' uses OAuth2, which needs the credential store to "
                                                "save renewed tokens",
                                                connection.name));
  auto store = store::Store::open(store_path);
  if (!store) return std::unexpected(store.error());
  auto vault = std::make_unique<auth::StoreTokenVault>(std::move(*store), connection.name);
  return std::make_unique<auth::OAuthAuthenticator>(*provider.oauth, *secret, std::move(vault), transport, clock,
                                                    login_command(connection, provider, *secret));
}

Result<std::unique_ptr<auth::Authenticator>> make_authenticator(const store::Connection& connection,
                                                                const providers::Provider& provider,
                                                                http::Transport& transport, http::Clock& clock,
                                                                const std::filesystem::path& store_path) {
  if (connection.auth_kind == "oauth2")
    return make_oauth_authenticator(connection, provider, transport, clock, store_path);
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
                                               std::unique_ptr<http::Clock> clock,
                                               const std::filesystem::path& store_path) {
  std::string base_url = connection.base_url.empty() ? provider.default_base_url : connection.base_url;
  if (base_url.empty())
    return fail(ErrorKind::usage,
                fmt::format("connection '{}' has no base URL and {} has no default; add it again with "
                            "--base-url {}",
                            connection.name, provider.title, provider.base_url_hint));
  // Checked again on every load: a store written by an older crmexport (or by hand) is not trusted.
  if (auto checked = http::check_credential_url(
          fmt::format("the base URL stored with connection '{}'", connection.name), base_url);
      !checked) {
    checked.error().message += fmt::format("; add the connection again with `crmexport auth add {} --name {} "
                                           "--force --base-url https://...`",
                                           provider.name, connection.name);
    return std::unexpected(checked.error());
  }
  std::unique_ptr<Session> session(new Session(provider, connection.name, std::move(base_url)));
  session->m_transport = transport ? std::move(transport) : std::make_unique<http::TransportPool>([] {
    return std::make_unique<http::CurlTransport>();
  });
  session->m_clock = clock ? std::move(clock) : std::make_unique<http::SystemClock>();
  auto authenticator = make_authenticator(connection, provider, *session->m_transport, *session->m_clock, store_path);
  if (!authenticator) return std::unexpected(authenticator.error());
  session->m_authenticator = std::move(*authenticator);
  session->m_pacer = std::make_unique<http::Pacer>(provider.rate_limits, *session->m_clock, retry.max_wait, provider.title,
                                                    connection.name);
  session->m_client = std::make_unique<http::Client>(*session->m_transport, *session->m_clock,
                                                     *session->m_authenticator, retry, *session->m_pacer,
                                                     provider.errors);
  return session;
}

Result<http::Response> Session::get(std::string_view path, const http::Query& query, http::RequestMeter* meter,
                                    long cost, std::function<void()> on_sent) {
  http::Request request;
  request.url = http::make_url(m_base_url, path, query);
  request.headers.emplace_back("Accept", "application/json");
  request.cost = cost;
  request.on_sent = std::move(on_sent);
  return m_client->send(std::move(request), meter);
}

Result<http::Response> Session::send(const providers::PlannedRequest& planned, http::RequestMeter* meter, long cost) {
  http::Request request;
  request.method = planned.method;
  request.lane = planned.lane;
  request.cost = cost;
  request.url = http::make_url(m_base_url, planned.path, planned.query);
  request.headers.emplace_back("Accept", "application/json");
  if (!planned.body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = planned.body;
  }
  return m_client->send(std::move(request), meter);
}

Result<void> Session::verify() {
  auto response = get(m_provider.verify_path, {});
  if (!response) return std::unexpected(response.error());
  // A 2xx is not yet the provider answering: a captive portal or a proxy's login page answers 200
  // to any URL, and credentials stored on its word would fail on every later run.
  if (!json::has_shape(response->body, m_provider.verify_shape))
    return std::unexpected(
        http::unlike_answer(http::make_url(m_base_url, m_provider.verify_path, {}), m_provider.title, *response));
  return {};
}

}  // namespace crmexport::engine
