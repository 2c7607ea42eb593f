// Reading a command line from the CLI11 definitions, as completion and "did you mean" do, with
// the store replaced by fixed answers.
#include <catch2/catch.hpp>

#include "cmd/command_line.hpp"
#include "cmd/commands.hpp"
#include "cmd/completion.hpp"

using namespace crmexport;

namespace {

struct Cli {
  CLI::App app;
  cmd::Context context;
  Cli() {
    app.require_subcommand(1);
    cmd::register_global_options(app, context);
    cmd::register_auth_command(app, context);
    cmd::register_export_command(app, context);
  }
};

cmd::CompletionSources fixed_sources(std::vector<std::string>* stores_asked) {
  cmd::CompletionSources sources;
  sources.connections = [stores_asked](const std::string& store) {
    stores_asked->push_back(store);
    return std::vector<std::string>{"work", "workshop", "home"};
  };
  sources.types = [](const std::string&, const std::string& connection, const std::string& version) {
    if (connection != "work") return std::vector<std::string>{};
    if (version == "v1") return std::vector<std::string>{"persons", "notes"};
    return std::vector<std::string>{"persons", "deals", "pipelines"};
  };
  sources.versions = [](const std::string&, const std::string&) { return std::vector<std::string>{"v2", "v1"}; };
  return sources;
}

}  // namespace

TEST_CASE("a command line is read as CLI11 reads it: subcommands, options with values, globals anywhere",
          "[cli][completion]") {
  Cli cli;
  std::vector<std::string> words = {"-q", "export", "work", "deals", "--store", "s.db", "-f", "csv", "persons", "-v"};
  auto line = cmd::read_command_line(cli.app, words);
  CHECK(cmd::command_path(*line.command) == "crmexport export");
  CHECK(line.positionals == std::vector<std::string>{"work", "deals", "persons"});
  CHECK(line.values == std::map<std::string, std::string>{
                           {"--quiet", ""}, {"--store", "s.db"}, {"--format", "csv"}, {"--verbose", ""}});
  CHECK(line.pending == nullptr);
  CHECK(line.unknown_option.empty());
  CHECK(line.unknown_command.empty());

  std::vector<std::string> typo = {"auth", "lsit", "--jsn"};
  auto refused = cmd::read_command_line(cli.app, typo);
  CHECK(cmd::command_path(*refused.command) == "crmexport auth");
  CHECK(refused.unknown_command == "lsit");
  CHECK(refused.unknown_option == "--jsn");

  std::vector<std::string> waiting = {"export", "work", "--output"};
  auto pending = cmd::read_command_line(cli.app, waiting);
  REQUIRE(pending.pending != nullptr);
  CHECK(pending.pending->check_name("-o"));
}

TEST_CASE("completion offers what may come next, starting with the word being typed", "[cli][completion]") {
  Cli cli;
  std::vector<std::string> stores;
  auto sources = fixed_sources(&stores);
  auto complete = [&](std::vector<std::string> words) { return cmd::completion_candidates(cli.app, words, sources); };
  using Names = std::vector<std::string>;
  CHECK(complete({""}) == Names{"auth", "export"});
  CHECK(complete({"auth", ""}) == Names{"add", "login", "list", "status", "test", "remove", "keygen", "rekey"});
  CHECK(complete({"export", "wo"}) == Names{"work", "workshop"});
  CHECK(stores == Names{""});
  CHECK(complete({"--store", "other.db", "export", "h"}) == Names{"home"});
  CHECK(stores.back() == "other.db");
  CHECK(complete({"export", "work", "deals", ""}) == Names{"persons", "pipelines"});
  CHECK(complete({"export", "work", "--api-version", "v1", "n"}) == Names{"notes"});
  CHECK(complete({"export", "work", "--api-version", ""}) == Names{"v2", "v1"});
  CHECK(complete({"export", "work", "-o", ""}) == Names{std::string(cmd::k_complete_files)});
  CHECK(complete({"export", "work", "--log-format", "j"}) == Names{"json"});
  CHECK(complete({"export", "work", "--m"}) ==
        Names{"--max-records", "--max-pages", "--max-requests", "--max-tokens", "--max-retries"});
  CHECK(complete({"auth", "add", "hub"}) == Names{"hubspot"});
  CHECK(complete({"exp", "work"}).empty());  // nothing follows an unknown command
}
