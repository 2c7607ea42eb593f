#include "cmd/completion.hpp"

#include <algorithm>
#include <filesystem>

#include "cmd/command_line.hpp"
#include "cmd/context.hpp"
#include "cmd/output_plan.hpp"
#include "lib/store/store.hpp"
#include "providers/registry.hpp"

namespace crmexport::cmd {
namespace {

// Values of an option that takes one, by what it holds.
std::vector<std::string> option_values(const CLI::Option& option, const CommandLine& line,
                                       const CompletionSources& sources) {
  auto is = [&](const char* name) { return option.check_name(name); };
  const std::string store = line.values.contains("--store") ? line.values.at("--store") : "";
  if (is("--format")) return k_format_names;
  if (is("--log-format")) return {"text", "json"};
  if (is("--store") || is("--output") || is("--db")) return {std::string(k_complete_files)};
  if (is("--api-version") && !line.positionals.empty()) return sources.versions(store, line.positionals.front());
  return {};
}

// Values of the next positional, by the name the subcommand gave it.
std::vector<std::string> positional_values(const CommandLine& line, const CompletionSources& sources) {
  auto positionals = positionals_of(*line.command);
  if (positionals.empty()) return {};
  size_t index = std::min(line.positionals.size(), positionals.size() - 1);
  const auto name = positionals[index]->get_name();
  const std::string store = line.values.contains("--store") ? line.values.at("--store") : "";
  if (name == "connection" || name == "name") return sources.connections(store);
  if (name == "provider") return provider_names();
  if (name == "shell") return {"bash", "zsh", "fish"};
  if ((name == "types" || name == "type") && !line.positionals.empty()) {
    auto version = line.values.contains("--api-version") ? line.values.at("--api-version") : "";
    auto types = sources.types(store, line.positionals.front(), version);
    // A type already named is not offered again.
    std::erase_if(types, [&](const std::string& t) { return std::ranges::count(line.positionals, t) > 0; });
    return types;
  }
  return {};
}

}  // namespace

std::vector<std::string> completion_candidates(const CLI::App& root, std::span<const std::string> words,
                                               const CompletionSources& sources) {
  const std::string current = words.empty() ? "" : words.back();
  auto line = read_command_line(root, words.empty() ? words : words.first(words.size() - 1));

  std::vector<std::string> candidates;
  if (line.pending) {
    candidates = option_values(*line.pending, line, sources);
  } else if (current.starts_with('-')) {
    candidates = option_names(options_in_reach(*line.command));
  } else {
    // A command with subcommands and no arguments of its own (crmexport, auth) expects a subcommand.
    if (positionals_of(*line.command).empty())
      for (const auto* sub : visible_subcommands(*line.command)) candidates.push_back(sub->get_name());
    else
      candidates = positional_values(line, sources);
  }
  if (candidates.size() == 1 && candidates.front() == k_complete_files) return candidates;
  std::erase_if(candidates, [&](const std::string& c) { return !c.starts_with(current); });
  return candidates;
}

CompletionSources store_completion_sources() {
  // Completion never creates a store: a missing one has no connections.
  auto open_existing = [](const std::string& path) -> std::optional<store::Store> {
    auto where = path.empty() ? store::Store::default_path() : Result<std::filesystem::path>(path);
    if (!where || !std::filesystem::exists(*where)) return std::nullopt;
    auto opened = store::Store::open(*where);
    if (!opened) return std::nullopt;
    return std::move(*opened);
  };
  auto provider_of = [open_existing](const std::string& path, const std::string& connection,
                                     std::string* stored_version) -> const providers::Provider* {
    if (auto store = open_existing(path))
      if (auto found = store->find(connection); found && *found) {
        *stored_version = (*found)->api_version;
        return providers::find((*found)->provider);
      }
    return providers::find(connection);
  };
  CompletionSources sources;
  sources.connections = [open_existing](const std::string& path) {
    std::vector<std::string> names;
    if (auto store = open_existing(path))
      if (auto all = store->list())
        for (const auto& connection : *all) names.push_back(connection.name);
    return names;
  };
  sources.types = [provider_of](const std::string& path, const std::string& connection, const std::string& requested) {
    std::vector<std::string> names;
    std::string stored;
    const auto* provider = provider_of(path, connection, &stored);
    if (!provider) return names;
    const auto* version = provider->version(requested.empty() ? stored : requested);
    if (!version) version = &provider->default_version();
    for (const auto& type : version->types) names.push_back(type.name);
    return names;
  };
  sources.versions = [provider_of](const std::string& path, const std::string& connection) {
    std::vector<std::string> names;
    std::string stored;
    if (const auto* provider = provider_of(path, connection, &stored))
      for (const auto& version : provider->versions) names.push_back(version.name);
    return names;
  };
  return sources;
}

}  // namespace crmexport::cmd
