// The test harness's throw-away PostgreSQL cluster (tests/support/postgres.hpp) works, so the
// PostgreSQL mirror and store tests fail for their own reasons only.
#include <catch2/catch.hpp>

#include <filesystem>

#include "support/postgres.hpp"

using crmexport::testing::PostgresCluster;

TEST_CASE("a throw-away PostgreSQL cluster starts, answers on its socket only, and is removed", "[postgres]") {
  std::string folder;
  {
    PostgresCluster cluster;
    folder = cluster.folder();
    CHECK(cluster.psql("SELECT 40 + 2") == "42\n");
    CHECK(cluster.psql("SHOW listen_addresses") == "\n");
    std::string uri = cluster.create_database("mirror");
    CHECK(uri.starts_with("postgresql:///mirror?host=" + folder));
    CHECK(cluster.psql("SELECT current_database()", "mirror") == "mirror\n");
    CHECK(std::filesystem::exists(folder + "/.s.PGSQL.5432"));
  }
  CHECK_FALSE(std::filesystem::exists(folder));
}
