// Several types of one connection read at once under one pacer, and the request budgets a user
// can see and cap: the real crmexport against crm-fake's Pipedrive, compared with the dataset.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "support/fake_server.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport::testing;

namespace {

const std::vector<std::string> k_types = {"persons",   "organizations", "deals", "activities",
                                          "pipelines", "stages",        "notes", "users"};

struct Setup {
  FakeServer server;
  TempDir home;
  explicit Setup(std::vector<std::string> flags) : server(std::move(flags)) {
    REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  }
  RunResult run(std::vector<std::string> args) { return run_crmexport(home, args); }
  std::int64_t stat(const char* name) const {
    rapidjson::Document doc;
    doc.Parse(server.stats().c_str());
    return doc[name].GetInt64();
  }
};

std::vector<std::string> mirror_rows(const MirrorDb& db, const std::string& type) {
  std::vector<std::string> out;
  for (auto& row : db.rows("pipedrive_" + type, "pd"))
    if (!row.deleted) out.push_back(std::move(row.record));
  return out;
}

// The summary line crmexport printed for a type.
std::string summary_of(const std::string& err, const std::string& type) {
  for (const auto& line : lines_of(untimed(err)))
    if (line.starts_with("crmexport: " + type + ": ")) return line;
  FAIL("no summary for " << type << " in: " << err);
  return "";
}

}  // namespace

TEST_CASE("an 8-type Pipedrive export with --jobs 4 equals the dataset, with no 429 at the default burst",
          "[e2e][concurrency]") {
  Setup s({"--records", "600"});
  auto out = s.home / "out/";
  std::vector<std::string> args = {"export", "pd"};
  args.insert(args.end(), k_types.begin(), k_types.end());
  args.insert(args.end(), {"-o", out, "--jobs", "4", "--page-size", "50"});
  auto result = s.run(args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  for (const auto& type : k_types) {
    INFO(type);
    CHECK(lines_of(read_file(out + type + ".ndjson")) == s.server.dataset("pipedrive", type));
  }
  CHECK(s.stat("throttled") == 0);
  CHECK(s.stat("total") == 8 * 12 + 1);  // 12 pages a type, and the connection's check when it was added
  // Requests and tokens per type in the summary: v2 lists cost 10, pipelines/stages 5, v1 lists 20.
  CHECK(summary_of(result.err, "persons") ==
        "crmexport: persons: 600 records in 12 pages, 12 requests, 120 tokens -> " + out + "persons.ndjson");
  CHECK(summary_of(result.err, "stages").find(", 12 requests, 60 tokens") != std::string::npos);
  CHECK(summary_of(result.err, "notes").find(", 12 requests, 240 tokens") != std::string::npos);
  CHECK(s.stat("pipedrive_tokens") == 2 + 6 * 12 * 10 - 2 * 12 * 10 + 2 * 12 * 5 + 2 * 12 * 20);
}

TEST_CASE("sync --jobs 4 mirrors all 8 Pipedrive types exactly, with no 429", "[e2e][concurrency]") {
  // Both mirrors: the workers take turns at one writer, whichever database it writes.
  MirrorDb db(GENERATE(Backend::sqlite, Backend::postgres));
  Setup s({"--records", "600"});
  auto result = s.run({"sync", "pd", "--db", db.location(), "--jobs", "4", "--page-size", "100", "--json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  for (const auto& type : k_types) {
    INFO(type);
    CHECK(mirror_rows(db, type) == s.server.dataset("pipedrive", type));
  }
  CHECK(s.stat("throttled") == 0);
  rapidjson::Document report;
  report.Parse(result.out.c_str());
  REQUIRE(report.IsObject());
  CHECK(report["types"]["persons"]["requests"].GetInt64() == 6);
  CHECK(report["types"]["persons"]["tokens"].GetInt64() == 60);
  CHECK(report["types"]["persons"]["complete"].GetBool());
}

TEST_CASE("a --max-requests cap stops between pages with a cursor that resumes exactly", "[e2e][concurrency]") {
  Setup s({"--records", "120"});
  auto out = s.home / "out/";
  auto first = s.run({"export", "pd", "persons", "deals", "-o", out, "--page-size", "50", "--jobs", "1",
                      "--max-requests", "4"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(lines_of(read_file(out + "persons.ndjson")) == s.server.dataset("pipedrive", "persons"));
  auto deals = lines_of(read_file(out + "deals.ndjson"));
  CHECK(deals.size() == 50);
  CHECK(s.stat("total") == 1 + 4);
  auto at = first.err.find("deals: stopped before the end as asked (--max-requests/--max-tokens); resume with --cursor '");
  REQUIRE(at != std::string::npos);
  auto start = first.err.find('\'', at) + 1;
  auto cursor = first.err.substr(start, first.err.find('\'', start) - start);

  auto rest = s.run({"-q", "export", "pd", "deals", "--page-size", "50", "--cursor", cursor});
  REQUIRE(rest.exit_code == 0);
  for (const auto& line : lines_of(rest.out)) deals.push_back(line);
  CHECK(deals == s.server.dataset("pipedrive", "deals"));
}

TEST_CASE("a --max-tokens cap limits what a Pipedrive run spends, and is refused where requests are the unit",
          "[e2e][concurrency]") {
  Setup s({"--records", "120"});
  auto capped = s.run({"export", "pd", "persons", "--page-size", "50", "--max-tokens", "25"});
  REQUIRE(capped.exit_code == 0);
  CHECK(lines_of(capped.out).size() == 100);
  CHECK(summary_of(capped.err, "persons") == "crmexport: persons: 100 records in 2 pages, 2 requests, 20 tokens");
  CHECK(s.stat("pipedrive_tokens") == 2 + 20);

  FakeServer hubspot;
  TempDir home;
  REQUIRE(add_connection(home, hubspot, "hubspot", "hs").exit_code == 0);
  auto refused = run_crmexport(home, {"export", "hs", "owners", "--max-tokens", "10"});
  CHECK(refused.exit_code == 2);
  CHECK(untimed(refused.err) == "crmexport: error: HubSpot charges requests, not tokens; use --max-requests instead of "
                       "--max-tokens\n");
}

TEST_CASE("a spent daily Pipedrive token budget ends at once with exit 4 and says when it resets",
          "[e2e][concurrency]") {
  Setup s({"--records", "120", "--pipedrive-daily-tokens", "32"});  // the check (2) and three lists
  auto result = s.run({"-q", "export", "pd", "persons", "--page-size", "10"});
  CHECK(result.exit_code == 4);
  CHECK(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::Contains("daily Pipedrive API token budget is spent; it resets at midnight"));
  CHECK(s.stat("total") == 1 + 4);  // three pages, and the one 429 that is not retried
}
