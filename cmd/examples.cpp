// The examples that end each subcommand's --help (and its section of the man page), in one table
// so that every command gets them the same way.
#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "cmd/command_line.hpp"
#include "cmd/commands.hpp"

namespace crmexport::cmd {
namespace {

const std::map<std::string, std::vector<std::string>, std::less<>>& examples_by_command() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> examples = {
      {"crmexport",
       {"crmexport export pipedrive deals -q | jq -r '.title'   # global options before or after the command",
        "crmexport export --help", "man crmexport"}},
      {"crmexport providers",
       {"crmexport providers", "crmexport providers --json | jq -r '.[].name'"}},
      {"crmexport auth",
       {"printf '%s' \"$TOKEN\" | crmexport auth add pipedrive --token-stdin", "crmexport auth list",
        "crmexport auth test pipedrive"}},
      {"crmexport auth add",
       {"printf '%s' \"$TOKEN\" | crmexport auth add pipedrive --token-stdin",
        "CRMEXPORT_TOKEN=... crmexport auth add activecampaign --name acme --base-url https://acme.api-us1.com",
        "crmexport auth add keap --name acme --oauth < tokens.json"}},
      {"crmexport auth login",
       {"CRMEXPORT_CLIENT_SECRET=... crmexport auth login keap --client-id ID",
        "crmexport auth login hubspot --name acme --client-id ID --no-browser --port 8765"}},
      {"crmexport auth list", {"crmexport auth list", "crmexport auth list --json | jq -r '.[].name'"}},
      {"crmexport auth status", {"crmexport auth status", "crmexport auth status --json | jq -r '.[].name'"}},
      {"crmexport auth test", {"crmexport auth test pipedrive", "crmexport auth test acme -v", "crmexport auth test --all"}},
      {"crmexport auth remove", {"crmexport auth remove acme", "crmexport auth remove sandbox --store ./sandbox.db"}},
      {"crmexport auth rekey",
       {"(umask 077 && crmexport auth keygen > new.key) && crmexport auth rekey --new-key-file new.key",
        "CRMEXPORT_STORE_KEY_FILE=old.key crmexport auth rekey --new-key-stdin < new.key"}},
      {"crmexport export",
       {"crmexport export pipedrive deals | jq -r '.title'",
        "crmexport export pipedrive persons -o persons.csv --fields id,name,emails.primary.value --since 7d",
        "crmexport export --all persons contacts deals -o backup/   # every connection: backup/CONNECTION/TYPE.ndjson"}},
      {"crmexport sync",
       {"crmexport sync pipedrive persons deals --db crm.db --full",
        "crmexport sync pipedrive --db crm.db --json -q --log-format json",
        "crmexport sync --all --db crm.db --connections-in-parallel 8   # every connection in the store"}},
      {"crmexport help", {"crmexport help", "crmexport help auth add"}},
      {"crmexport completion",
       {"source <(crmexport completion bash)", "crmexport completion zsh > \"${fpath[1]}/_crmexport\"",
        "crmexport completion fish > ~/.config/fish/completions/crmexport.fish"}},
  };
  return examples;
}

void add_examples_below(CLI::App& command) {
  const auto& table = examples_by_command();
  auto found = table.find(command_path(command));
  std::string footer;
  if (found != table.end()) {
    footer = "Examples:";
    for (const auto& example : found->second) footer += "\n  " + example;
  }
  // Footers are inherited from the parent when a subcommand is made: set (or clear) each one.
  command.footer(footer);
  for (auto* sub : command.get_subcommands([](CLI::App*) { return true; })) add_examples_below(*sub);
}

}  // namespace

void add_examples(CLI::App& root) { add_examples_below(root); }

}  // namespace crmexport::cmd
