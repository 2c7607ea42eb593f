// `crmexport auth`: tokens from stdin or the environment, verified before they are stored,
// masked when listed, in a private file.
#include <sys/stat.h>

#include <catch2/catch.hpp>

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

TEST_CASE("auth list masks secrets; test and remove work by name", "[e2e][auth]") {
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
