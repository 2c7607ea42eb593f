// `crmexport auth`: tokens from stdin or the environment, verified before they are stored,
// masked when listed, in a private file.
#include <sys/stat.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "lib/store/store.hpp"
#include "support/fake_server.hpp"

using namespace crmexport::testing;

TEST_CASE("auth add verifies the token and stores nothing when it is refused", "[e2e][auth]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  auto refused = add_connection(home, server, "pipedrive", "pd", "bad-token");
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("nothing stored"));
  CHECK(refused.err.find("bad-token") == std::string::npos);
  auto listed = run_crmexport(home, {"auth", "list", "--json"});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out == "[]\n");

  REQUIRE(add_connection(home, server, "pipedrive", "pd", "fake-token").exit_code == 0);
  struct stat info {};
  REQUIRE(stat((home / "store.db").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("auth add refuses an existing name unless --force", "[e2e][auth]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  auto again = add_connection(home, server, "pipedrive", "pd");
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  CHECK(add_connection(home, server, "pipedrive", "pd", "fake-token", {"--force"}).exit_code == 0);
}

TEST_CASE("the token comes from CRMEXPORT_TOKEN when not piped, and never from an argument", "[e2e][auth]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  RunOptions env;
  env.env["CRMEXPORT_TOKEN"] = "fake-token";
  auto added = run_crmexport(home, {"auth", "add", "pipedrive", "--base-url", server.url() + "/pipedrive"}, env);
  REQUIRE(added.exit_code == 0);
  auto none =
      run_crmexport(home, {"auth", "add", "pipedrive", "--name", "x", "--base-url", server.url() + "/pipedrive"},
                    RunOptions{{{"CRMEXPORT_TOKEN", ""}}, "", std::chrono::seconds(30)});
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Catch::Contains("--token-stdin or set CRMEXPORT_TOKEN"));
  auto as_argument = run_crmexport(home, {"auth", "add", "pipedrive", "--token", "fake-token"});
  CHECK(as_argument.exit_code == 2);
}

TEST_CASE("auth list masks secrets, test and remove work by name", "[e2e][auth]") {
  FakeServer server({"--records", "5", "--token", "pd-0123456789abcdef"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "work", "pd-0123456789abcdef").exit_code == 0);
  auto listed = run_crmexport(home, {"auth", "list"});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find("pd-0123456789abcdef") == std::string::npos);
  CHECK_THAT(listed.out, Catch::Contains("pd-0…cdef"));
  CHECK_THAT(listed.out, Catch::Contains("work"));

  auto tested = run_crmexport(home, {"auth", "test", "work"});
  CHECK(tested.exit_code == 0);
  CHECK_THAT(tested.err, Catch::Contains("works"));
  // By provider name, when it has exactly one connection.
  CHECK(run_crmexport(home, {"auth", "test", "pipedrive"}).exit_code == 0);

  CHECK(run_crmexport(home, {"auth", "remove", "work"}).exit_code == 0);
  auto gone = run_crmexport(home, {"export", "pipedrive", "persons"});
  CHECK(gone.exit_code == 3);
  CHECK_THAT(gone.err, Catch::Contains("crmexport auth add pipedrive"));
  CHECK(run_crmexport(home, {"auth", "remove", "work"}).exit_code == 2);
}

TEST_CASE("plain http is refused for hosts other than loopback", "[e2e][auth]") {
  TempDir home;
  auto result = run_crmexport(home, {"auth", "add", "pipedrive", "--base-url", "http://example.com", "--token-stdin"},
                              {{}, "t\n"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("use https"));
}

namespace {

// Each of these reached a remote host over plain http when the rule was a string prefix check.
const std::vector<std::string> k_http_bypasses = {
    "http://127.0.0.1@example.com/x", "http://localhost:80@example.com/x", "http://127.example.com/x",
    "http://[::1]@example.com/x",     "http://127.0.0.1.nip.io/x",
};

}  // namespace

TEST_CASE("bypasses of the plain-http rule in --base-url and --token-url are refused before any request",
          "[e2e][auth][url]") {
  TempDir home;
  for (const auto& url : k_http_bypasses) {
    INFO(url);
    auto base = run_crmexport(home, {"auth", "add", "pipedrive", "--base-url", url, "--token-stdin"}, {{}, "t\n"});
    CHECK(base.exit_code == 2);
    CHECK_THAT(base.err, Catch::Contains("--base-url '" + url + "'"));
    CHECK(base.err.find('\n') == base.err.size() - 1);  // one line

    RunOptions oauth;
    oauth.stdin_text = R"({"client_id":"c","client_secret":"s","refresh_token":"r"})";
    auto token = run_crmexport(home, {"auth", "add", "keap", "--oauth", "--token-url", url}, oauth);
    CHECK(token.exit_code == 2);
    CHECK_THAT(token.err, Catch::Contains("--token-url '" + url + "'"));
    CHECK(token.err.find("\"s\"") == std::string::npos);

    RunOptions login;
    login.env = {{"CRMEXPORT_CLIENT_SECRET", "s"}};
    auto logged = run_crmexport(home, {"auth", "login", "keap", "--client-id", "c", "--no-browser", "--timeout", "1",
                                       "--token-url", url},
                                login);
    CHECK(logged.exit_code == 2);
    CHECK_THAT(logged.err, Catch::Contains("--token-url '" + url + "'"));
  }
  auto userinfo = run_crmexport(
      home, {"auth", "add", "pipedrive", "--base-url", "https://me:pw@api.pipedrive.com", "--token-stdin"}, {{}, "t\n"});
  CHECK(userinfo.exit_code == 2);
  CHECK_THAT(userinfo.err, Catch::Contains("user name or password"));
  CHECK(run_crmexport(home, {"auth", "list", "--json"}).out == "[]\n");
}

TEST_CASE("a stored base URL that breaks the rule is refused on load, before any request", "[e2e][auth][url]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  {
    auto store = crmexport::store::Store::open(home / "store.db");
    REQUIRE(store);
    auto found = store->find("pd");
    REQUIRE(found);
    REQUIRE(found->has_value());
    auto connection = **found;
    // As an older crmexport (or a hand edit) could have stored it: the fake's host hidden as userinfo.
    connection.base_url = "http://" + server.url().substr(7) + "@example.com/pipedrive";
    REQUIRE(store->add(connection, true));
  }
  const auto before = server.stats();
  auto result = run_crmexport(home, {"export", "pd", "persons"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("the base URL stored with connection 'pd'"));
  CHECK_THAT(result.err, Catch::Contains("crmexport auth add pipedrive --name pd --force --base-url https://"));
  CHECK(result.out.empty());
  CHECK(server.stats() == before);  // nothing was asked
}

namespace {

// `key` in a file of `folder` with `mode`.
std::string key_file(const TempDir& folder, const std::string& name, const std::string& key, mode_t mode) {
  const std::string file = folder / name;
  std::ofstream(file) << key << "\n";
  REQUIRE(::chmod(file.c_str(), mode) == 0);
  return file;
}

}  // namespace

TEST_CASE("auth rekey re-encrypts the store and export works with the new key file only", "[e2e][auth][rekey]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  const std::string old_key(64, 'a');
  const std::string new_key = "u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7s=";
  const auto old_id = crmexport::store::StoreKey::parse(old_key, "k")->id();
  const auto new_id = crmexport::store::StoreKey::parse(new_key, "k")->id();
  RunOptions with_old;
  with_old.env = {{"CRMEXPORT_STORE_KEY", old_key}, {"CRMEXPORT_STORE_KEY_FILE", ""}};
  with_old.stdin_text = "fake-token\n";
  REQUIRE(run_crmexport(home, {"auth", "add", "pipedrive", "--name", "pd", "--base-url", server.url() + "/pipedrive",
                               "--token-stdin"},
                        with_old)
              .exit_code == 0);

  // The new key is never an argument, and its file must be private.
  with_old.stdin_text.clear();
  CHECK(run_crmexport(home, {"auth", "rekey", "--new-key", new_key}, with_old).exit_code == 2);
  const std::string loose = key_file(home, "loose.key", new_key, 0644);
  auto refused = run_crmexport(home, {"auth", "rekey", "--new-key-file", loose}, with_old);
  CHECK(refused.exit_code == 2);
  CHECK(untimed(refused.err) == "crmexport: error: the key file " + loose +
                                    " (--new-key-file) can be read by group or others (mode 0644); make it private "
                                    "with `chmod 600 " + loose + "`\n");
  auto neither = run_crmexport(home, {"auth", "rekey"}, with_old);
  CHECK(neither.exit_code == 2);
  CHECK(untimed(neither.err) == "crmexport: error: auth rekey needs a new key: give it with --new-key-file FILE or "
                                "--new-key-stdin (make one with `crmexport auth keygen`), or give --to-plain\n");
  auto both = run_crmexport(home, {"auth", "rekey", "--new-key-stdin", "--to-plain"}, with_old);
  CHECK(both.exit_code == 2);
  CHECK(untimed(both.err) == "crmexport: error: auth rekey takes one new key: give only one of --new-key-file, "
                              "--new-key-stdin and --to-plain\n");
  RunOptions bad_stdin = with_old;
  bad_stdin.stdin_text = "not-a-key\n";
  auto malformed = run_crmexport(home, {"auth", "rekey", "--new-key-stdin"}, bad_stdin);
  CHECK(malformed.exit_code == 2);
  CHECK_THAT(malformed.err, Catch::Contains("the new key on standard input (--new-key-stdin) is not a key"));
  CHECK(malformed.err.find("not-a-key") == std::string::npos);
  CHECK(malformed.err.find('\n') == malformed.err.size() - 1);  // one line

  const std::string file = key_file(home, "new.key", new_key, 0600);
  auto rekeyed = run_crmexport(home, {"-v", "auth", "rekey", "--new-key-file", file}, with_old);
  INFO(rekeyed.err);
  REQUIRE(rekeyed.exit_code == 0);
  CHECK(rekeyed.out.empty());
  CHECK_THAT(untimed(rekeyed.err), Catch::Contains("re-encrypted 1 connection secret under key " + new_id + "\n"));
  for (const auto& secret : {old_key, new_key, std::string("fake-token")}) CHECK(rekeyed.err.find(secret) == std::string::npos);

  RunOptions with_new;
  with_new.env = {{"CRMEXPORT_STORE_KEY", ""}, {"CRMEXPORT_STORE_KEY_FILE", file}};
  auto exported = run_crmexport(home, {"-q", "export", "pd", "persons"}, with_new);
  REQUIRE(exported.exit_code == 0);
  CHECK(lines_of(exported.out) == server.dataset("pipedrive", "persons"));

  auto stale = run_crmexport(home, {"export", "pd", "persons"}, with_old);
  CHECK(stale.exit_code == 2);
  CHECK_THAT(stale.err, Catch::Contains("another key (id " + new_id + ") than the one in CRMEXPORT_STORE_KEY (id " +
                                        old_id + ")"));
}

TEST_CASE("auth rekey --new-key-stdin encrypts a store kept in plain text", "[e2e][auth][rekey]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  RunOptions no_key;
  no_key.env = {{"CRMEXPORT_STORE_KEY", ""}, {"CRMEXPORT_STORE_KEY_FILE", ""}};
  REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  const std::string new_key(64, 'b');
  no_key.stdin_text = new_key + "\n";
  auto rekeyed = run_crmexport(home, {"auth", "rekey", "--new-key-stdin"}, no_key);
  INFO(rekeyed.err);
  REQUIRE(rekeyed.exit_code == 0);
  CHECK(rekeyed.out.empty());
  CHECK_THAT(rekeyed.err, Catch::Contains("re-encrypted 1 connection secret under key " +
                                          crmexport::store::StoreKey::parse(new_key, "k")->id()));
  no_key.stdin_text.clear();
  CHECK(run_crmexport(home, {"export", "pd", "persons"}, no_key).exit_code == 2);  // encrypted now
  RunOptions with_new;
  with_new.env = {{"CRMEXPORT_STORE_KEY", new_key}};
  CHECK(run_crmexport(home, {"-q", "export", "pd", "persons"}, with_new).exit_code == 0);
}
