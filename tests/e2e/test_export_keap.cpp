// The real crmexport against crm-fake's Keap (v1 and v2, static key and OAuth2), compared record by
// record with the dumped dataset; and the OAuth2 token lifecycle: expiry mid-export, rotation,
// concurrent processes, a dead refresh token, and `auth login`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "lib/auth/oauth.hpp"
#include "lib/store/store.hpp"
#include "support/fake_server.hpp"
#include "support/json_text.hpp"
#include "support/small_disk.hpp"
#include "support/store_location.hpp"

using namespace crmexport::testing;

namespace {

const std::vector<std::string> k_v2_types = {"contacts", "companies", "opportunities", "notes", "stages"};
const std::vector<std::string> k_v1_types = {"contacts", "companies", "opportunities", "notes"};

std::string oauth_json(const std::string& refresh_token = "fake-refresh") {
  return R"({"client_id":"fake-client","client_secret":"fake-secret","refresh_token":")" + refresh_token + "\"}";
}

RunResult add_oauth(const TempDir& home, const FakeServer& server, const std::string& name,
                    const std::string& refresh_token = "fake-refresh") {
  RunOptions options;
  options.stdin_text = oauth_json(refresh_token);
  return run_crmexport(home,
                       {"auth", "add", "keap", "--name", name, "--oauth", "--base-url", server.url() + "/keap",
                        "--token-url", server.url() + "/keap/token"},
                       options);
}

crmexport::store::Connection stored(const TempDir& home, const std::string& name) {
  auto store = crmexport::store::Store::open(home / "store.db");
  REQUIRE(store);
  auto found = store->find(name);
  REQUIRE(found);
  REQUIRE(found->has_value());
  return **found;
}

crmexport::auth::OAuthSecret stored_secret(const TempDir& home, const std::string& name) {
  auto secret = crmexport::auth::OAuthSecret::from_json(stored(home, name).secret);
  REQUIRE(secret);
  return *secret;
}

// How many times the fake's token endpoint was called.
long token_requests(const FakeServer& server) {
  auto stats = server.stats();
  auto at = stats.find("\"/keap/token\":");
  if (at == std::string::npos) return 0;
  return std::stol(stats.substr(at + 14));
}

}  // namespace

TEST_CASE("every Keap type, v2 and v1, exports exactly as the dataset with a static key", "[e2e][keap]") {
  FakeServer server({"--records", "130"});
  TempDir home;
  REQUIRE(add_connection(home, server, "keap", "k").exit_code == 0);
  for (const auto& type : k_v2_types) {
    INFO(type);
    auto result = run_crmexport(home, {"-q", "export", "k", type, "--page-size", "50"});
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    auto expected = server.dataset("keap", type);
    REQUIRE(!expected.empty());
    CHECK(lines_of(result.out) == expected);
  }
  for (const auto& type : k_v1_types) {
    INFO("v1 " << type);
    auto result = run_crmexport(home, {"-q", "export", "k", type, "--api-version", "v1", "--page-size", "40"});
    REQUIRE(result.exit_code == 0);
    auto expected = server.dataset("keap", "v1/" + type);
    REQUIRE(expected.size() == 130);
    CHECK(lines_of(result.out) == expected);
    if (type != "opportunities") continue;
    // v1 opportunities take no id order: they come by creation (order=date_created, the one
    // documented value that holds still while pages are read), which is not id order here.
    std::vector<std::string> created;
    std::vector<long> ids;
    for (const auto& line : lines_of(result.out)) {
      auto record = parse_exact(line);
      created.push_back(record["date_created"].GetString());
      ids.push_back(record["id"].GetInt64());
    }
    CHECK(std::ranges::is_sorted(created));
    CHECK_FALSE(std::ranges::is_sorted(ids));
  }
}

TEST_CASE("every Keap type, v2 and v1, exports exactly as the dataset with OAuth2", "[e2e][keap][oauth]") {
  FakeServer server({"--records", "130"});
  TempDir home;
  auto added = add_oauth(home, server, "ko");
  REQUIRE(added.exit_code == 0);
  CHECK(added.err.find("fake-secret") == std::string::npos);
  for (const auto& type : k_v2_types) {
    INFO(type);
    auto result = run_crmexport(home, {"-q", "export", "ko", type});
    REQUIRE(result.exit_code == 0);
    CHECK(lines_of(result.out) == server.dataset("keap", type));
  }
  for (const auto& type : k_v1_types) {
    INFO("v1 " << type);
    auto result = run_crmexport(home, {"-q", "export", "ko", type, "--api-version", "v1"});
    REQUIRE(result.exit_code == 0);
    CHECK(lines_of(result.out) == server.dataset("keap", "v1/" + type));
  }
}

TEST_CASE("Keap's --since uses the v2 filter, and says so where a type has none", "[e2e][keap]") {
  FakeServer server({"--records", "200"});
  TempDir home;
  REQUIRE(add_connection(home, server, "keap", "k").exit_code == 0);
  auto result = run_crmexport(home, {"-q", "export", "k", "contacts", "--since", "2025-01-01"});
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> expected;
  for (const auto& line : server.dataset("keap", "contacts")) {
    auto at = line.find("\"update_time\":\"");
    if (line.substr(at + 15, 10) >= "2025-01-01") expected.push_back(line);
  }
  REQUIRE(!expected.empty());
  CHECK(lines_of(result.out) == expected);

  std::vector<std::string> expected_v1;
  for (const auto& line : server.dataset("keap", "v1/contacts")) {
    auto at = line.find("\"last_updated\":\"");
    if (line.substr(at + 16, 10) >= "2025-01-01") expected_v1.push_back(line);
  }
  auto v1 = run_crmexport(
      home, {"-q", "export", "k", "contacts", "--api-version", "v1", "--since", "2025-01-01", "--page-size", "30"});
  REQUIRE(v1.exit_code == 0);
  CHECK(lines_of(v1.out) == expected_v1);

  auto unfiltered = run_crmexport(home, {"export", "k", "opportunities", "--since", "2025-01-01"});
  REQUIRE(unfiltered.exit_code == 0);
  CHECK_THAT(unfiltered.err, Catch::Contains("no change filter"));
  CHECK(lines_of(unfiltered.out).size() == 200);
}

TEST_CASE("an access token expiring mid-export is renewed, nothing lost, the last refresh token stored",
          "[e2e][keap][oauth]") {
  FakeServer server({"--records", "3000", "--access-ttl", "1", "--latency-ms", "150"});
  TempDir home;
  REQUIRE(add_oauth(home, server, "ko").exit_code == 0);
  const long before = token_requests(server);
  auto result = run_crmexport(home, {"-q", "export", "ko", "contacts", "--page-size", "100"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == server.dataset("keap", "contacts"));
  CHECK(token_requests(server) - before >= 3);  // 30 pages at 150 ms, 1 s tokens

  // The stored refresh token is the one the fake issued last: only it is alive, so the next
  // export works (and would fail with any older one).
  auto secret = stored_secret(home, "ko");
  CHECK(secret.refresh_token != "fake-refresh");
  auto again = run_crmexport(home, {"-q", "export", "ko", "stages"});
  REQUIRE(again.exit_code == 0);
  CHECK(lines_of(again.out) == server.dataset("keap", "stages"));
}

namespace {

// crmexport with its store at `where`, encrypted with one key (a PostgreSQL store takes secrets only so).
RunResult run_at(const StoreLocation& where, std::vector<std::string> args, RunOptions options = {}) {
  args.insert(args.begin(), {CRMEXPORT_BIN, "--store", where.location()});
  options.env["CRMEXPORT_STORE_KEY"] = std::string(64, 'c');
  return run(args, options);
}

}  // namespace

TEST_CASE("four concurrent exports from one OAuth connection all finish, and a fifth works, on either store",
          "[e2e][keap][oauth][postgres]") {
  // Single-use refresh tokens: a process that renewed from a token another had already used
  // would be refused, so every run finishing proves each refresh read the token saved last.
  // 20 pages at 130 ms each: every run outlives two 1-second tokens (the latency was 80 ms while
  // crm-fake added Nagle's ~40 ms to each answer).
  const StoreLocation where(GENERATE(as<std::string>{}, StoreLocation::k_sqlite, StoreLocation::k_postgresql));
  FakeServer server({"--records", "2000", "--access-ttl", "1", "--latency-ms", "130", "--burst", "1000"});
  RunOptions add_options;
  add_options.stdin_text = oauth_json();
  REQUIRE(run_at(where,
                 {"auth", "add", "keap", "--name", "ko", "--oauth", "--base-url", server.url() + "/keap",
                  "--token-url", server.url() + "/keap/token"},
                 add_options)
              .exit_code == 0);
  const long before = token_requests(server);
  const std::vector<std::string> types = {"contacts", "notes", "companies", "opportunities"};
  std::vector<RunResult> results(types.size());
  {
    std::vector<std::jthread> runs;
    for (std::size_t i = 0; i < types.size(); ++i)
      runs.emplace_back([&, i] { results[i] = run_at(where, {"-q", "export", "ko", types[i], "--page-size", "100"}); });
  }
  for (std::size_t i = 0; i < types.size(); ++i) {
    INFO(where.kind() << " " << types[i] << ": " << results[i].err);
    REQUIRE(results[i].exit_code == 0);
    CHECK(lines_of(results[i].out) == server.dataset("keap", types[i]));
  }
  CHECK(token_requests(server) - before >= 2);  // they crossed expiries; each refresh token was used once
  CHECK(where.raw_secret("ko").starts_with("enc:v1:"));
  auto fifth = run_at(where, {"-q", "export", "ko", "stages"});
  REQUIRE(fifth.exit_code == 0);
  CHECK(lines_of(fifth.out) == server.dataset("keap", "stages"));
}

TEST_CASE("a dead refresh token ends with exit 3, the re-authorise command, and the store unchanged",
          "[e2e][keap][oauth]") {
  FakeServer server({"--records", "20"});
  TempDir home;
  RunOptions options;
  options.stdin_text = oauth_json("dead-refresh");
  auto added = run_crmexport(home,
                             {"auth", "add", "keap", "--name", "ko", "--oauth", "--no-verify", "--base-url",
                              server.url() + "/keap", "--token-url", server.url() + "/keap/token"},
                             options);
  REQUIRE(added.exit_code == 0);
  const auto before = stored(home, "ko");
  auto result = run_crmexport(home, {"export", "ko", "contacts"});
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("re-authorised"));
  CHECK_THAT(result.err, Catch::Contains("crmexport auth login keap --name ko --client-id fake-client"));
  CHECK(result.err.find("--token-stdin") == std::string::npos);  // a static token is no fix for OAuth
  CHECK(result.err.find("auth add") == std::string::npos);
  CHECK(result.err.find("dead-refresh") == std::string::npos);
  CHECK(result.err.find("fake-secret") == std::string::npos);
  CHECK(result.out.empty());
  CHECK(stored(home, "ko") == before);
}

namespace {

// A stand-in for the browser: follows the authorize URL to its redirect, optionally spoiling the state.
std::string browser_script(const TempDir& dir, bool wrong_state) {
  const std::string path = dir / "browser.sh";
  std::ofstream(path) << "#!/bin/sh\n"
                      << "loc=$(curl -s -o /dev/null -w '%{redirect_url}' \"$1\")\n"
                      << (wrong_state ? "loc=$(printf %s \"$loc\" | sed 's/state=[^&]*/state=forged/')\n" : "")
                      << "curl -s -o /dev/null \"$loc\"\n";
  chmod(path.c_str(), 0700);
  return path;
}

RunResult login(const TempDir& home, const FakeServer& server, const std::string& browser) {
  RunOptions options;
  options.env = {{"BROWSER", browser}, {"CRMEXPORT_CLIENT_SECRET", "fake-secret"}};
  options.timeout = std::chrono::seconds(60);
  return run_crmexport(home,
                       {"auth", "login", "keap", "--name", "kl", "--client-id", "fake-client", "--base-url",
                        server.url() + "/keap", "--authorize-url", server.url() + "/keap/app/oauth/authorize",
                        "--token-url", server.url() + "/keap/token", "--timeout", "20"},
                       options);
}

}  // namespace

TEST_CASE("auth login: the browser follows the authorize URL, the callback completes, tokens are stored",
          "[e2e][keap][oauth]") {
  FakeServer server({"--records", "30"});
  TempDir home;
  auto result = login(home, server, browser_script(home, false));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.find("fake-secret") == std::string::npos);
  auto secret = stored_secret(home, "kl");
  CHECK(stored(home, "kl").auth_kind == "oauth2");
  CHECK(!secret.access_token.empty());
  CHECK(!secret.refresh_token.empty());
  auto exported = run_crmexport(home, {"-q", "export", "kl", "contacts"});
  REQUIRE(exported.exit_code == 0);
  CHECK(lines_of(exported.out) == server.dataset("keap", "contacts"));
}

TEST_CASE("auth login rejects a redirect with the wrong state and stores nothing", "[e2e][keap][oauth]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  auto result = login(home, server, browser_script(home, true));
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("state"));
  auto listed = run_crmexport(home, {"auth", "list", "--json"});
  CHECK(listed.out == "[]\n");
}

TEST_CASE("auth login for Pipedrive: Basic client auth at the token endpoint, tokens stored",
          "[e2e][pipedrive][oauth]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  RunOptions options;
  options.env = {{"BROWSER", browser_script(home, false)}, {"CRMEXPORT_CLIENT_SECRET", "fake-secret"}};
  auto result =
      run_crmexport(home,
                    {"auth", "login", "pipedrive", "--name", "pdo", "--client-id", "fake-client", "--base-url",
                     server.url() + "/pipedrive", "--authorize-url", server.url() + "/pipedrive/oauth/authorize",
                     "--token-url", server.url() + "/pipedrive/oauth/token", "--timeout", "20"},
                    options);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto secret = stored_secret(home, "pdo");
  CHECK(!secret.access_token.empty());
  CHECK(!secret.refresh_token.empty());
  CHECK(secret.token_url == server.url() + "/pipedrive/oauth/token");
}

TEST_CASE("auth login refuses a token answer whose api_domain is not Pipedrive's, and stores nothing",
          "[e2e][pipedrive][oauth][url]") {
  for (const std::string hostile : {"http://example.com", "https://example.com", "https://acme.pipedrive.com.evil.io",
                                    "http://127.0.0.1@example.com"}) {
    INFO(hostile);
    FakeServer server({"--records", "5", "--pipedrive-api-domain", hostile});
    TempDir home;
    RunOptions options;
    options.env = {{"BROWSER", browser_script(home, false)}, {"CRMEXPORT_CLIENT_SECRET", "fake-secret"}};
    // No --base-url: the api_domain would become the connection's base URL.
    auto result = run_crmexport(home,
                                {"auth", "login", "pipedrive", "--name", "pdo", "--client-id", "fake-client",
                                 "--authorize-url", server.url() + "/pipedrive/oauth/authorize", "--token-url",
                                 server.url() + "/pipedrive/oauth/token", "--timeout", "20"},
                                options);
    CHECK(result.exit_code == 5);
    CHECK_THAT(result.err, Catch::Contains("the token endpoint's api_domain '" + hostile + "'"));
    CHECK_THAT(result.err, Catch::Contains("nothing stored"));
    CHECK(result.err.find("fake-secret") == std::string::npos);
    CHECK(run_crmexport(home, {"auth", "list", "--json"}).out == "[]\n");
  }
}

TEST_CASE("the browser auth login starts inherits no CRMEXPORT_* secret", "[e2e][keap][oauth]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  const std::string dump = home / "browser-env";
  const std::string path = home / "env-browser.sh";
  std::ofstream(path) << "#!/bin/sh\n"
                      << "env > '" << dump << "'\n"
                      << "loc=$(curl -s -o /dev/null -w '%{redirect_url}' \"$1\")\n"
                      << "curl -s -o /dev/null \"$loc\"\n";
  chmod(path.c_str(), 0700);
  RunOptions options;
  options.env = {{"BROWSER", path},
                 {"CRMEXPORT_CLIENT_SECRET", "fake-secret"},
                 {"CRMEXPORT_TOKEN", "token-for-nobody"},
                 {"CRMEXPORT_NOT_A_SECRET_EITHER", "x"}};
  options.timeout = std::chrono::seconds(60);
  auto result = run_crmexport(home,
                              {"auth", "login", "keap", "--name", "kl", "--client-id", "fake-client", "--base-url",
                               server.url() + "/keap", "--authorize-url", server.url() + "/keap/app/oauth/authorize",
                               "--token-url", server.url() + "/keap/token", "--timeout", "20"},
                              options);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);  // the login completed, so the browser ran
  const auto environment = read_file(dump);
  CHECK_THAT(environment, Catch::Contains("BROWSER=" + path));  // the rest of the environment is there
  CHECK(environment.find("CRMEXPORT_") == std::string::npos);
  CHECK(environment.find("fake-secret") == std::string::npos);
  CHECK(environment.find("token-for-nobody") == std::string::npos);
}

TEST_CASE("a full disk during a Keap refresh never loses the connection", "[e2e][keap][oauth][disk]") {
  SmallDisk disk("1m");
  if (!disk.mounted()) {
    WARN("skipped: " << disk.why_not());
    return;
  }
  FakeServer server({"--records", "20", "--access-ttl", "1"});
  const TempDir& home = disk.dir();  // the store lives on the small disk

  SECTION("the refresh succeeds upstream, the store cannot take it; once space is freed it works") {
    REQUIRE(add_oauth(home, server, "ko").exit_code == 0);
    const auto before = stored_secret(home, "ko");
    disk.fill("filler");
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the access token has expired

    // Keap: after this refresh the old refresh token is dead.
    auto full = run_crmexport(home, {"export", "ko", "contacts"});
    INFO(full.err);
    CHECK(full.exit_code == 0);
    CHECK(lines_of(full.out) == server.dataset("keap", "contacts"));
    CHECK_THAT(full.err, Catch::Contains("could not be saved in " + home / "store.db"));
    CHECK_THAT(full.err, Catch::Contains("it is kept in " + home / "store.db-pending"));
    CHECK(stored_secret(home, "ko").refresh_token == before.refresh_token);  // the store is as it was
    CHECK(full.err.find(before.refresh_token) == std::string::npos);

    std::filesystem::remove(disk / "filler");
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    auto freed = run_crmexport(home, {"export", "ko", "contacts"});
    INFO(freed.err);
    REQUIRE(freed.exit_code == 0);  // no `auth login` needed
    CHECK(lines_of(freed.out) == server.dataset("keap", "contacts"));
    CHECK(freed.err.find("could not be saved") == std::string::npos);
    CHECK(stored_secret(home, "ko").refresh_token != before.refresh_token);  // the pending pair reached the store
    struct stat info {};
    REQUIRE(stat((home / "store.db-pending").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    CHECK(run_crmexport(home, {"auth", "test", "ko"}).exit_code == 0);
  }
  SECTION("no room can be reserved beside the store: no refresh is attempted, the connection is unchanged") {
    RunOptions options;
    options.stdin_text = oauth_json();
    // Stored without a check, so the room beside the store was never reserved.
    REQUIRE(run_crmexport(home,
                          {"auth", "add", "keap", "--name", "ko", "--oauth", "--no-verify", "--base-url",
                           server.url() + "/keap", "--token-url", server.url() + "/keap/token"},
                          options)
                .exit_code == 0);
    disk.fill("filler");
    const long before = token_requests(server);
    auto full = run_crmexport(home, {"export", "ko", "contacts"});
    CHECK(full.exit_code == 1);
    CHECK_THAT(full.err,
               Catch::Contains("could not reserve room to save renewed tokens in " + home / "store.db-pending"));
    CHECK_THAT(full.err, Catch::Contains("No space left on device"));
    CHECK_THAT(full.err, Catch::Contains("the connection is unchanged"));
    CHECK(token_requests(server) == before);
    std::filesystem::remove(disk / "filler");
    auto freed = run_crmexport(home, {"-q", "export", "ko", "contacts"});
    REQUIRE(freed.exit_code == 0);
    CHECK(lines_of(freed.out) == server.dataset("keap", "contacts"));
  }
}
