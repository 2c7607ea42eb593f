#pragma once
// Reads a command line the way CLI11 will (subcommands, options with their values, positionals,
// global options anywhere) without running anything: completion asks what may come next, and a
// refused command line is explained with the names closest to the mistyped one.
#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crmexport::cmd {

struct CommandLine {
  const CLI::App* command = nullptr;     // the deepest subcommand named (the root when none)
  std::vector<std::string> positionals;  // the arguments given to `command`, in order
  std::map<std::string, std::string> values;  // option values by the option's first long name ("--store")
  const CLI::Option* pending = nullptr;  // the last word was this option, which still needs its value
  std::string unknown_option;            // the first option no command on the path knows
  std::string unknown_command;           // the first word where a subcommand was expected and none matched
};

CommandLine read_command_line(const CLI::App& root, std::span<const std::string> words);

// Subcommands shown to users: hidden ones (empty group, like `__man`) are left out.
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);
// The options of `app` and of every command above it (global options work anywhere), without
// positionals and hidden options.
std::vector<const CLI::Option*> options_in_reach(const CLI::App& app);
// "--format", "-f", ... of those options.
std::vector<std::string> option_names(const std::vector<const CLI::Option*>& options);
// The positional arguments of `app`, in order.
std::vector<const CLI::Option*> positionals_of(const CLI::App& app);
// "crmexport auth add"
std::string command_path(const CLI::App& app);

}  // namespace crmexport::cmd
