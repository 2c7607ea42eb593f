// The real crmexport with its credential store in PostgreSQL (--store postgresql://... and
// CRMEXPORT_STORE): auth add/list/test/remove, the refusal without a key, keygen, and what the
// rows hold when read past crmexport.
#include <catch2/catch.hpp>

#include "support/fake_server.hpp"
#include "support/store_location.hpp"

using namespace crmexport::testing;

namespace {

const std::string k_token = "pd-0123456789abcdef";

RunResult run_with(std::vector<std::string> args, RunOptions options = {}) {
  args.insert(args.begin(), CRMEXPORT_BIN);
  return run(args, options);
}

}  // namespace

TEST_CASE("auth add, list, test and remove against a PostgreSQL store, secrets encrypted in its rows",
          "[e2e][auth][postgres]") {
  FakeServer server({"--records", "5", "--token", k_token});
  const StoreLocation where(StoreLocation::k_postgresql);
  auto keygen = run_with({"auth", "keygen"});
  REQUIRE(keygen.exit_code == 0);
  REQUIRE(keygen.out.size() == 45);  // 32 bytes in base64, and a newline
  const std::string key = keygen.out.substr(0, 44);
  CHECK(keygen.err.empty());

  RunOptions options;
  options.env = {{"CRMEXPORT_STORE_KEY", key}};
  options.stdin_text = k_token + "\n";
  auto added = run_with({"-v", "--store", where.location(), "auth", "add", "pipedrive", "--name", "work", "--base-url",
                         server.url() + "/pipedrive", "--token-stdin"},
                        options);
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(untimed(added.err).find("saved connection 'work' (Pipedrive, " + server.url() + "/pipedrive) in " +
                                where.location()) != std::string::npos);
  CHECK(added.err.find(k_token) == std::string::npos);
  CHECK(added.err.find(key) == std::string::npos);

  const std::string row = where.psql("SELECT name || ' ' || provider || ' ' || secret FROM crmexport_store.connections");
  CHECK(row.starts_with("work pipedrive enc:v1:"));
  CHECK(row.find(k_token) == std::string::npos);

  // CRMEXPORT_STORE names the store as well as --store does.
  RunOptions by_env;
  by_env.env = {{"CRMEXPORT_STORE_KEY", key}, {"CRMEXPORT_STORE", where.location()}};
  auto listed = run_with({"auth", "list"}, by_env);
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find(k_token) == std::string::npos);
  CHECK_THAT(listed.out, Catch::Contains("pd-0…cdef"));
  CHECK_THAT(listed.out, Catch::Contains("work"));
  CHECK(run_with({"auth", "test", "work"}, by_env).exit_code == 0);
  auto exported = run_with({"-q", "export", "work", "persons"}, by_env);
  REQUIRE(exported.exit_code == 0);
  CHECK(lines_of(exported.out) == server.dataset("pipedrive", "persons"));

  SECTION("another key: exit 2 naming CRMEXPORT_STORE_KEY, never the key") {
    RunOptions other = by_env;
    other.env["CRMEXPORT_STORE_KEY"] = std::string(64, 'e');
    auto refused = run_with({"-v", "auth", "test", "work"}, other);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("was encrypted with another key"));
    CHECK_THAT(refused.err, Catch::Contains("set CRMEXPORT_STORE_KEY to the key it was written with"));
    CHECK(refused.err.find(std::string(64, 'e')) == std::string::npos);
  }
  SECTION("remove") {
    CHECK(run_with({"auth", "remove", "work"}, by_env).exit_code == 0);
    CHECK(where.psql("SELECT count(*) FROM crmexport_store.connections") ==
          "0\n");
    CHECK(run_with({"auth", "remove", "work"}, by_env).exit_code == 2);
  }
}

TEST_CASE("without a key, auth add to a PostgreSQL store exits 2, says why, and stores nothing",
          "[e2e][auth][postgres]") {
  FakeServer server({"--records", "5", "--token", k_token});
  const StoreLocation where(StoreLocation::k_postgresql);
  RunOptions options;
  options.env = {{"CRMEXPORT_STORE_KEY", ""}, {"CRMEXPORT_STORE_KEY_FILE", ""}};
  options.stdin_text = k_token + "\n";
  auto refused = run_with({"--store", where.location(), "auth", "add", "pipedrive", "--base-url",
                           server.url() + "/pipedrive", "--token-stdin"},
                          options);
  CHECK(refused.exit_code == 2);
  CHECK(untimed(refused.err) ==
        "crmexport: error: the credential store " + where.location() +
            " is shared with other hosts, so crmexport writes secrets there only encrypted, and no key is set; set "
            "CRMEXPORT_STORE_KEY or CRMEXPORT_STORE_KEY_FILE (make a key with `crmexport auth keygen`); nothing was "
            "saved\n");
  CHECK(where.psql("SELECT count(*) FROM crmexport_store.connections") ==
        "0\n");
  CHECK(server.stats().find("/pipedrive/") == std::string::npos);  // refused before any request
}
