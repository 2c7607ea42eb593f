// One suite for every provider in the registry: each type of its default API, exported and
// synced against crm-fake, equals the dataset the fake dumped. A new provider is covered here
// as soon as it is registered and its fake dumps DIR/PROVIDER/TYPE.ndjson. Sync runs into SQLite
// and into PostgreSQL: both mirrors must hold the provider's exact records.
#include <algorithm>
#include <catch2/catch.hpp>

#include "lib/mirror/schema.hpp"
#include "providers/registry.hpp"
#include "support/fake_server.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport::testing;

namespace {

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::ranges::sort(lines);
  return lines;
}

// The live rows of one type in the mirror, as the JSON text stored.
std::vector<std::string> mirrored(const MirrorDb& db, const std::string& provider, const std::string& type) {
  std::vector<std::string> rows;
  for (auto& row : db.rows(crmexport::mirror::table_name(provider, type), "c"))
    if (!row.deleted) rows.push_back(std::move(row.record));
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
        auto exported = run_crmexport(home, {"-v", "export", "c", type.name, "--page-size", "50"});
        REQUIRE(exported.exit_code == 0);
        CHECK(lines_of(exported.out) == expected);
        // The provider's answers, as compact as the real API's, take the fast path: cut at the
        // commas between records, not read value by value (json::Page::split_at_commas).
        CHECK(exported.err.find("reading them value by value") == std::string::npos);
        CHECK(exported.err.find(" -> 200 (") != std::string::npos);  // -v did log
      }
      for (auto backend : {Backend::sqlite, Backend::postgres}) {
        INFO((backend == Backend::sqlite ? "SQLite" : "PostgreSQL"));
        MirrorDb db(backend);
        auto synced = run_crmexport(home, {"-q", "sync", "c", "--db", db.location()});
        REQUIRE(synced.exit_code == 0);
        for (const auto& type : provider->default_version().types) {
          INFO(provider->name << " " << type.name);
          CHECK(sorted(mirrored(db, provider->name, type.name)) == sorted(server.dataset(provider->name, type.name)));
        }
      }
    }
  }
}
