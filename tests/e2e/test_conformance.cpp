// One suite for every provider in the registry: each type of its default API, exported and
// synced against crm-fake, equals the dataset the fake dumped. A new provider is covered here
// as soon as it is registered and its fake dumps DIR/PROVIDER/TYPE.ndjson.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "lib/mirror/schema.hpp"
#include "providers/registry.hpp"
#include "support/fake_server.hpp"

using namespace crmexport::testing;

namespace {

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::ranges::sort(lines);
  return lines;
}

// The live rows of one type in the mirror, as the JSON text stored.
std::vector<std::string> mirrored(const std::string& db, const std::string& provider, const std::string& type) {
  SQLite::Database database(db, SQLite::OPEN_READONLY);
  SQLite::Statement query(database, "SELECT record FROM \"" + crmexport::mirror::table_name(provider, type) +
                                        "\" WHERE connection = 'c' AND deleted_at IS NULL");
  std::vector<std::string> rows;
  while (query.executeStep()) rows.push_back(query.getColumn(0).getString());
  return rows;
}

}  // namespace

TEST_CASE("every provider's every type exports and syncs exactly as its dataset", "[e2e][conformance]") {
  FakeServer server({"--records", "130"});
  for (const auto* provider : crmexport::providers::all()) {
    DYNAMIC_SECTION(provider->name) {
      TempDir home;
      REQUIRE(add_connection(home, server, provider->name, "c").exit_code == 0);
      for (const auto& type : provider->default_version().types) {
        INFO(provider->name << " " << type.name);
        auto expected = server.dataset(provider->name, type.name);
        REQUIRE_FALSE(expected.empty());
        auto exported = run_crmexport(home, {"-q", "export", "c", type.name, "--page-size", "50"});
        REQUIRE(exported.exit_code == 0);
        CHECK(lines_of(exported.out) == expected);
      }
      auto db = home / "mirror.db";
      auto synced = run_crmexport(home, {"-q", "sync", "c", "--db", db});
      REQUIRE(synced.exit_code == 0);
      for (const auto& type : provider->default_version().types) {
        INFO(provider->name << " " << type.name);
        CHECK(sorted(mirrored(db, provider->name, type.name)) == sorted(server.dataset(provider->name, type.name)));
      }
    }
  }
}
