// A new user's first minutes, typed into a real terminal (tmux) and read off its screen: what
// bare crmexport and `help export` show, auth add asking for the secret without echoing it, a
// long export's phases on their status lines, Ctrl-C and --resume with the right totals, and an
// agency's `export --all` with one failing connection: every line named, one closing line.
// Expected records come from crm-fake's dump.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <tuple>
#include <string>

#include "support/fake_server.hpp"
#include "support/tmux.hpp"

using namespace crmexport::testing;

namespace {

// The shell's environment: crmexport on PATH and a store of its own.
std::map<std::string, std::string> shell_env(const TempDir& home) {
  const auto bin = std::filesystem::path(CRMEXPORT_BIN).parent_path().string();
  return {{"PATH", bin + ":/usr/bin:/bin"}, {"CRMEXPORT_STORE", home / "store.db"}, {"HOME", home.path()},
          {"COLUMNS", "120"}, {"LINES", "40"}};
}

std::size_t count_lines(const std::string& text) { return lines_of(text).size(); }

}  // namespace

TEST_CASE("terminal: Ctrl-C in a long export keeps what was written, and --resume finishes it with the right totals",
          "[e2e][terminal]") {
  // 2,000 ActiveCampaign contacts in pages of 100 at its 5 requests a second: about 4 s, long
  // enough to be interrupted; its pages carry the total (meta.total).
  FakeServer server({"--records", "2000"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  TmuxSession terminal(home.path(), shell_env(home));

  terminal.type("crmexport export ac contacts --page-size 100 -o contacts.ndjson");
  // The status line counts records against the provider's total while pages arrive.
  terminal.wait_for("/2000 records (", std::chrono::seconds(20));
  terminal.key("C-c");
  auto stopped = terminal.wait_for("--resume", std::chrono::seconds(20));
  INFO(stopped);
  CHECK(std::filesystem::exists(home / "contacts.ndjson.partial"));
  CHECK_FALSE(std::filesystem::exists(home / "contacts.ndjson"));
  const auto kept = count_lines(read_file(home / "contacts.ndjson.partial"));
  CHECK(kept > 0);
  CHECK(kept < 2000);

  auto resumed = terminal.run("crmexport export ac contacts --page-size 100 -o contacts.ndjson --resume");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  // The whole file is the dataset, and the summary counts it whole, with this run's share.
  CHECK(lines_of(read_file(home / "contacts.ndjson")) == server.dataset("activecampaign", "contacts"));
  CHECK_THAT(resumed.output, Catch::Contains(fmt::format("2000 records ({} this run)", 2000 - kept)));
}

TEST_CASE("terminal: a new user's first minute: the commands, one command's help, a hidden token, a long export's phases",
          "[e2e][terminal]") {
  FakeServer server({"--records", "300"});
  TempDir home;
  TmuxSession terminal(home.path(), shell_env(home));

  // Bare crmexport shows what there is to do, not an error.
  auto bare = terminal.run("crmexport");
  INFO(bare.output);
  CHECK(bare.exit_code == 0);
  for (const char* command : {"providers", "auth", "export", "sync", "fields", "help"})
    CHECK_THAT(bare.output, Catch::Contains(fmt::format("\n  {}  ", command)));
  CHECK_THAT(bare.output, Catch::Contains("Usage: crmexport [OPTIONS] [SUBCOMMAND]"));

  auto help = terminal.run("crmexport help export");
  INFO(help.output);
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.output, Catch::Contains("Usage: crmexport export [OPTIONS] [connection] [types...]"));

  // auth add at a terminal asks for the token and does not echo it.
  const std::string token = "fake-token";
  terminal.type(fmt::format("crmexport auth add activecampaign --name ac --base-url {}/activecampaign",
                            server.url()));
  terminal.wait_for("Token (input hidden):");  // tmux drops the trailing space
  terminal.type(token);
  auto added = terminal.wait_for("saved connection 'ac'");
  INFO(added);
  // The only place the token's text appears is nowhere: not after the prompt, not in the line.
  CHECK(added.find("hidden): " + token) == std::string::npos);
  CHECK(added.find(token) == std::string::npos);

  // A deal export reads the field metadata and the custom values first: each phase has its line.
  terminal.type("crmexport export ac deals --labels -o deals.ndjson");
  terminal.wait_for("deals custom values: ", std::chrono::seconds(30));
  terminal.wait_for("crmexport: deals: 300 records", std::chrono::seconds(60), true);
  auto done = terminal.run("true");
  INFO(done.output);
  CHECK_THAT(done.output, Catch::Contains("crmexport: deals: 300 records"));
  CHECK(count_lines(read_file(home / "deals.ndjson")) == 300);
}

TEST_CASE("terminal: export --all with a failing connection names each connection and ends with one closing line",
          "[e2e][terminal]") {
  // ActiveCampaign's 2,000 deals in pages of 100 at 5 requests a second: long enough to see its
  // status line; Pipedrive's persons and deals; a third connection whose token is refused.
  FakeServer server({"--records", "2000"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  REQUIRE(add_connection(home, server, "pipedrive", "pdbad", "wrong-token", {"--no-verify"}).exit_code == 0);
  TmuxSession terminal(home.path(), shell_env(home));

  terminal.type("crmexport export --all deals persons --page-size 100 -o out/");
  // ActiveCampaign's status line: named with its connection, counting against its total.
  auto running = terminal.wait_for("/2000 records (", std::chrono::seconds(30));
  INFO(running);
  CHECK(std::regex_search(running, std::regex(R"(\nac/deals: \d+/2000 records \()")));
  // Typed once the export has said its last line (text typed earlier would be echoed among its
  // lines): $? is its exit code.
  terminal.wait_for("connections failed", std::chrono::seconds(60), true);
  auto ran = terminal.run("echo \"export exit: $?\"");
  const auto& history = ran.output;
  INFO(history);
  CHECK_THAT(history, Catch::Contains("\nexport exit: 7\n"));
  long records = 0;
  for (const auto& [connection, provider, type] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"ac", "activecampaign", "deals"}, {"pd", "pipedrive", "deals"}, {"pd", "pipedrive", "persons"}}) {
    const auto dataset = server.dataset(provider, type);
    records += static_cast<long>(dataset.size());
    CHECK(lines_of(read_file(home / ("out/" + connection + "/" + type + ".ndjson"))) == dataset);
    CHECK_THAT(history, Catch::Contains(fmt::format("crmexport: {}/{}: {} records in ", connection, type,
                                                    dataset.size())));
  }
  CHECK_THAT(history, Catch::Contains("crmexport: ac: ActiveCampaign has no persons (left out)"));
  CHECK_THAT(history, Catch::Contains("crmexport: error: pdbad/deals: pipedrive rejected the credentials"));
  CHECK_FALSE(std::filesystem::exists(home / "out/pdbad/deals.ndjson"));
  const std::regex closing(fmt::format("crmexport: 3 connections: 2 written, 1 failed \\(pdbad\\); types: 3 written, 2 "
                                       "not finished, 1 left out; {} records, \\d+ requests in \\d+s; wrote nothing: "
                                       "pdbad\ncrmexport: error: 1 of 3 connections failed \\(pdbad\\); the other 2 are "
                                       "written\n",
                                       records));
  CHECK(std::regex_search(history, closing));
}

TEST_CASE("terminal: Ctrl-C while the custom values are read says which phase stopped and what was written",
          "[e2e][terminal]") {
  // 2,000 ActiveCampaign deals: their custom values take 76 pages at 5 requests a second.
  FakeServer server({"--records", "2000"});
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  TmuxSession terminal(home.path(), shell_env(home));

  terminal.type("crmexport export ac deals -f csv -o deals.csv");
  terminal.wait_for("deals custom values: ", std::chrono::seconds(30));
  terminal.key("C-c");
  terminal.wait_for("run the same command again", std::chrono::seconds(30), true);
  auto stopped = terminal.run("echo \"export exit: $?\"");
  INFO(stopped.output);
  CHECK_THAT(stopped.output, Catch::Contains("\nexport exit: 130\n"));
  CHECK(std::regex_search(stopped.output,
                          std::regex(R"(\ncrmexport: error: deals: interrupted by SIGINT while reading its custom values )"
                                     R"(\(\d+ read in \d+ requests?\); no record was written by this run; run the same )"
                                     R"(command again\n)")));
  // Not taken for metadata that cannot be read: no fallback to raw CSV, no file.
  CHECK(stopped.output.find("could not be read") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(home / "deals.csv"));
  CHECK_FALSE(std::filesystem::exists(home / "deals.csv.partial"));
}
