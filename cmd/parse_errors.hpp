#pragma once
// One line for a command line CLI11 refused, naming what was wrong and the closest right names:
// "unknown command 'exprot': did you mean 'export'?" rather than "A subcommand is required".
#include <CLI/CLI.hpp>

#include <span>
#include <string>

namespace crmexport::cmd {

// A refused command line never reached the options' callbacks: the format its own error is
// written in is read from the words as CLI11 would have read them (`--log-format json`).
void honour_log_format(const CLI::App& root, std::span<const std::string> args);

std::string explain_parse_error(const CLI::App& root, std::span<const std::string> args,
                                const CLI::ParseError& error);

}  // namespace crmexport::cmd
