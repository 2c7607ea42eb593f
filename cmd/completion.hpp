#pragma once
// What may come next on a crmexport command line, for the shell completion scripts: they call
// `crmexport __complete WORD...` and offer what it prints. Subcommands and flags are read from
// the CLI11 definitions (so a new subcommand completes with no change here); providers, formats
// and types from the registry; connection names from the store.
#include <CLI/CLI.hpp>

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace crmexport::cmd {

// Printed alone when the word is a path: the scripts then complete file names.
inline constexpr std::string_view k_complete_files = ":files";

struct CompletionSources {
  // Connection names in the store at `store_path` ("" = the default store); none when it is missing.
  std::function<std::vector<std::string>(const std::string& store_path)> connections;
  // Type names of a connection (or of a provider named like one), in its API version unless
  // `api_version` names another; none when unknown.
  std::function<std::vector<std::string>(const std::string& store_path, const std::string& connection,
                                         const std::string& api_version)>
      types;
  // API versions of a connection's provider.
  std::function<std::vector<std::string>(const std::string& store_path, const std::string& connection)> versions;
};

// `words` are the words after the program name; the last is the word being completed (maybe "").
// Candidates start with that word.
std::vector<std::string> completion_candidates(const CLI::App& root, std::span<const std::string> words,
                                               const CompletionSources& sources);

// The sources that read the registry and the store.
CompletionSources store_completion_sources();

}  // namespace crmexport::cmd
