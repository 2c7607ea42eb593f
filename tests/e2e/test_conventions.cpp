// The conventions of a command-line tool people live with: global flags on either side of the
// subcommand, "did you mean" for every mistyped name, --version with the libraries, examples in
// every --help, timestamped or JSON messages when stderr is not a terminal, and no control
// sequences where they would show as garbage.
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include <rapidjson/document.h>

#include "support/fake_server.hpp"

using namespace crmexport::testing;

namespace {

RunResult crmexport_cli(std::vector<std::string> args, RunOptions options = {}) {
  args.insert(args.begin(), CRMEXPORT_BIN);
  return run(args, options);
}

// A store holding a Pipedrive connection `work` and an ActiveCampaign one `newsletter`, made
// without a server; enough for everything refused before a request.
struct OfflineStore {
  TempDir home;
  OfflineStore() {
    for (const auto& [provider, name] : std::vector<std::pair<std::string, std::string>>{
             {"pipedrive", "work"}, {"activecampaign", "newsletter"}}) {
      std::vector<std::string> args = {"auth", "add", provider, "--name", name, "--token-stdin", "--no-verify"};
      if (provider == "activecampaign") args.insert(args.end(), {"--base-url", "https://acme.api-us1.com"});
      REQUIRE(run_crmexport(home, args, RunOptions{{}, "fake-token\n", std::chrono::seconds(30)}).exit_code == 0);
    }
  }
  RunResult operator()(std::vector<std::string> args) { return run_crmexport(home, std::move(args)); }
};

// The message without its timestamp: stderr is a pipe here, so every line has one.
std::string message_of(const std::string& err) {
  static const std::regex stamp(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ )");
  return std::regex_replace(err, stamp, "");
}

// The JSON error line that ended a run, checked for what every such line has.
rapidjson::Document error_line(const std::string& err, const std::string& connection, int exit_code) {
  rapidjson::Document d;
  d.Parse(err.c_str());
  REQUIRE_FALSE(d.HasParseError());
  CHECK(std::string(d["level"].GetString()) == "error");
  CHECK(std::string(d["connection"].GetString()) == connection);
  CHECK(d["exit_code"].GetInt() == exit_code);
  return d;
}

}  // namespace

TEST_CASE("a mistyped subcommand or flag exits 2 with the closest names", "[e2e][conventions]") {
  auto command = crmexport_cli({"exprot", "pipedrive", "deals"});
  CHECK(command.exit_code == 2);
  CHECK(message_of(command.err) ==
        "crmexport: error: unknown command 'exprot': did you mean 'export'?; `crmexport` has: providers, auth, "
        "export, sync, fields, completion, help\n");
  auto sub = crmexport_cli({"auth", "lsit"});
  CHECK(sub.exit_code == 2);
  CHECK_THAT(sub.err, Catch::Contains("unknown command 'lsit': did you mean 'list'?; `crmexport auth` has: add, login, "
                                      "list, status, test, remove"));
  auto flag = crmexport_cli({"export", "work", "deals", "--fromat", "csv"});
  CHECK(flag.exit_code == 2);
  CHECK_THAT(flag.err, Catch::Contains("unknown flag '--fromat' for `crmexport export`: did you mean '--format'?; "
                                       "`crmexport export --help` lists them"));
  auto global_flag = crmexport_cli({"sync", "work", "--db", "x.db", "--quite"});
  CHECK(global_flag.exit_code == 2);
  CHECK_THAT(global_flag.err, Catch::Contains("did you mean '--quiet'?"));
  // Other refusals keep CLI11's own words, with where to look.
  auto missing = crmexport_cli({"export", "work"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("types is required; `crmexport export --help` shows the usage"));
}

TEST_CASE("a mistyped provider, connection, type, version or format exits 2 with the closest names",
          "[e2e][conventions]") {
  OfflineStore store;
  // Not a connection and not a provider: a usage error naming both lists, not "authentication".
  auto provider = store({"export", "pipdrive", "deals"});
  CHECK(provider.exit_code == 2);
  CHECK_THAT(provider.err, Catch::Contains("no connection or provider named 'pipdrive': did you mean 'pipedrive'?"));
  CHECK_THAT(provider.err, Catch::Contains("connections in " + store.home / "store.db" + ": newsletter, work"));
  CHECK_THAT(provider.err, Catch::Contains("providers: pipedrive, hubspot, activecampaign, keap"));
  auto connection = store({"export", "wrok", "deals"});
  CHECK(connection.exit_code == 2);
  CHECK_THAT(connection.err, Catch::Contains("named 'wrok': did you mean 'work'?"));
  auto type = store({"export", "work", "deasl"});
  CHECK(type.exit_code == 2);
  CHECK_THAT(type.err, Catch::Contains("has no type 'deasl': did you mean 'deals'?; types: persons"));
  auto version = store({"export", "work", "deals", "--api-version", "v3"});
  CHECK(version.exit_code == 2);
  CHECK_THAT(version.err, Catch::Contains("no API version 'v3': did you mean 'v2' or 'v1'?"));
  auto format = store({"export", "work", "deals", "-f", "cvs"});
  CHECK(format.exit_code == 2);
  CHECK_THAT(format.err, Catch::Contains("unknown format 'cvs': did you mean 'csv'?; formats: ndjson, json, csv"));
  auto add = store({"auth", "add", "hubspt", "--token-stdin"});
  CHECK(add.exit_code == 2);
  CHECK_THAT(add.err, Catch::Contains("unknown provider 'hubspt': did you mean 'hubspot'?"));
  auto remove = store({"auth", "remove", "newsleter"});
  CHECK(remove.exit_code == 2);
  CHECK_THAT(remove.err, Catch::Contains("no connection named 'newsleter': did you mean 'newsletter'?"));
  // A provider with no connection is still the authentication error that says what to add.
  auto keap = store({"export", "keap", "contacts"});
  CHECK(keap.exit_code == 3);
  CHECK_THAT(keap.err, Catch::Contains("crmexport auth add keap"));
}

TEST_CASE("global flags work after the subcommand as before it", "[e2e][conventions]") {
  FakeServer server({"--records", "30"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  auto store = home / "store.db";
  auto before = crmexport_cli({"-q", "--store", store, "export", "pd", "persons"});
  REQUIRE(before.exit_code == 0);
  CHECK(before.err.empty());
  CHECK(lines_of(before.out) == server.dataset("pipedrive", "persons"));
  auto after = crmexport_cli({"export", "pd", "persons", "-q", "--store", store, "--max-retries", "2"});
  REQUIRE(after.exit_code == 0);
  CHECK(after.err.empty());
  CHECK(after.out == before.out);
  // Without -q the summary line is there, so -q above did silence it.
  auto loud = crmexport_cli({"export", "pd", "persons", "--store", store});
  CHECK_THAT(loud.err, Catch::Contains("persons: 30 records in 1 page"));
  auto verbose = crmexport_cli({"auth", "test", "pd", "--store", store, "-v"});
  CHECK(verbose.exit_code == 0);
  CHECK_THAT(verbose.err, Catch::Contains("GET "));
  auto listed = crmexport_cli({"auth", "list", "--json", "--store", store});
  CHECK_THAT(listed.out, Catch::Contains("\"name\":\"pd\""));
}

TEST_CASE("crmexport -V prints the version and the libraries' versions", "[e2e][conventions]") {
  const auto* curl = curl_version_info(CURLVERSION_NOW);
  std::string expected = std::string("crmexport 0.1.0\nlibcurl ") + curl->version + " (" + curl->ssl_version +
                         ")\nSQLite " + sqlite3_libversion() + "\n" + OpenSSL_version(OPENSSL_VERSION) + "\n";
  for (const auto* flag : {"-V", "--version"}) {
    auto version = crmexport_cli({flag});
    CHECK(version.exit_code == 0);
    CHECK(version.out == expected);
    CHECK(version.err.empty());
  }
}

TEST_CASE("every subcommand's --help ends with two or three examples of itself", "[e2e][conventions]") {
  for (const std::vector<std::string>& path : std::vector<std::vector<std::string>>{
           {"providers"}, {"auth"}, {"auth", "add"}, {"auth", "login"}, {"auth", "list"}, {"auth", "test"},
           {"auth", "remove"}, {"export"}, {"sync"}, {"completion"}}) {
    std::string command = "crmexport";
    for (const auto& word : path) command += " " + word;
    INFO(command);
    auto args = path;
    args.push_back("--help");
    auto help = crmexport_cli(args);
    REQUIRE(help.exit_code == 0);
    auto at = help.out.rfind("\nExamples:\n");
    REQUIRE(at != std::string::npos);
    auto examples = lines_of(help.out.substr(at + 11));
    std::erase(examples, "");
    CHECK(examples.size() >= 2);
    CHECK(examples.size() <= 3);
    for (const auto& example : examples) {
      INFO(example);
      CHECK(example.find(command) != std::string::npos);
    }
  }
}

TEST_CASE("messages to a file or pipe start with an RFC 3339 time, and --log-format json is one object per line",
          "[e2e][conventions]") {
  FakeServer server({"--records", "30"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  auto text = run_crmexport(home, {"export", "pd", "persons", "--max-pages", "1", "--page-size", "10"});
  REQUIRE(text.exit_code == 0);
  auto lines = lines_of(text.err);
  std::erase(lines, "");
  REQUIRE(lines.size() == 2);
  CHECK(std::regex_match(lines[0], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ crmexport: persons: 10 records in 1 page, 1 request, 10 tokens)")));
  CHECK(std::regex_match(lines[1], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ crmexport: persons: stopped before the end as asked; resume with --cursor '.+')")));

  auto json = run_crmexport(home, {"export", "pd", "persons", "--max-pages", "1", "--page-size", "10", "--log-format",
                                   "json"});
  REQUIRE(json.exit_code == 0);
  auto objects = lines_of(json.err);
  std::erase(objects, "");
  REQUIRE(objects.size() == 2);
  for (const auto& line : objects) {
    INFO(line);
    rapidjson::Document d;
    d.Parse(line.c_str());
    REQUIRE_FALSE(d.HasParseError());
    CHECK(std::regex_match(std::string(d["time"].GetString()), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    CHECK(std::string(d["level"].GetString()) == "info");
    CHECK(std::string(d["connection"].GetString()) == "pd");
    CHECK(std::string(d["type"].GetString()) == "persons");
    CHECK_FALSE(d.HasMember("exit_code"));
  }
  rapidjson::Document first;
  first.Parse(objects[0].c_str());
  CHECK(std::string(first["message"].GetString()) == "persons: 10 records in 1 page, 1 request, 10 tokens");

  // The error that ends a run is its one line and carries its exit code (and the global flag
  // works after the command).
  auto failed = run_crmexport(home, {"export", "pd", "contacts", "--log-format", "json"});
  CHECK(failed.exit_code == 2);
  CHECK(failed.err.find('\n') == failed.err.size() - 1);
  auto error = error_line(failed.err, "pd", 2);
  CHECK_THAT(error["message"].GetString(), Catch::StartsWith("Pipedrive API v2 has no type 'contacts'"));
  CHECK_FALSE(error.HasMember("type"));
  // A type that fails is named on that line too.
  REQUIRE(add_connection(home, server, "pipedrive", "stale", "wrong-token", {"--no-verify"}).exit_code == 0);
  auto rejected = run_crmexport(home, {"--log-format", "json", "export", "stale", "deals"});
  CHECK(rejected.exit_code == 3);
  CHECK(std::string(error_line(rejected.err, "stale", 3)["type"].GetString()) == "deals");
}

TEST_CASE("on a terminal: no timestamps, and cursor controls only when TERM is not dumb", "[e2e][conventions]") {
  FakeServer server({"--records", "30"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  auto script = std::string("/usr/bin/script");
  REQUIRE(std::filesystem::exists(script));
  // script(1) gives crmexport a pseudo-terminal; records go to a file so only messages show.
  auto on_terminal = [&](const std::string& term) {
    std::string command = std::string(CRMEXPORT_BIN) + " --store " + home / "store.db" + " export pd persons -o " +
                          home / ("persons-" + term + ".ndjson");
    return run({script, "-qec", command, "/dev/null"}, RunOptions{{{"TERM", term}, {"NO_COLOR", "1"}}, "",
                                                                  std::chrono::seconds(60)});
  };
  auto xterm = on_terminal("xterm");
  REQUIRE(xterm.exit_code == 0);
  // The status line (tests/e2e/test_progress_terminal.cpp) is erased before the summary.
  CHECK_THAT(xterm.out, Catch::StartsWith("persons: connecting…\r\n"));
  CHECK_THAT(xterm.out,
             Catch::Contains("\r\033[A\033[2Kcrmexport: persons: 30 records in 1 page, 1 request, 10 tokens -> "));
  CHECK_FALSE(std::regex_search(xterm.out, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  auto dumb = on_terminal("dumb");
  REQUIRE(dumb.exit_code == 0);
  // TERM=dumb: no status lines at all, only the summary.
  CHECK(dumb.out == "crmexport: persons: 30 records in 1 page, 1 request, 10 tokens -> " + home / "persons-dumb.ndjson" +
                        "\r\n");
  // Not a terminal at all: no progress line, no carriage return.
  auto piped = run_crmexport(home, {"export", "pd", "persons", "-o", home / "persons.ndjson"});
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.err.find('\r') == std::string::npos);
  CHECK(piped.err.find('\033') == std::string::npos);
}
