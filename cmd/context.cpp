#include "cmd/context.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "providers/registry.hpp"

namespace crmexport::cmd {

store::Store Context::open_store() const {
  auto path = store_path.empty() ? store::Store::default_path() : Result<std::filesystem::path>(store_path);
  return value_or_throw(store::Store::open(value_or_throw(std::move(path))));
}

http::RetryPolicy Context::retry_policy() const {
  http::RetryPolicy policy;
  policy.max_retries = max_retries;
  return policy;
}

http::TransportLimits Context::transport_limits() const {
  http::TransportLimits limits;
  limits.request_timeout = std::chrono::seconds(request_timeout_seconds);
  return limits;
}

const providers::Provider& provider_named(std::string_view name) {
  const auto* provider = providers::find(name);
  if (!provider)
    throw Fatal(ErrorKind::usage, fmt::format("unknown provider '{}'; providers: {}", name, providers::names()));
  return *provider;
}

store::Connection resolve_connection(const store::Store& store, std::string_view name_or_provider) {
  if (auto found = value_or_throw(store.find(name_or_provider))) return *found;
  if (const auto* provider = providers::find(name_or_provider)) {
    auto of_provider = value_or_throw(store.list_by_provider(provider->name));
    if (of_provider.size() == 1) return of_provider.front();
    if (of_provider.empty())
      throw Fatal(ErrorKind::auth,
                  fmt::format("no {} connection in {}; add one with `crmexport auth add {} --token-stdin`",
                              provider->title, store.path().string(), provider->name));
    std::string names;
    for (const auto& c : of_provider) names += (names.empty() ? "" : ", ") + c.name;
    throw Fatal(ErrorKind::usage, fmt::format("{} {} connections exist ({}); name the one to use", of_provider.size(),
                                              provider->title, names));
  }
  auto all = value_or_throw(store.list());
  std::string names;
  for (const auto& c : all) names += (names.empty() ? "" : ", ") + c.name;
  throw Fatal(ErrorKind::auth,
              fmt::format("no connection named '{}' in {} ({}); add it with `crmexport auth add PROVIDER --name {} "
                          "--token-stdin` (providers: {})",
                          name_or_provider, store.path().string(), names.empty() ? "it has none" : "it has " + names,
                          name_or_provider, providers::names()));
}

std::unique_ptr<engine::Session> open_session(const Context& context, const store::Connection& connection) {
  const auto& provider = provider_named(connection.provider);
  auto store_path = context.store_path.empty() ? value_or_throw(store::Store::default_path())
                                               : std::filesystem::path(context.store_path);
  return value_or_throw(engine::Session::open(connection, provider, context.retry_policy(),
                                              std::make_unique<http::CurlTransport>(context.transport_limits()),
                                              nullptr, store_path));
}

const providers::ApiVersion& api_version(const providers::Provider& provider, const std::string& stored,
                                         const std::string& requested) {
  const std::string& name = requested.empty() ? stored : requested;
  if (name.empty()) return provider.default_version();
  const auto* version = provider.version(name);
  if (!version)
    throw Fatal(ErrorKind::usage, fmt::format("{} has no API version '{}'; versions: {}", provider.title, name,
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
      throw Fatal(ErrorKind::usage, fmt::format("{} API {} has no type '{}'; types: {}", provider.title, version.name,
                                                name, version.type_names()));
    if (std::ranges::find(types, type) == types.end()) types.push_back(type);
  }
  return types;
}

}  // namespace crmexport::cmd
