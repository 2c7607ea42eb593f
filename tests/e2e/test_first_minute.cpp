// The first minute of a new user: help without a subcommand, a token typed at a terminal, a
// mistyped store or output folder named as such, every error in --log-format json, enum values
// in any case, a host that cannot be reached said at once, and what `auth status` and
// `auth test --all` tell about every connection.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>

#include <rapidjson/document.h>

#include "support/fake_server.hpp"
#include "support/terminal.hpp"

using namespace crmexport::testing;

namespace {

RunResult crmexport_cli(std::vector<std::string> args, RunOptions options = {}) {
  args.insert(args.begin(), CRMEXPORT_BIN);
  return run(args, options);
}

// `--help` as CLI11 prints it names the binary as run (argv[0]); `help` names it `crmexport`.
std::string help_of(std::vector<std::string> words) {
  words.push_back("--help");
  auto shown = crmexport_cli(words);
  REQUIRE(shown.exit_code == 0);
  return std::regex_replace(shown.out, std::regex("Usage: " + std::string(CRMEXPORT_BIN)), "Usage: crmexport");
}

// A Pipedrive connection `work` that needs no server (never verified).
void add_offline(const TempDir& home, const std::string& name = "work") {
  auto added = run_crmexport(home, {"auth", "add", "pipedrive", "--name", name, "--token-stdin", "--no-verify"},
                             RunOptions{{}, "fake-token\n", std::chrono::seconds(30)});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
}

}  // namespace

TEST_CASE("crmexport alone, a group alone and `crmexport help` print the help on stdout with exit 0",
          "[e2e][first]") {
  const auto root_help = help_of({});
  auto bare = crmexport_cli({});
  CHECK(bare.exit_code == 0);
  CHECK(bare.err.empty());
  CHECK(bare.out == root_help);
  CHECK_THAT(bare.out, Catch::Contains("Subcommands:\n  providers"));
  CHECK_THAT(bare.out, Catch::Contains("\n  help "));
  auto help = crmexport_cli({"help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out == root_help);

  for (const auto& words : std::vector<std::vector<std::string>>{{"export"}, {"auth"}, {"auth", "add"}}) {
    const auto expected = help_of(words);
    auto asked = words;
    asked.insert(asked.begin(), "help");
    auto got = crmexport_cli(asked);
    INFO(words.back());
    CHECK(got.exit_code == 0);
    CHECK(got.err.empty());
    CHECK(got.out == expected);
  }
  auto auth_alone = crmexport_cli({"auth"});
  CHECK(auth_alone.exit_code == 0);
  CHECK(auth_alone.out == help_of({"auth"}));

  auto unknown = crmexport_cli({"help", "exprot"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.empty());
  CHECK(untimed(unknown.err) ==
        "crmexport: error: unknown command 'exprot': did you mean 'export'?; `crmexport` has: providers, auth, "
        "export, sync, fields, completion, help\n");
}

TEST_CASE("auth add at a terminal asks for the token with echo off", "[e2e][first]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  TerminalOptions options;
  options.answer = {{"Token (input hidden): ", "fake-token\r"}};
  auto added = run_in_terminal({CRMEXPORT_BIN, "--store", home / "store.db", "auth", "add", "pipedrive", "--name", "pd",
                                "--base-url", server.url() + "/pipedrive"},
                               options);
  INFO(added.screen);
  CHECK(added.exit_code == 0);
  CHECK_THAT(added.screen, Catch::StartsWith("Token (input hidden): \r\ncrmexport: saved connection 'pd' (Pipedrive, "));
  CHECK(added.screen.find("fake-token") == std::string::npos);  // never echoed
  CHECK(run_crmexport(home, {"auth", "test", "pd"}).exit_code == 0);

  // Not at a terminal, without --token-stdin or CRMEXPORT_TOKEN: refused as before.
  auto piped = run_crmexport(home, {"auth", "add", "pipedrive", "--name", "pd2", "--no-verify"});
  CHECK(piped.exit_code == 2);
  CHECK(untimed(piped.err) ==
        "crmexport: error: no token given: pipe it in with --token-stdin or set CRMEXPORT_TOKEN (a token is never "
        "taken as an argument, where other users could read it)\n");
}

TEST_CASE("a store that does not exist is an error, not a new empty store, except for auth add", "[e2e][first]") {
  TempDir home;
  const auto typo = home / "typo.db";
  for (const auto& args : std::vector<std::vector<std::string>>{{"export", "pipedrive", "deals"},
                                                                {"auth", "list"},
                                                                {"auth", "status"},
                                                                {"auth", "test", "pipedrive"},
                                                                {"sync", "pipedrive", "--db", home / "m.db"},
                                                                {"auth", "remove", "pipedrive"}}) {
    auto argv = args;
    argv.insert(argv.begin(), {"--store", typo});
    auto refused = crmexport_cli(argv);
    INFO(args[0] << " " << args[1]);
    CHECK(refused.exit_code == 2);
    CHECK(untimed(refused.err) == "crmexport: error: no credential store at " + typo +
                                      ": add a connection first with `crmexport auth add PROVIDER --token-stdin`, or "
                                      "give the right --store\n");
    CHECK_FALSE(std::filesystem::exists(typo));
  }
  auto added = crmexport_cli({"--store", typo, "auth", "add", "pipedrive", "--token-stdin", "--no-verify"},
                             RunOptions{{}, "fake-token\n", std::chrono::seconds(30)});
  CHECK(added.exit_code == 0);
  CHECK(std::filesystem::exists(typo));
}

TEST_CASE("command-line errors honour --log-format json, given before or after, in any case", "[e2e][first]") {
  auto check_json_error = [](const RunResult& result, const std::string& message) {
    CHECK(result.exit_code == 2);
    REQUIRE(result.err.find('\n') == result.err.size() - 1);
    rapidjson::Document line;
    line.Parse(result.err.c_str());
    REQUIRE_FALSE(line.HasParseError());
    CHECK(std::string(line["level"].GetString()) == "error");
    CHECK(line["exit_code"].GetInt() == 2);
    CHECK(std::string(line["message"].GetString()) == message);
  };
  check_json_error(crmexport_cli({"--log-format", "json", "exprot"}),
                   "unknown command 'exprot': did you mean 'export'?; `crmexport` has: providers, auth, export, sync, "
                   "fields, completion, help");
  check_json_error(crmexport_cli({"export", "pd", "deals", "--fromat", "csv", "--log-format=JSON"}),
                   "unknown flag '--fromat' for `crmexport export`: did you mean '--format'?; `crmexport export "
                   "--help` lists them");
  check_json_error(crmexport_cli({"export", "--log-format", "Json"}),
                   "connection is required; `crmexport export --help` shows the usage");
}

TEST_CASE("enum values are taken in any case and completed in lower case", "[e2e][first]") {
  FakeServer server({"--records", "3"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  auto lower = run_crmexport(home, {"export", "pd", "persons", "-f", "csv", "-q"});
  REQUIRE(lower.exit_code == 0);
  auto upper = run_crmexport(home, {"export", "pd", "persons", "-f", "CSV", "-q", "--log-format", "TEXT"});
  CHECK(upper.exit_code == 0);
  CHECK(upper.err.empty());
  CHECK(upper.out == lower.out);
  CHECK_THAT(upper.out, Catch::StartsWith("id,"));
  auto bash = crmexport_cli({"completion", "BASH"});
  CHECK(bash.exit_code == 0);
  CHECK(bash.out == crmexport_cli({"completion", "bash"}).out);
  auto values = crmexport_cli({"__complete", "export", "pd", "persons", "-f", ""});
  CHECK(values.out == "ndjson\njson\ncsv\n");
}

TEST_CASE("an -o file in a folder that does not exist names the folder, before any request", "[e2e][first]") {
  TempDir home;
  add_offline(home);
  auto refused = run_crmexport(home, {"export", "work", "deals", "-o", home / "out/deals.ndjson"});
  CHECK(refused.exit_code == 2);
  CHECK(untimed(refused.err) == "crmexport: error: the folder " + home / "out" +
                                    "/ does not exist: create it, or give -o another path\n");
  CHECK_FALSE(std::filesystem::exists(home / "out"));
}

TEST_CASE("no user-facing text says 'seed'", "[e2e][first]") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"providers"}, {"providers", "--json"}, {"__man"}}) {
    auto shown = crmexport_cli(args);
    REQUIRE(shown.exit_code == 0);
    INFO(args[0]);
    CHECK_FALSE(std::regex_search(shown.out, std::regex("seed", std::regex::icase)));
  }
}

TEST_CASE("auth add says at once that a host cannot be reached, and stores nothing", "[e2e][first]") {
  TempDir home;
  // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
  auto refused = run_crmexport(home, {"auth", "add", "pipedrive", "--base-url", "http://127.0.0.1:9/pipedrive",
                                      "--token-stdin"},
                               RunOptions{{}, "fake-token\n", std::chrono::seconds(30)});
  CHECK(refused.exit_code == 1);
  // The one retry says so, counting the tries this failure has (two), then the error.
  auto refused_lines = lines_of(untimed(refused.err));
  REQUIRE(refused_lines.size() == 2);
  CHECK_THAT(refused_lines[0], Catch::Matches(R"(crmexport: retrying in [0-9.]+m?s \(attempt 2 of 2\): cannot reach )"
                                              R"(127\.0\.0\.1:9 \(connection refused\))"));
  CHECK(refused_lines[1] ==
        "crmexport: error: cannot reach 127.0.0.1:9 (connection refused); nothing stored; the credential was not "
        "checked");
  CHECK(refused.elapsed < std::chrono::seconds(5));  // one retry, not six with backoff
  // The .invalid top-level domain never resolves (RFC 6761).
  auto unknown = run_crmexport(home, {"auth", "add", "pipedrive", "--base-url", "https://crm.nosuch.invalid",
                                      "--token-stdin"},
                               RunOptions{{}, "fake-token\n", std::chrono::seconds(30)});
  CHECK(unknown.exit_code == 1);
  auto unknown_lines = lines_of(untimed(unknown.err));
  REQUIRE(unknown_lines.size() == 2);
  CHECK_THAT(unknown_lines[0], Catch::Matches(R"(crmexport: retrying in [0-9.]+m?s \(attempt 2 of 2\): cannot reach )"
                                              R"(crm\.nosuch\.invalid \(unknown host: no address found for its name\))"));
  CHECK(unknown_lines[1] ==
        "crmexport: error: cannot reach crm.nosuch.invalid (unknown host: no address found for its name); nothing "
        "stored; the credential was not checked");
  CHECK(unknown.elapsed < std::chrono::seconds(10));
  auto listed = run_crmexport(home, {"auth", "list", "--json"});
  CHECK(listed.out == "[]\n");
}

TEST_CASE("auth status shows every connection from the store alone, without a secret", "[e2e][first]") {
  TempDir home;
  add_offline(home);
  auto oauth = run_crmexport(
      home, {"auth", "add", "keap", "--name", "crm", "--oauth", "--no-verify"},
      RunOptions{{},
                 R"({"client_id":"id-1","client_secret":"client-secret-1","refresh_token":"refresh-token-1",)"
                 R"("access_token":"access-token-1","expires_in":3600})",
                 std::chrono::seconds(30)});
  REQUIRE(oauth.exit_code == 0);
  auto status = run_crmexport(home, {"auth", "status"});
  CHECK(status.exit_code == 0);
  static const std::regex text(
      "^" + std::regex_replace(home / "store.db", std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      "\n"
      "  crm: Keap, OAuth2, https://api.infusionsoft.com \\(default\\)\n"
      "    added \\S+Z, credentials last changed \\S+Z\n"
      "    access token valid until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n"
      "  work: Pipedrive, token, https://api.pipedrive.com \\(default\\)\n"
      "    added \\S+Z, credentials last changed \\S+Z\n$");
  INFO(status.out);
  CHECK(std::regex_match(status.out, text));
  CHECK(untimed(status.err) ==
        "crmexport: from the store alone; `crmexport auth test --all` asks each provider\n");
  auto as_json = run_crmexport(home, {"auth", "status", "--json"});
  CHECK(as_json.exit_code == 0);
  rapidjson::Document d;
  d.Parse(as_json.out.c_str());
  REQUIRE(d.IsArray());
  REQUIRE(d.Size() == 2);
  CHECK(std::string(d[0]["auth_kind"].GetString()) == "oauth2");
  CHECK(d[0]["access_token_expires_at"].IsString());
  CHECK(d[1]["access_token_expires_at"].IsNull());
  for (const auto& secret : {"fake", "secret-1", "token-1"}) {
    INFO(secret);
    CHECK(status.out.find(secret) == std::string::npos);
    CHECK(as_json.out.find(secret) == std::string::npos);
  }
}

TEST_CASE("auth test --all checks every connection, a line each that fails, exit 7 when some do", "[e2e][first]") {
  FakeServer server({"--records", "3"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "good").exit_code == 0);
  REQUIRE(add_connection(home, server, "pipedrive", "stale", "wrong-token", {"--no-verify"}).exit_code == 0);
  auto all = run_crmexport(home, {"auth", "test", "--all"});
  CHECK(all.exit_code == 7);
  auto lines = lines_of(untimed(all.err));
  INFO(all.err);
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0] == "crmexport: connection 'good' works (Pipedrive)");
  CHECK_THAT(lines[1], Catch::StartsWith("crmexport: error: stale: pipedrive rejected the credentials of connection "
                                         "'stale' ("));
  CHECK_THAT(lines[1], Catch::EndsWith("(exit 3)"));
  CHECK(lines[2] == "crmexport: error: 1 of 2 connections failed (stale); the other one is working");

  auto one = run_crmexport(home, {"auth", "test", "good"});
  CHECK(one.exit_code == 0);
  auto neither = run_crmexport(home, {"auth", "test"});
  CHECK(neither.exit_code == 2);
  CHECK(untimed(neither.err) ==
        "crmexport: error: auth test needs a connection name, or --all for every connection\n");
}
