#pragma once
// One register_* function per subcommand; main calls each once.
#include <CLI/CLI.hpp>

#include <optional>
#include <string_view>

#include "cmd/context.hpp"

namespace crmexport::cmd {

void register_providers_command(CLI::App& app, Context& context);
void register_auth_command(CLI::App& app, Context& context);
void register_export_command(CLI::App& app, Context& context);
void register_sync_command(CLI::App& app, Context& context);
void register_fields_command(CLI::App& app, Context& context);
void register_completion_command(CLI::App& app, Context& context);
void register_man_command(CLI::App& app, Context& context);
void register_help_command(CLI::App& app, Context& context);

// --store, -v, -q, --max-retries, --log-format, -V: before the subcommands are registered.
void register_global_options(CLI::App& app, Context& context);
// A command that only groups others (`crmexport`, `crmexport auth`) prints its help when given
// none of them, on stdout with exit 0, as gh does.
void help_when_bare(CLI::App& command);
// The examples at the end of each subcommand's --help; after every subcommand is registered.
void add_examples(CLI::App& root);

// The completion script for bash, zsh or fish; empty for another shell.
std::string_view completion_script(std::string_view shell);
// Answers `crmexport __complete WORD...` (the completion scripts' call) and returns the exit
// code; nullopt for any other command line.
std::optional<int> answer_completion_request(const CLI::App& app, int argc, char** argv);

}  // namespace crmexport::cmd
