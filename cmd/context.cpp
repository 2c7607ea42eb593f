#include "cmd/context.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

#include "lib/auth/oauth.hpp"
#include "lib/core/escape.hpp"
#include "lib/core/log.hpp"
#include "lib/core/suggest.hpp"
#include "lib/http/curl_transport.hpp"
#include "lib/http/transport_pool.hpp"
#include "lib/store/connection_name.hpp"
#include "providers/registry.hpp"

namespace crmexport::cmd {
namespace {

// The names of anything named (connections, versions, types), for "did you mean" and lists in
// messages: escaped, as a store may hold a connection name that breaks the rule.
template <typename Named>
std::vector<std::string> names_of(const std::vector<Named>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(escaped(item.name));
  return names;
}

}  // namespace

std::vector<std::string> provider_names() {
  std::vector<std::string> names;
  for (const auto* provider : providers::all()) names.push_back(provider->name);
  return names;
}

store::Store Context::open_or_create_store() const {
  auto path = store_path.empty() ? store::Store::default_path() : Result<std::filesystem::path>(store_path);
  return value_or_throw(store::Store::open(value_or_throw(std::move(path))));
}

store::Store Context::open_store() const {
  const auto path = value_or_throw(store_path.empty() ? store::Store::default_path()
                                                      : Result<std::filesystem::path>(store_path));
  std::error_code ignored;
  if (store::Store::is_file_location(path.string()) && !std::filesystem::exists(path, ignored))
    throw Fatal(ErrorKind::usage,
                fmt::format("no credential store at {}: add a connection first with `crmexport auth add PROVIDER "
                            "--token-stdin`, or give the right --store",
                            escaped(path.string())));
  return open_or_create_store();
}

http::RetryPolicy Context::retry_policy() const {
  http::RetryPolicy policy;
  policy.max_retries = max_retries;
  return policy;
}

CLI::Validator at_least_one() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        long long value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc::result_out_of_range && !text.starts_with('-'))
          return fmt::format("{} is too large", text);
        if (ec != std::errc() || end != text.data() + text.size())
          return fmt::format("'{}' is not a whole number", text);
        if (value < 1) return fmt::format("must be at least 1, not {}", text);
        return "";
      },
      "N>=1");
}

http::TransportLimits Context::transport_limits() const {
  http::TransportLimits limits;
  limits.request_timeout = std::chrono::seconds(request_timeout_seconds);
  return limits;
}

const providers::Provider& provider_named(std::string_view name) {
  const auto* provider = providers::find(name);
  if (!provider)
    throw Fatal(ErrorKind::usage, fmt::format("unknown provider '{}'{}; providers: {}", name,
                                              did_you_mean(name, provider_names()), providers::names()));
  return *provider;
}

namespace {

store::Connection find_connection(const store::Store& store, std::string_view name_or_provider) {
  if (auto found = value_or_throw(store.find(name_or_provider))) return *found;
  if (const auto* provider = providers::find(name_or_provider)) {
    auto of_provider = value_or_throw(store.list_by_provider(provider->name));
    if (of_provider.size() == 1) return of_provider.front();
    if (of_provider.empty())
      throw Fatal(ErrorKind::auth,
                  fmt::format("no {} connection in {}; add one with `crmexport auth add {} --token-stdin`",
                              provider->title, store.location(), provider->name));
    throw Fatal(ErrorKind::usage, fmt::format("{} {} connections exist ({}); name the one to use", of_provider.size(),
                                              provider->title, fmt::join(names_of(of_provider), ", ")));
  }
  // Neither a connection nor a provider: a typo (`pipdrive`) more often than a connection not yet
  // added, so a usage error that names both lists and the closest names.
  auto connection_names = names_of(value_or_throw(store.list()));
  auto candidates = connection_names;
  std::ranges::copy(provider_names(), std::back_inserter(candidates));
  throw Fatal(ErrorKind::usage,
              fmt::format("no connection or provider named '{}'{}; connections in {}: {}; providers: {}; add a "
                          "connection with `crmexport auth add PROVIDER --name {} --token-stdin`",
                          escaped(name_or_provider), did_you_mean(name_or_provider, candidates), store.location(),
                          connection_names.empty() ? "none" : fmt::to_string(fmt::join(connection_names, ", ")),
                          providers::names(),
                          store::check_connection_name(name_or_provider) ? std::string(name_or_provider) : "NAME"));
}

}  // namespace

store::Connection resolve_connection(const store::Store& store, std::string_view name_or_provider) {
  auto connection = find_connection(store, name_or_provider);
  value_or_throw(store::check_stored_name(connection.name));  // before it names a folder, a log line or a lock
  log::set_connection(connection.name);
  return connection;
}

std::unique_ptr<engine::Session> open_session(const Context& context, const store::Connection& connection) {
  return open_session(context, connection, context.retry_policy());
}

std::unique_ptr<engine::Session> open_session(const Context& context, const store::Connection& connection,
                                              const http::RetryPolicy& retry) {
  const auto& provider = provider_named(connection.provider);
  auto store_path = context.store_path.empty() ? value_or_throw(store::Store::default_path())
                                               : std::filesystem::path(context.store_path);
  // One libcurl handle per request in flight (several types read at once), each with the run's limits.
  auto transport = std::make_unique<http::TransportPool>(
      [limits = context.transport_limits()] { return std::make_unique<http::CurlTransport>(limits); });
  return value_or_throw(
      engine::Session::open(connection, provider, retry, std::move(transport), nullptr, store_path));
}

const providers::ApiVersion& api_version(const providers::Provider& provider, const std::string& stored,
                                         const std::string& requested) {
  const std::string& name = requested.empty() ? stored : requested;
  if (name.empty()) return provider.default_version();
  const auto* version = provider.version(name);
  if (!version)
    throw Fatal(ErrorKind::usage, fmt::format("{} has no API version '{}'{}; versions: {}", provider.title, name,
                                              did_you_mean(name, names_of(provider.versions)),
                                              provider.version_names()));
  return *version;
}

std::vector<const providers::TypeSpec*> types_named(const providers::Provider& provider,
                                                    const providers::ApiVersion& version,
                                                    const std::vector<std::string>& names) {
  std::vector<const providers::TypeSpec*> types;
  for (const auto& name : names) {
    const auto* type = version.type(name);
    if (!type)
      throw Fatal(ErrorKind::usage, fmt::format("{} API {} has no type '{}'{}; types: {}", provider.title,
                                                version.name, name, did_you_mean(name, names_of(version.types)),
                                                version.type_names()));
    if (std::ranges::find(types, type) == types.end()) types.push_back(type);
  }
  return types;
}

Error with_auth_hint(Error error, const store::Connection& connection) {
  if (connection.auth_kind == "oauth2") {
    if (error.kind == ErrorKind::auth && error.message.find("crmexport auth login") == std::string::npos) {
      auto secret = auth::OAuthSecret::from_json(connection.secret);
      error.message += fmt::format("; re-authorise with `crmexport auth login {} --name {} --client-id {}`",
                                   connection.provider, connection.name,
                                   secret && !secret->client_id.empty() ? secret->client_id : "CLIENT_ID");
    }
    return error;
  }
  if (error.kind == ErrorKind::auth && error.http_status != 0)
    error.message = fmt::format(
        "{} rejected the credentials of connection '{}' ({}); re-authenticate with "
        "`crmexport auth add {} --name {} --force --token-stdin`",
        connection.provider, connection.name, error.message, connection.provider, connection.name);
  return error;
}

}  // namespace crmexport::cmd
