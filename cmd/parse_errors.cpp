#include "cmd/parse_errors.hpp"

#include <fmt/format.h>

#include "cmd/command_line.hpp"
#include "lib/core/log.hpp"
#include "lib/core/suggest.hpp"

namespace crmexport::cmd {

void honour_log_format(const CLI::App& root, std::span<const std::string> args) {
  auto line = read_command_line(root, args);
  auto given = line.values.find("--log-format");
  if (given == line.values.end()) return;
  if (auto format = log::parse_format(given->second)) log::set_format(*format);
}

std::string explain_parse_error(const CLI::App& root, std::span<const std::string> args,
                                const CLI::ParseError& error) {
  auto line = read_command_line(root, args);
  const auto path = command_path(*line.command);
  if (!line.unknown_command.empty()) {
    std::vector<std::string> names;
    for (const auto* sub : visible_subcommands(*line.command)) names.push_back(sub->get_name());
    return fmt::format("unknown command '{}'{}; `{}` has: {}", line.unknown_command,
                       did_you_mean(line.unknown_command, names), path, fmt::join(names, ", "));
  }
  if (!line.unknown_option.empty())
    return fmt::format("unknown flag '{}' for `{}`{}; `{} --help` lists them", line.unknown_option, path,
                       did_you_mean(line.unknown_option, option_names(options_in_reach(*line.command))), path);
  return fmt::format("{}; `{} --help` shows the usage", error.what(), path);
}

}  // namespace crmexport::cmd
