// Connection names are names, never paths (docs/USAGE.md, "Connection names"): `auth add` and
// `auth login` refuse a name that breaks the rule before anything is stored; a name that breaks
// it in a store written past crmexport (SQLite and PostgreSQL, rows inserted with SQL) is refused
// by every command that would use it, `export --all` and `sync --all` fail that connection alone
// (exit 7) and write nothing outside -o DIR/, and `auth list` and `auth remove` still work on it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "support/fake_server.hpp"
#include "support/store_location.hpp"

using namespace crmexport::testing;
namespace fs = std::filesystem;

namespace {

const std::string k_rule = "(letters, digits, '-', '_', '.', not starting with '.' or '-', at most 64)";

// Every path under `folder`, relative to it, files and folders alike.
std::set<std::string> listing(const std::string& folder) {
  std::set<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    paths.insert(entry.path().lexically_relative(folder).string());
  return paths;
}

std::string refused_stored(const std::string& shown, const std::string& word) {
  return "connection '" + shown + "' in the store has a name that is not allowed " + k_rule +
         ": remove it with `crmexport auth remove " + word + "` and add it again under another name";
}

}  // namespace

TEST_CASE("auth add and auth login refuse a connection name that is a path, and store nothing", "[e2e][auth][names]") {
  TempDir home;
  struct Case {
    std::string name;
    std::string shown;
  };
  const Case cases[] = {{"../evil", "../evil"},
                        {"..", ".."},
                        {".", "."},
                        {".hidden", ".hidden"},
                        {"a/b", "a/b"},
                        {"/tmp/abs", "/tmp/abs"},
                        {"a\nb", "a\\u000ab"},
                        {std::string(65, 'n'), std::string(65, 'n')}};
  for (const auto& c : cases) {
    INFO(c.shown);
    RunOptions options;
    options.stdin_text = "fake-token\n";
    auto added =
        run_crmexport(home, {"auth", "add", "pipedrive", "--name", c.name, "--token-stdin", "--no-verify"}, options);
    CHECK(added.exit_code == 2);
    CHECK(untimed(added.err) ==
          "crmexport: error: '" + c.shown + "' cannot be a connection name " + k_rule + ": give another with --name\n");
    auto login =
        run_crmexport(home, {"auth", "login", "keap", "--name", c.name, "--client-id", "id", "--no-browser"}, options);
    CHECK(login.exit_code == 2);
    CHECK(untimed(login.err) == untimed(added.err));
  }
  // Refused before the store was even opened: no file, no row, nothing beside it.
  CHECK(listing(home.path()).empty());
}

TEST_CASE("a stored connection name that breaks the rule is refused where it would be used, listed and removable",
          "[e2e][store][names][postgres]") {
  const StoreLocation where(GENERATE(as<std::string>{}, StoreLocation::k_sqlite, StoreLocation::k_postgresql));
  INFO(where.kind());
  FakeServer server({"--records", "5"});
  TempDir work;
  auto keygen = run({CRMEXPORT_BIN, "auth", "keygen"});
  REQUIRE(keygen.exit_code == 0);
  RunOptions options;
  options.env = {{"CRMEXPORT_STORE_KEY", keygen.out.substr(0, 44)}, {"CRMEXPORT_STORE", where.location()}};
  const auto crmexport = [&](std::vector<std::string> args, std::string stdin_text = "") {
    args.insert(args.begin(), CRMEXPORT_BIN);
    auto with_input = options;
    with_input.stdin_text = std::move(stdin_text);
    return run(args, with_input);
  };
  const std::string base_url = server.url() + "/pipedrive";
  REQUIRE(
      crmexport({"auth", "add", "pipedrive", "--name", "pd", "--base-url", base_url, "--token-stdin"}, "fake-token\n")
          .exit_code == 0);
  // Each would export from the same account, so a name pasted onto -o DIR/ would write outside it.
  where.insert_raw_connection("../evil", "pipedrive", base_url, R"({"token":"fake-token"})");
  where.insert_raw_connection("a\nb", "pipedrive", base_url, R"({"token":"fake-token"})");
  const std::string evil = refused_stored("../evil", "'../evil'");
  const std::string newline = refused_stored("a\\u000ab", "$'a\\u000ab'");
  const auto persons = server.dataset("pipedrive", "persons");

  SECTION("each command naming it exits 2 with one line saying how to remove it, before any request") {
    const auto before = server.stats();
    const std::vector<std::vector<std::string>> commands = {
        {"export", "../evil", "persons"},
        {"export", "../evil", "persons", "-o", work / "out/"},
        {"sync", "../evil", "--db", work / "mirror.db"},
        {"sync", "pd", "../evil", "--db", work / "mirror.db"},
        {"fields", "../evil", "persons"},
        {"auth", "test", "../evil"},
    };
    for (const auto& command : commands) {
      INFO(command[0] << " " << command[1]);
      auto refused = crmexport(command);
      CHECK(refused.exit_code == 2);
      CHECK(untimed(refused.err) == "crmexport: error: " + evil + "\n");
      CHECK(refused.out.empty());
    }
    auto by_newline = crmexport({"export", "a\nb", "persons"});
    CHECK(by_newline.exit_code == 2);
    CHECK(untimed(by_newline.err) == "crmexport: error: " + newline + "\n");
    CHECK(server.stats() == before);
    CHECK(listing(work.path()).empty());
  }

  SECTION("export --all writes the good connection into DIR/pd/ and nothing outside DIR; exit 7") {
    const std::string parent = work / "parent";
    fs::create_directories(parent + "/OUT");
    const auto parent_before = listing(work.path());
    auto exported = crmexport({"-q", "export", "--all", "persons", "-o", parent + "/OUT/"});
    CHECK(exported.exit_code == 7);
    CHECK(untimed(exported.err) == "crmexport: error: ../evil: " + evil + " (exit 2)\n" +           //
                                       "crmexport: error: a\\u000ab: " + newline + " (exit 2)\n" +  //
                                       "crmexport: error: 2 of 3 connections failed (../evil, a\\u000ab); the other one "
                                       "is written\n");
    auto parent_after = listing(work.path());
    for (const auto& path : {"parent/OUT/pd", "parent/OUT/pd/persons.ndjson", "parent/OUT/pd/manifest.json"})
      CHECK(parent_after.erase(path) == 1);
    CHECK(parent_after == parent_before);
    CHECK(lines_of(read_file(parent + "/OUT/pd/persons.ndjson")) == persons);
  }

  SECTION("sync --all syncs the good connection and fails the others; exit 7") {
    auto synced = crmexport({"-q", "sync", "--all", "persons", "--db", work / "mirror.db"});
    CHECK(synced.exit_code == 7);
    CHECK(untimed(synced.err) == "crmexport: error: ../evil: " + evil + " (exit 2)\n" +           //
                                     "crmexport: error: a\\u000ab: " + newline + " (exit 2)\n" +  //
                                     "crmexport: error: 2 of 3 connections failed (../evil, a\\u000ab); the other one "
                                     "is synced\n");
  }

  SECTION("auth list shows it escaped; auth remove removes it; then --all succeeds") {
    auto listed = crmexport({"auth", "list"});
    CHECK(listed.exit_code == 0);
    auto lines = lines_of(listed.out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[1].starts_with("../evil              pipedrive "));
    CHECK(lines[2].starts_with("a\\u000ab             pipedrive "));
    CHECK(lines[3].starts_with("pd                   pipedrive "));

    auto removed = crmexport({"auth", "remove", "../evil"});
    CHECK(removed.exit_code == 0);
    CHECK(untimed(removed.err) == "crmexport: removed connection '../evil'\n");
    removed = crmexport({"auth", "remove", "a\nb"});
    CHECK(removed.exit_code == 0);
    CHECK(untimed(removed.err) == "crmexport: removed connection 'a\\u000ab'\n");
    CHECK(where.raw_rows().starts_with("pd|pipedrive|"));
    CHECK(lines_of(where.raw_rows()).size() == 1);

    auto exported = crmexport({"-q", "export", "--all", "persons", "-o", work / "OUT/"});
    CHECK(exported.exit_code == 0);
    CHECK(listing(work.path()) ==
          std::set<std::string>{"OUT", "OUT/pd", "OUT/pd/persons.ndjson", "OUT/pd/manifest.json"});
  }
}
