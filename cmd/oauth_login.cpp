#include "cmd/oauth_login.hpp"

#include <httplib.h>
#include <rapidjson/document.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "lib/auth/oauth.hpp"
#include "lib/core/log.hpp"
#include "lib/http/curl_transport.hpp"
#include "lib/http/url.hpp"
#include "lib/http/url_policy.hpp"
#include "lib/json/parse.hpp"
#include "lib/store/connection_name.hpp"

extern char** environ;

namespace crmexport::cmd {
namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string client_secret_input() {
  if (const char* env = std::getenv("CRMEXPORT_CLIENT_SECRET"); env && *env) return trimmed(env);
  std::string line;
  std::getline(std::cin, line);
  line = trimmed(line);
  if (line.empty())
    throw Fatal(ErrorKind::usage,
                "no client secret given: set CRMEXPORT_CLIENT_SECRET or pipe it on standard input (a secret is never "
                "taken as an argument)");
  return line;
}

// Opens `url` in the user's browser: $BROWSER when set, else xdg-open when there is a display.
bool open_browser(const std::string& url) {
  std::string opener;
  if (const char* browser = std::getenv("BROWSER"); browser && *browser)
    opener = browser;
  else if (std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY"))
    opener = "xdg-open";
  else
    return false;
  // The URL goes as an argument of its own, never through the shell's parsing.
  std::string script = opener + " \"$1\" >/dev/null 2>&1";
  const char* argv[] = {"sh", "-c", script.c_str(), "sh", url.c_str(), nullptr};
  // The browser gets our environment less every CRMEXPORT_* variable: CRMEXPORT_CLIENT_SECRET and
  // CRMEXPORT_TOKEN are secrets, and a browser (its extensions, its crash reports) has no use for them.
  std::vector<char*> environment;
  for (char** entry = environ; *entry != nullptr; ++entry)
    if (!std::string_view(*entry).starts_with("CRMEXPORT_")) environment.push_back(*entry);
  environment.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "sh", nullptr, nullptr, const_cast<char* const*>(argv), environment.data()) != 0)
    return false;
  // Not waited for here: a browser may keep running. Reaped at exit.
  return true;
}

struct Callback {
  std::mutex mutex;
  std::condition_variable done;
  bool arrived = false;
  std::string code;
  std::string error;
};

}  // namespace

void check_oauth_url(std::string_view flag, const std::string& url) {
  if (!url.empty()) value_or_throw(http::check_credential_url(flag, url));
}

std::string oauth_secret_from_stdin(const OAuthUrls& urls) {
  std::string text(std::istreambuf_iterator<char>(std::cin), {});
  rapidjson::Document d;
  if (json::parse_dom(d, text) != json::Parsed::ok || !d.IsObject())
    throw Fatal(ErrorKind::usage,
                "--oauth reads a JSON object on standard input: {\"client_id\": ..., "
                "\"client_secret\": ..., \"refresh_token\": ...}");
  auto field = [&](const char* key, bool required) -> std::string {
    auto it = d.FindMember(key);
    if (it != d.MemberEnd() && it->value.IsString() && it->value.GetStringLength() > 0) return it->value.GetString();
    if (required) throw Fatal(ErrorKind::usage, fmt::format("the OAuth JSON on standard input has no \"{}\"", key));
    return "";
  };
  auth::OAuthSecret secret;
  secret.client_id = field("client_id", true);
  secret.client_secret = field("client_secret", true);
  secret.refresh_token = field("refresh_token", true);
  secret.access_token = field("access_token", false);
  if (auto it = d.FindMember("expires_in");
      !secret.access_token.empty() && it != d.MemberEnd() && it->value.IsInt64()) {
    secret.issued_at = now_unix();
    secret.expires_at = secret.issued_at + it->value.GetInt64();
  }
  secret.authorize_url = urls.authorize_url;
  secret.token_url = urls.token_url;
  return secret.to_json();
}

void login(const Context& context, const LoginOptions& options) {
  const auto& provider = provider_named(options.provider);
  if (!provider.oauth)
    throw Fatal(ErrorKind::usage, fmt::format("{} has no OAuth2 login; use `crmexport auth add {} --token-stdin`",
                                              provider.title, provider.name));
  const auth::OAuthFacts& facts = *provider.oauth;
  const std::string name = options.name.empty() ? provider.name : options.name;
  value_or_throw(store::check_connection_name(name));
  check_oauth_url("--authorize-url", options.urls.authorize_url);
  check_oauth_url("--token-url", options.urls.token_url);
  check_oauth_url("--base-url", options.base_url);
  auto store = context.open_or_create_store();
  value_or_throw(store.check_secrets_writable());  // before the browser: a grant we could not keep is lost
  if (auto existing = value_or_throw(store.find(name)); existing && existing->provider != provider.name)
    throw Fatal(ErrorKind::usage,
                fmt::format("a {} connection named '{}' exists; choose another --name", existing->provider, name));

  auth::OAuthSecret secret;
  secret.client_id = options.client_id;
  secret.client_secret = client_secret_input();
  secret.authorize_url = options.urls.authorize_url;
  secret.token_url = options.urls.token_url;

  httplib::Server server;
  int port = options.port;
  if (port == 0)
    port = server.bind_to_any_port("127.0.0.1");
  else if (!server.bind_to_port("127.0.0.1", port))
    port = -1;
  if (port <= 0)
    throw Fatal(ErrorKind::usage, fmt::format("cannot listen on 127.0.0.1:{} for the OAuth redirect; choose another "
                                              "--port",
                                              options.port));
  const std::string redirect_uri = fmt::format("http://127.0.0.1:{}/callback", port);
  const std::string state = auth::random_urlsafe(24);
  const std::string verifier = facts.pkce ? auth::random_urlsafe(48) : "";

  http::Query query = {{"client_id", secret.client_id}, {"redirect_uri", redirect_uri}, {"state", state}};
  if (!facts.scope.empty()) query.emplace_back("scope", facts.scope);
  for (const auto& extra : facts.extra_authorize_params) {
    auto eq = extra.find('=');
    query.emplace_back(extra.substr(0, eq), eq == std::string::npos ? "" : extra.substr(eq + 1));
  }
  if (facts.pkce) {
    query.emplace_back("code_challenge", auth::base64url_nopad(auth::sha256(verifier)));
    query.emplace_back("code_challenge_method", "S256");
  }
  const std::string authorize_url =
      http::make_url(secret.authorize_url.empty() ? facts.authorize_url : secret.authorize_url, "", query);

  Callback callback;
  server.Get("/callback", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(callback.mutex);
    if (callback.arrived) return;
    if (req.get_param_value("state") != state) {
      // Not ours (or forged): refuse, and end the login without storing anything.
      res.status = 400;
      res.set_content("crmexport: the authorisation answer does not match this login (wrong state); nothing stored.\n",
                      "text/plain");
      callback.error = "the redirect's state does not match this login; nothing was stored (start `auth login` again)";
    } else if (req.has_param("error")) {
      res.status = 400;
      res.set_content("crmexport: the authorisation was refused.\n", "text/plain");
      callback.error = fmt::format("{} refused the authorisation: {}", provider.title, req.get_param_value("error"));
    } else {
      res.set_content("crmexport: authorised. You can close this window.\n", "text/plain");
      callback.code = req.get_param_value("code");
    }
    callback.arrived = true;
    callback.done.notify_all();
  });
  std::thread listener([&] { server.listen_after_bind(); });

  // Printed even with -q: without it there is no login.
  log::write("", fmt::format("Open this URL to authorise crmexport for {} (waiting {}s for {}):\n{}", provider.title,
                             options.timeout_seconds, redirect_uri, authorize_url));
  if (!options.no_browser && !open_browser(authorize_url)) log::write("", "no browser found: open the URL yourself");

  bool arrived = false;
  {
    std::unique_lock lock(callback.mutex);
    arrived =
        callback.done.wait_for(lock, std::chrono::seconds(options.timeout_seconds), [&] { return callback.arrived; });
  }
  server.stop();
  listener.join();
  if (!arrived)
    throw Fatal(ErrorKind::auth, fmt::format("no authorisation arrived at {} within {}s; nothing stored", redirect_uri,
                                             options.timeout_seconds));
  if (!callback.error.empty()) throw Fatal(ErrorKind::auth, callback.error);

  http::CurlTransport transport(context.transport_limits());
  auth::TokenEndpoint endpoint(facts, transport);
  auto grant = endpoint.exchange_code(secret, callback.code, redirect_uri, verifier);
  if (!grant) {
    auto error = grant.error();
    error.message = fmt::format("exchanging the authorisation code failed, nothing stored: {}", error.message);
    throw Fatal(std::move(error));
  }
  // Checked even when --base-url wins: a token endpoint that names a foreign host is not trusted.
  auto granted_base_url = auth::checked_base_url(facts, *grant);
  if (!granted_base_url) {
    auto error = granted_base_url.error();
    error.message += "; nothing stored";
    throw Fatal(std::move(error));
  }
  auth::adopt_grant(secret, *grant, now_unix(), facts.default_lifetime);

  store::Connection connection;
  connection.name = name;
  connection.provider = provider.name;
  connection.base_url = options.base_url.empty() ? *granted_base_url : options.base_url;
  connection.auth_kind = "oauth2";
  connection.secret = secret.to_json();
  value_or_throw(store.add(connection, true));
  log::info("saved connection '{}' ({}, OAuth2) in {}", name, provider.title, store.location());
}

}  // namespace crmexport::cmd
