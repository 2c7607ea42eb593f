#include "cmd/command_line.hpp"

namespace crmexport::cmd {
namespace {

const CLI::Option* find_option(const CLI::App& app, const std::string& name) {
  for (const auto* at = &app; at; at = at->get_parent())
    if (const auto* option = at->get_option_no_throw(name)) return option;
  return nullptr;
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
  for (const auto* sub : visible_subcommands(app))
    if (sub->check_name(name)) return sub;
  return nullptr;
}

bool takes_value(const CLI::Option& option) { return option.get_expected_min() > 0; }

std::string key_of(const CLI::Option& option) {
  if (!option.get_lnames().empty()) return "--" + option.get_lnames().front();
  return "-" + option.get_snames().front();
}

}  // namespace

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

std::vector<const CLI::Option*> options_in_reach(const CLI::App& app) {
  std::vector<const CLI::Option*> options;
  for (const auto* at = &app; at; at = at->get_parent())
    for (const auto* option :
         at->get_options([](const CLI::Option* o) { return !o->get_positional() && !o->get_group().empty(); }))
      options.push_back(option);
  return options;
}

std::vector<std::string> option_names(const std::vector<const CLI::Option*>& options) {
  std::vector<std::string> names;
  for (const auto* option : options) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

std::vector<const CLI::Option*> positionals_of(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return o->get_positional(); });
}

std::string command_path(const CLI::App& app) {
  // Not the root's own name: CLI11 sets that to argv[0] ("./build/crmexport") when it parses.
  if (!app.get_parent()) return "crmexport";
  return command_path(*app.get_parent()) + " " + app.get_name();
}

CommandLine read_command_line(const CLI::App& root, std::span<const std::string> words) {
  CommandLine line;
  line.command = &root;
  bool only_positionals = false;
  for (const auto& word : words) {
    if (line.pending) {
      line.values[key_of(*line.pending)] = word;
      line.pending = nullptr;
      continue;
    }
    if (!only_positionals && word == "--") {
      only_positionals = true;
      continue;
    }
    if (!only_positionals && word.size() > 1 && word.front() == '-') {
      auto equals = word.find('=');
      auto name = word.substr(0, equals);
      const auto* option = find_option(*line.command, name);
      if (!option) {
        if (line.unknown_option.empty()) line.unknown_option = name;
        continue;
      }
      if (equals != std::string::npos)
        line.values[key_of(*option)] = word.substr(equals + 1);
      else if (takes_value(*option))
        line.pending = option;
      else
        line.values[key_of(*option)] = "";
      continue;
    }
    // CLI11 fills the positionals a command still needs before it looks for a subcommand.
    bool wants_positional = line.positionals.size() < positionals_of(*line.command).size() ||
                            (!positionals_of(*line.command).empty() &&
                             positionals_of(*line.command).back()->get_items_expected_max() > 1);
    if (!wants_positional && !only_positionals) {
      if (const auto* sub = find_subcommand(*line.command, word)) {
        line.command = sub;
        line.positionals.clear();
        continue;
      }
      if (!visible_subcommands(*line.command).empty() && line.unknown_command.empty()) line.unknown_command = word;
    }
    line.positionals.push_back(word);
  }
  return line;
}

}  // namespace crmexport::cmd
