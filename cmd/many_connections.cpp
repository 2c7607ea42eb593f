#include "cmd/many_connections.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "cmd/context.hpp"
#include "lib/core/escape.hpp"
#include "lib/core/log.hpp"
#include "lib/core/suggest.hpp"
#include "lib/store/connection_name.hpp"
#include "providers/registry.hpp"

namespace crmexport::cmd {

NamedWords split_words(const store::Store& store, bool all, std::vector<std::string> words) {
  NamedWords split;
  size_t i = 0;
  if (!all) {
    split.connections.push_back(words[i++]);  // the command line requires it without --all
    while (i < words.size() && value_or_throw(store.find(words[i]))) split.connections.push_back(words[i++]);
  }
  split.types.assign(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  return split;
}

namespace {

std::vector<std::string> connection_names(const store::Store& store) {
  std::vector<std::string> names;
  for (const auto& connection : value_or_throw(store.list())) names.push_back(escaped(connection.name));
  return names;
}

}  // namespace

bool names_mistyped_connection(const store::Store& store, const NamedWords& words) {
  if (words.connections.size() != 1 || words.types.empty()) return false;
  auto found = value_or_throw(store.find(words.connections.front()));
  if (!found) return false;
  const auto& version = api_version(provider_named(found->provider), found->api_version, "");
  const auto names = connection_names(store);
  return std::ranges::any_of(words.types, [&](const std::string& word) {
    return !version.type(word) && !did_you_mean(word, names).empty();
  });
}

std::vector<ConnectionTypes> plan_connections(const store::Store& store, bool all, const NamedWords& words) {
  std::vector<store::Connection> connections;
  if (all) {
    connections = value_or_throw(store.list());
    if (connections.empty())
      throw Fatal(ErrorKind::usage,
                  fmt::format("no connections in {}; add one with `crmexport auth add PROVIDER --name NAME "
                              "--token-stdin`",
                              store.location()));
  } else {
    for (const auto& name : words.connections) {
      auto connection = resolve_connection(store, name);
      if (std::ranges::find(connections, connection.name, &store::Connection::name) == connections.end())
        connections.push_back(std::move(connection));
    }
  }
  log::set_connection("");  // each line names its connection itself
  std::vector<ConnectionTypes> plan;
  std::vector<std::string> known_types;  // every type of these connections' providers, for "did you mean"
  for (auto& connection : connections) {
    // With --all, a stored name that breaks the rule fails that connection alone: the agency's
    // other accounts are still exported or synced, and the run ends with exit 7.
    if (auto name = store::check_stored_name(connection.name); !name) {
      plan.push_back(ConnectionTypes{std::move(connection), nullptr, {}, {}, name.error()});
      continue;
    }
    const auto& provider = provider_named(connection.provider);
    const auto& version = api_version(provider, connection.api_version, "");
    auto& item = plan.emplace_back(ConnectionTypes{std::move(connection), &version, {}, {}, std::nullopt});
    for (const auto& type : version.types) known_types.push_back(type.name);
    if (words.types.empty())
      for (const auto& type : version.types) item.types.push_back(&type);
    for (const auto& name : words.types) {
      const auto* type = version.type(name);
      if (!type)
        item.absent_types.push_back(name);
      else if (std::ranges::find(item.types, type) == item.types.end())
        item.types.push_back(type);
    }
  }
  for (const auto& name : words.types) {
    if (std::ranges::find(known_types, name) != known_types.end()) continue;
    std::ranges::sort(known_types);
    known_types.erase(std::unique(known_types.begin(), known_types.end()), known_types.end());
    if (all)
      throw Fatal(ErrorKind::usage, fmt::format("no connection's provider has a type '{}'{}; types: {}", name,
                                                did_you_mean(name, known_types), fmt::join(known_types, ", ")));
    // Without --all the word may as well be a mistyped connection name.
    std::vector<std::string> candidates = known_types;
    std::ranges::copy(connection_names(store), std::back_inserter(candidates));
    throw Fatal(ErrorKind::usage,
                fmt::format("no connection or type named '{}'{}; connections come first (`crmexport auth list` "
                            "lists them), then types: {}",
                            name, did_you_mean(name, candidates), fmt::join(known_types, ", ")));
  }
  return plan;
}

void report_outcomes(const std::vector<engine::ConnectionOutcome>& outcomes) {
  for (const auto& outcome : outcomes) {
    if (!outcome.absent_types.empty())
      log::info("{}: {} has no {} (left out)", outcome.connection, provider_named(outcome.provider).title,
                fmt::join(outcome.absent_types, ", "));
    if (outcome.skipped)
      log::info("{}: skipped: {}", outcome.connection,
                outcome.synced_elsewhere ? "another crmexport process synced it since this run began"
                                         : "another crmexport process holds it; that process syncs it");
    if (outcome.error)
      log::write("error: ", fmt::format("{}: {} (exit {})", escaped(outcome.connection), outcome.error->message,
                                        exit_code(outcome.error->kind)));
    for (const auto& type : outcome.types) {
      if (type.error)
        log::write("error: ", fmt::format("{}/{}: {} (exit {})", outcome.connection, type.type, type.error->message,
                                          exit_code(type.error->kind)));
      else if (!type.started && outcome.failure())
        log::info("{}/{}: not started (another type of the connection failed first)", outcome.connection, type.type);
    }
  }
}

}  // namespace crmexport::cmd
