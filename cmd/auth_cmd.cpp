// `crmexport auth add|login|list|status|test|remove|keygen|rekey`: the connections in the credential store.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/chrono.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>

#include "cmd/commands.hpp"
#include "cmd/oauth_login.hpp"
#include "lib/auth/oauth.hpp"
#include "cmd/secret_input.hpp"
#include "lib/core/log.hpp"
#include "lib/core/suggest.hpp"
#include "lib/http/url_policy.hpp"
#include "lib/core/escape.hpp"
#include "lib/engine/fleet.hpp"
#include "providers/registry.hpp"
#include "lib/store/connection_name.hpp"
#include "lib/store/secret_box.hpp"

namespace crmexport::cmd {
namespace {

struct AddOptions {
  std::string provider;
  std::string name;
  std::string base_url;
  std::string api_version;
  bool token_stdin = false;
  bool oauth = false;  // OAuth2 tokens as JSON on stdin
  OAuthUrls urls;
  bool no_verify = false;
  bool force = false;
};

// Tokens must not cross a network in clear text: plain http only to this machine.
void check_base_url(const providers::Provider& provider, const std::string& url) {
  if (url.empty()) {
    if (provider.default_base_url.empty())
      throw Fatal(ErrorKind::usage,
                  fmt::format("{} needs the account's URL: add --base-url {}", provider.title, provider.base_url_hint));
    return;
  }
  value_or_throw(http::check_credential_url("--base-url", url));
}

std::string token_secret_json(const std::string& token) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("token"), w.String(token);
  w.EndObject();
  return buffer.GetString();
}

// The secret to show masked: the token, or an OAuth connection's refresh token.
std::string secret_token_of(const store::Connection& c) {
  if (c.auth_kind == "oauth2") {
    auto oauth = auth::OAuthSecret::from_json(c.secret);
    return oauth ? oauth->refresh_token : "";
  }
  rapidjson::Document secret;
  secret.Parse(c.secret.data(), c.secret.size());
  if (!secret.HasParseError() && secret.IsObject() && secret.HasMember("token") && secret["token"].IsString())
    return secret["token"].GetString();
  return "";
}

// "https://Acme.api-us1.com/" and "https://acme.api-us1.com" are one account.
std::string account_key(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  auto host_end = url.find('/', url.find("://") + 3);
  std::transform(url.begin(), host_end == std::string::npos ? url.end() : url.begin() + host_end, url.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return url;
}

// For providers that accept one set of credentials per account: another connection (under
// another name) to the same account URL is refused unless --force.
void check_one_per_account(const providers::Provider& provider, store::Store& store, const AddOptions& options,
                           const std::string& name) {
  if (!provider.one_connection_per_base_url || options.force) return;
  for (const auto& existing : value_or_throw(store.list())) {
    if (existing.provider != provider.name || existing.name == name) continue;
    if (account_key(existing.base_url) == account_key(options.base_url))
      throw Fatal(ErrorKind::usage,
                  fmt::format("connection '{}' already holds credentials for {} ({} allows one per account); "
                              "remove it with `crmexport auth remove {}`, or pass --force to add another",
                              escaped(existing.name), options.base_url, provider.title, escaped(existing.name)));
  }
}

// A person waits on `auth add` and `auth test`: a host that refuses or has no address is said
// after one more try, not after the minute of backoff an export spends riding out a network.
http::RetryPolicy checking_retries(const Context& context) {
  auto policy = context.retry_policy();
  policy.max_retries_unreached = std::min(policy.max_retries, 1);
  return policy;
}

// What `auth add` says when the check failed (nothing is stored then).
std::string refused_message(const providers::Provider& provider, bool oauth, const Error& error) {
  // Nothing answered: the credential was neither accepted nor refused.
  if (error.kind == ErrorKind::network) return fmt::format("{}; nothing stored; the credential was not checked", error.message);
  // A 2xx that was not the provider's answer (http::unlike_answer) judged no credential.
  if (error.http_status >= 200 && error.http_status <= 299) return fmt::format("nothing stored: {}", error.message);
  if (oauth) return fmt::format("the OAuth credentials were not accepted, nothing stored: {}", error.message);
  return provider.verify_refused.empty()
             ? fmt::format("the token was not accepted, nothing stored: {}", error.message)
             : fmt::format("{}; nothing stored ({})", provider.verify_refused, error.message);
}

// An OAuth connection is saved before its check (see add): a failed check takes it out of the
// store again, or brings back the connection it replaced. When the check renewed the tokens and
// the provider replaced the refresh token (Keap always does), the one given no longer works; the
// message says so, since keeping its successor under a URL that failed would help no one (a
// connection's URL changes only with new credentials).
void take_back(store::Store& store, const providers::Provider& provider, const store::Connection& added,
               const std::optional<store::Connection>& replaced, Error& error) {
  const auto given = auth::OAuthSecret::from_json(added.secret);
  if (auto held = store.find(added.name); held && *held && given) {
    auto now = auth::OAuthSecret::from_json((*held)->secret);
    if (now && now->refresh_token != given->refresh_token) {
      std::string login =
          fmt::format("crmexport auth login {} --name {} --client-id {}", provider.name, added.name, given->client_id);
      if (!given->authorize_url.empty()) login += " --authorize-url " + given->authorize_url;
      if (!given->token_url.empty()) login += " --token-url " + given->token_url;
      error.message += fmt::format(
          "; checking it renewed the tokens and {} replaced the refresh token given, which "
          "no longer works: authorise again with `{}`",
          provider.title, login);
    }
  }
  Result<void> undone;
  if (replaced)
    undone = store.add(*replaced, true);
  else if (auto removed = store.remove(added.name); !removed)
    undone = std::unexpected(removed.error());
  if (!undone)
    error.message += fmt::format(
        "; but connection '{}' could not be taken out of the store ({}): remove it with "
        "`crmexport auth remove {}`",
        added.name, undone.error().message, added.name);
}

void add(const Context& context, const AddOptions& options) {
  const auto& provider = provider_named(options.provider);
  std::string name = options.name.empty() ? provider.name : options.name;
  value_or_throw(store::check_connection_name(name));
  check_base_url(provider, options.base_url);
  api_version(provider, "", options.api_version);
  auto store = context.open_or_create_store();
  value_or_throw(store.check_secrets_writable());
  if (!options.force && value_or_throw(store.find(name)))
    throw Fatal(ErrorKind::usage, fmt::format("a connection named '{}' exists; pass --force to replace it, or choose "
                                              "another --name",
                                              name));
  check_one_per_account(provider, store, options, name);
  store::Connection connection;
  connection.name = name;
  connection.provider = provider.name;
  connection.base_url = options.base_url;
  connection.api_version = options.api_version;
  if (options.oauth) {
    if (!provider.oauth)
      throw Fatal(ErrorKind::usage, fmt::format("{} has no OAuth2; use --token-stdin", provider.title));
    connection.auth_kind = "oauth2";
    check_oauth_url("--authorize-url", options.urls.authorize_url);
    check_oauth_url("--token-url", options.urls.token_url);
    connection.secret = oauth_secret_from_stdin(options.urls);
  } else {
    connection.auth_kind = "token";
    connection.secret = token_secret_json(read_token(options.token_stdin));
  }

  // An OAuth connection is saved first: verifying it may refresh, and a rotated refresh token
  // must land in the store (the authenticator saves it into the row).
  // When the check fails, the connection it replaced (with --force) comes back as it was.
  const auto replaced = options.oauth ? value_or_throw(store.find(name)) : std::nullopt;
  if (options.oauth) value_or_throw(store.add(connection, options.force));
  if (!options.no_verify) {
    auto session = open_session(context, connection, checking_retries(context));
    if (auto verified = session->verify(); !verified) {
      auto error = verified.error();
      error.message = refused_message(provider, options.oauth, error);
      if (options.oauth) take_back(store, provider, connection, replaced, error);
      throw Fatal(std::move(error));
    }
  }
  if (!options.oauth) value_or_throw(store.add(connection, options.force));
  log::info("saved connection '{}' ({}{}) in {}", name, provider.title,
            options.base_url.empty() ? "" : ", " + options.base_url, store.location());
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Connections as a JSON array on stdout: what the store says of each, and what `more` adds
// (`auth list` a masked secret, `auth status` the token's expiry).
void print_json(const std::vector<store::Connection>& connections,
                const std::function<void(JsonWriter&, const store::Connection&)>& more) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const auto& c : connections) {
    w.StartObject();
    w.Key("name"), w.String(c.name);
    w.Key("provider"), w.String(c.provider);
    w.Key("base_url"), w.String(c.base_url);
    w.Key("api_version"), w.String(c.api_version);
    w.Key("auth_kind"), w.String(c.auth_kind);
    more(w, c);
    w.Key("created_at"), w.String(c.created_at);
    w.Key("updated_at"), w.String(c.updated_at);
    w.EndObject();
  }
  w.EndArray();
  std::puts(buffer.GetString());
}

void list(const Context& context, bool as_json) {
  auto store = context.open_store();
  auto connections = value_or_throw(store.list());
  if (as_json) {
    print_json(connections, [](JsonWriter& w, const store::Connection& c) {
      w.Key("secret"), w.String(store::mask_secret(secret_token_of(c)));
    });
    return;
  }
  if (connections.empty()) {
    log::info("no connections in {}; add one with `crmexport auth add PROVIDER --token-stdin`", store.location());
    return;
  }
  fmt::print("{:<20} {:<15} {:<8} {:<14} {}\n", "NAME", "PROVIDER", "AUTH", "SECRET", "BASE URL");
  for (const auto& c : connections)
    fmt::print("{:<20} {:<15} {:<8} {:<14} {}\n", escaped(c.name), c.provider, c.auth_kind,
               store::mask_secret(secret_token_of(c)), c.base_url.empty() ? "(default)" : c.base_url);
}

// One connection checked with the provider, as auth add checks it; an error for what failed.
std::optional<Error> check_with_provider(const Context& context, const store::Connection& connection) {
  try {
    if (auto allowed = store::check_stored_name(connection.name); !allowed) return allowed.error();
    auto session = open_session(context, connection, checking_retries(context));
    if (auto verified = session->verify(); !verified) {
      auto error = with_auth_hint(verified.error(), connection);
      if (error.kind == ErrorKind::network) error.message += "; the credential was not checked";
      return error;
    }
    log::info("connection '{}' works ({})", connection.name, session->provider().title);
    return std::nullopt;
  } catch (const Fatal& e) {
    return e.error();
  }
}

// `auth test NAME`: that connection, its failure the run's. `auth test --all`: each connection
// in turn, a line for each that fails, and the end of a run over many connections (exit 7 when
// some work and others do not, as export and sync --all).
void test(const Context& context, const std::string& name, bool all) {
  if (all == !name.empty())
    throw Fatal(ErrorKind::usage, all ? "auth test takes a connection name or --all, not both"
                                      : "auth test needs a connection name, or --all for every connection");
  auto store = context.open_store();
  if (!all) {
    auto connection = resolve_connection(store, name);
    if (auto failure = check_with_provider(context, connection)) throw Fatal(std::move(*failure));
    return;
  }
  auto connections = value_or_throw(store.list());
  if (connections.empty())
    throw Fatal(ErrorKind::auth, fmt::format("no connections in {}; add one with `crmexport auth add PROVIDER "
                                             "--token-stdin`",
                                             store.location()));
  std::vector<engine::ConnectionOutcome> outcomes;
  for (const auto& connection : connections) {
    engine::ConnectionOutcome outcome;
    outcome.connection = connection.name;
    outcome.provider = connection.provider;
    outcome.error = check_with_provider(context, connection);
    if (outcome.error)
      log::write("error: ", fmt::format("{}: {} (exit {})", escaped(connection.name), outcome.error->message,
                                        exit_code(outcome.error->kind)));
    outcomes.push_back(std::move(outcome));
  }
  if (auto failure = engine::fleet_failure(outcomes, "working")) throw Fatal(std::move(*failure));
}

// When an OAuth connection's access token stops working, as the store holds it; nullopt for a
// token connection, or before a first access token.
std::optional<std::chrono::sys_seconds> access_token_expiry(const store::Connection& c) {
  if (c.auth_kind != "oauth2") return std::nullopt;
  auto oauth = auth::OAuthSecret::from_json(c.secret);
  if (!oauth || oauth->expires_at == 0) return std::nullopt;
  return std::chrono::sys_seconds(std::chrono::seconds(oauth->expires_at));
}

std::string token_expiry(const store::Connection& c) {
  const auto at = access_token_expiry(c);
  if (!at) return "access token: none held yet, obtained at the next use";
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (*at <= now) return fmt::format("access token expired at {:%FT%TZ}; renewed at the next use", *at);
  return fmt::format("access token valid until {:%FT%TZ}", *at);
}

// `auth status`: what the store knows of each connection, from the store alone (no request,
// no secret, not even masked); `auth test` asks the provider.
void status(const Context& context, bool as_json) {
  auto store = context.open_store();
  auto connections = value_or_throw(store.list());
  auto title_of = [](const store::Connection& c) {
    const auto* provider = providers::find(c.provider);
    return provider ? provider->title : escaped(c.provider);
  };
  auto base_url_of = [](const store::Connection& c) {
    const auto* provider = providers::find(c.provider);
    if (!c.base_url.empty() || !provider) return c.base_url;
    return provider->default_base_url + " (default)";
  };
  if (as_json) {
    print_json(connections, [](JsonWriter& w, const store::Connection& c) {
      w.Key("access_token_expires_at");
      if (auto at = access_token_expiry(c))
        w.String(fmt::format("{:%FT%TZ}", *at));
      else
        w.Null();
    });
    return;
  }
  if (connections.empty()) {
    log::info("no connections in {}; add one with `crmexport auth add PROVIDER --token-stdin`", store.location());
    return;
  }
  fmt::print("{}\n", store.location());
  for (const auto& c : connections) {
    fmt::print("  {}: {}, {}, {}{}\n", escaped(c.name), title_of(c), c.auth_kind == "oauth2" ? "OAuth2" : "token",
               base_url_of(c), c.api_version.empty() ? "" : ", API " + c.api_version);
    fmt::print("    added {}, credentials last changed {}\n", c.created_at, c.updated_at);
    if (c.auth_kind == "oauth2") fmt::print("    {}\n", token_expiry(c));
  }
  log::info("from the store alone; `crmexport auth test --all` asks each provider");
}

void remove(const Context& context, const std::string& name) {
  auto store = context.open_store();
  if (!value_or_throw(store.remove(name))) {
    std::vector<std::string> names;
    for (const auto& c : value_or_throw(store.list())) names.push_back(escaped(c.name));
    throw Fatal(ErrorKind::usage, fmt::format("no connection named '{}'{}; `crmexport auth list` shows them",
                                              escaped(name), did_you_mean(name, names)));
  }
  log::info("removed connection '{}'", escaped(name));
}

// A new key for encrypting the store's secrets. It is a secret: stdout only, never a log line.
void keygen() { fmt::print("{}\n", store::StoreKey::generate_base64()); }

struct RekeyOptions {
  std::string new_key_file;
  bool new_key_stdin = false;
  bool to_plain = false;
};

// The new key comes from a private file or stdin, never from an argument (argv is public).
std::optional<store::StoreKey> new_key_of(const RekeyOptions& options) {
  const int given = !options.new_key_file.empty() + options.new_key_stdin + options.to_plain;
  if (given == 0)
    throw Fatal(ErrorKind::usage, "auth rekey needs a new key: give it with --new-key-file FILE or --new-key-stdin "
                                  "(make one with `crmexport auth keygen`), or give --to-plain");
  if (given > 1)
    throw Fatal(ErrorKind::usage, "auth rekey takes one new key: give only one of --new-key-file, --new-key-stdin "
                                  "and --to-plain");
  if (options.to_plain) return std::nullopt;
  if (options.new_key_stdin)
    return value_or_throw(store::StoreKey::parse(read_hidden_line("New key (input hidden): "),
                                                 "the new key on standard input (--new-key-stdin)"));
  return value_or_throw(store::StoreKey::from_file(options.new_key_file, "--new-key-file"));
}

// Every secret in the store sealed again under a new key, all or none; the count and the new
// key's id on stderr, nothing on stdout.
void rekey(const Context& context, const RekeyOptions& options) {
  auto new_key = new_key_of(options);
  auto store = context.open_store();
  const auto count = value_or_throw(store.rekey(new_key));
  const char* noun = count == 1 ? "connection secret" : "connection secrets";
  if (new_key)
    log::info("re-encrypted {} {} under key {}", count, noun, new_key->id());
  else
    log::info("decrypted {} {}; {} keeps them in plain text", count, noun, store.location());
}

}  // namespace

void register_auth_command(CLI::App& app, Context& context) {
  auto* auth = app.add_subcommand("auth", "manage connections (credentials) in the local store");
  help_when_bare(*auth);

  auto add_options = std::make_shared<AddOptions>();
  auto* add_command = auth->add_subcommand("add", "add a connection; the token comes from stdin or $CRMEXPORT_TOKEN");
  add_command->add_option("provider", add_options->provider, "pipedrive, ...")->required();
  add_command->add_option("--name", add_options->name,
                          "connection name: letters, digits, '-', '_', '.' (default: the provider's name)");
  add_command->add_option("--base-url", add_options->base_url,
                          "the account's API URL, when not the provider's default");
  add_command->add_option("--api-version", add_options->api_version, "API version to use by default");
  add_command->add_flag("--token-stdin", add_options->token_stdin, "read the token from standard input");
  add_command->add_flag("--oauth", add_options->oauth,
                        "OAuth2 tokens you already hold: JSON on stdin with client_id, client_secret, refresh_token");
  add_command->add_option("--authorize-url", add_options->urls.authorize_url,
                          "OAuth authorize URL (default: the provider's)");
  add_command->add_option("--token-url", add_options->urls.token_url, "OAuth token URL (default: the provider's)");
  add_command->add_flag("--no-verify", add_options->no_verify, "store without one request to check the token");
  add_command->add_flag("--force", add_options->force, "replace a connection of the same name");
  add_command->callback([&context, add_options] { add(context, *add_options); });

  auto login_options = std::make_shared<LoginOptions>();
  auto* login_command = auth->add_subcommand(
      "login", "authorise crmexport with OAuth2 in the browser; client secret from stdin or $CRMEXPORT_CLIENT_SECRET");
  login_command->add_option("provider", login_options->provider, "keap, pipedrive, ...")->required();
  login_command->add_option("--name", login_options->name,
                            "connection name: letters, digits, '-', '_', '.' (default: the provider's name)");
  login_command->add_option("--client-id", login_options->client_id, "the OAuth app's client id")->required();
  login_command->add_option("--base-url", login_options->base_url, "the account's API URL, when not the default");
  login_command->add_option("--port", login_options->port, "loopback port for the redirect (default: any free one)");
  login_command->add_flag("--no-browser", login_options->no_browser, "only print the URL to open");
  login_command->add_option("--timeout", login_options->timeout_seconds,
                            "seconds to wait for the redirect (default 300)");
  login_command->add_option("--authorize-url", login_options->urls.authorize_url, "OAuth authorize URL override");
  login_command->add_option("--token-url", login_options->urls.token_url, "OAuth token URL override");
  login_command->callback([&context, login_options] { login(context, *login_options); });

  auto json = std::make_shared<bool>(false);
  auto* list_command = auth->add_subcommand("list", "list connections (secrets masked)");
  list_command->add_flag("--json", *json, "as JSON");
  list_command->callback([&context, json] { list(context, *json); });

  auto status_json = std::make_shared<bool>(false);
  auto* status_command = auth->add_subcommand(
      "status", "show each connection's provider, kind, URL and token expiry, from the store alone (no request)");
  status_command->add_flag("--json", *status_json, "as JSON");
  status_command->callback([&context, status_json] { status(context, *status_json); });

  auto name = std::make_shared<std::string>();
  auto test_all = std::make_shared<bool>(false);
  auto* test_command =
      auth->add_subcommand("test", "check connections with one cheap authenticated request each, as auth add does");
  test_command->add_option("name", *name, "connection name (or provider, when it has one connection)");
  test_command->add_flag("--all", *test_all, "every connection in the store; exit 7 when some fail");
  test_command->callback([&context, name, test_all] { test(context, *name, *test_all); });

  auto* remove_command = auth->add_subcommand("remove", "delete a connection and its secret");
  remove_command->add_option("name", *name, "connection name")->required();
  remove_command->callback([&context, name] { remove(context, *name); });

  auto* keygen_command = auth->add_subcommand(
      "keygen", "print a new key for CRMEXPORT_STORE_KEY (encrypts the store's secrets) to stdout");
  keygen_command->callback([] { keygen(); });

  auto rekey_options = std::make_shared<RekeyOptions>();
  auto* rekey_command = auth->add_subcommand(
      "rekey", "encrypt every secret in the store again under a new key (the current one from CRMEXPORT_STORE_KEY)");
  rekey_command->add_option("--new-key-file", rekey_options->new_key_file,
                            "the new key, in a file only its owner can read");
  rekey_command->add_flag("--new-key-stdin", rekey_options->new_key_stdin, "read the new key from standard input");
  rekey_command->add_flag("--to-plain", rekey_options->to_plain,
                          "keep the secrets in plain text instead (a file store only)");
  rekey_command->callback([&context, rekey_options] { rekey(context, *rekey_options); });
}

}  // namespace crmexport::cmd
