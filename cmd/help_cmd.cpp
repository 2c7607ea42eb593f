// `crmexport help [COMMAND...]`, and what a command that needs a subcommand does without one
// (`crmexport`, `crmexport auth`): print its help on stdout, as gh does, rather than refuse.
#include <fmt/format.h>

#include <cstdio>

#include "cmd/command_line.hpp"
#include "cmd/commands.hpp"
#include "lib/core/suggest.hpp"

namespace crmexport::cmd {
namespace {

const CLI::App* subcommand_named(const CLI::App& parent, const std::string& name) {
  for (const auto* sub : visible_subcommands(parent))
    if (sub->check_name(name)) return sub;
  return nullptr;
}

// The help of the command the words name ("auth add"); a usage error naming the closest
// command when a word names none.
std::string help_of(const CLI::App& root, const std::vector<std::string>& words) {
  const CLI::App* command = &root;
  for (const auto& word : words) {
    const auto* sub = subcommand_named(*command, word);
    if (!sub) {
      std::vector<std::string> names;
      for (const auto* s : visible_subcommands(*command)) names.push_back(s->get_name());
      throw Fatal(ErrorKind::usage, fmt::format("unknown command '{}'{}; `{}` has: {}", word,
                                                did_you_mean(word, names), command_path(*command),
                                                fmt::join(names, ", ")));
    }
    command = sub;
  }
  return command->get_formatter()->make_help(command, command_path(*command), CLI::AppFormatMode::Normal);
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace

void register_help_command(CLI::App& app, Context&) {
  auto* command = app.add_subcommand("help", "show the commands, or one command's options and examples");
  auto words = std::make_shared<std::vector<std::string>>();
  command->add_option("command", *words, "the command, e.g. `export` or `auth add`");
  const auto* root = &app;
  command->callback([root, words] { print(help_of(*root, *words)); });
}

void help_when_bare(CLI::App& command) {
  command.require_subcommand(0, 1);
  auto* self = &command;
  command.callback([self] {
    if (self->get_subcommands().empty()) print(self->get_formatter()->make_help(self, command_path(*self), CLI::AppFormatMode::Normal));
  });
}

}  // namespace crmexport::cmd
