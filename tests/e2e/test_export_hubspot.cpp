// The real crmexport against crm-fake's HubSpot, compared record by record with the dataset
// the fake dumped (every property of every record).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <map>
#include <set>

#include "lib/http/curl_transport.hpp"
#include "support/fake_server.hpp"

using namespace crmexport::testing;

namespace {

const std::vector<std::string> k_objects = {"contacts", "companies", "deals", "notes"};

struct Setup {
  FakeServer server;
  TempDir home;
  explicit Setup(std::vector<std::string> flags = {"--records", "120"}) : server(std::move(flags)) {
    auto added = add_connection(home, server, "hubspot", "hs");
    REQUIRE(added.exit_code == 0);
  }
  RunResult exportt(std::vector<std::string> args) {
    args.insert(args.begin(), {"-q", "export", "hs"});
    return run_crmexport(home, args);
  }
  int64_t stat(const char* pointer) const {
    rapidjson::Document d;
    d.Parse(server.stats().c_str());
    auto* value = rapidjson::Pointer(pointer).Get(d);
    return value && value->IsInt64() ? value->GetInt64() : 0;
  }
};

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::ranges::sort(lines);
  return lines;
}

std::string member(const std::string& record, const char* key) {
  rapidjson::Document d;
  d.Parse(record.c_str());
  return d[key].GetString();
}

}  // namespace

TEST_CASE("every HubSpot v3 type exports exactly as the dataset, every property included", "[e2e][hubspot]") {
  Setup s;
  for (const std::string type : {"contacts", "companies", "deals", "notes", "pipelines", "stages", "owners"}) {
    INFO(type);
    auto result = s.exportt({type, "--page-size", "50"});
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    auto expected = s.server.dataset("hubspot", type);
    REQUIRE(!expected.empty());
    CHECK(lines_of(result.out) == expected);
  }
  // Stages are flattened from their pipelines and name them.
  auto stages = s.server.dataset("hubspot", "stages");
  CHECK(stages.size() == 11);
  CHECK(stages.front().find("\"pipelineId\":\"default\"") != std::string::npos);
}

TEST_CASE("HubSpot --api-version legacy pages the seed's endpoints to the end", "[e2e][hubspot]") {
  Setup s;
  for (const auto& type : k_objects) {
    INFO(type);
    auto result = s.exportt({type, "--api-version", "legacy", "--page-size", "50"});
    REQUIRE(result.exit_code == 0);
    CHECK(lines_of(result.out) == s.server.dataset("hubspot", "legacy/" + type));
  }
  // --param passes through (the seed asked deals for properties this way).
  auto with_name =
      s.exportt({"deals", "--api-version", "legacy", "--param", "properties=dealname", "--max-records", "1"});
  REQUIRE(with_name.exit_code == 0);
  CHECK(with_name.out.find("\"dealname\":{\"value\":") != std::string::npos);
}

TEST_CASE("HubSpot --archived and --associations export the archived and associated datasets", "[e2e][hubspot]") {
  Setup s;
  for (const auto& type : k_objects) {
    INFO(type);
    auto archived = s.exportt({type, "--archived"});
    REQUIRE(archived.exit_code == 0);
    CHECK(lines_of(archived.out) == s.server.dataset("hubspot", "archived/" + type));
    auto associated = s.exportt({type, "--associations", "contacts,companies"});
    REQUIRE(associated.exit_code == 0);
    CHECK(lines_of(associated.out) == s.server.dataset("hubspot", "associated/" + type));
  }
  CHECK(s.server.dataset("hubspot", "associated/deals").front().find("\"associations\":{\"contacts\"") !=
        std::string::npos);
}

TEST_CASE("HubSpot --fields narrows to the named properties, CSV columns follow them", "[e2e][hubspot]") {
  Setup s;
  auto ndjson = s.exportt({"deals", "--fields", "dealname,amount", "--max-records", "1"});
  REQUIRE(ndjson.exit_code == 0);
  rapidjson::Document d;
  d.Parse(ndjson.out.c_str());
  CHECK(d["properties"].MemberCount() == 2);
  auto csv = s.exportt({"deals", "--fields", "dealname,amount", "-f", "csv", "--max-records", "2"});
  REQUIRE(csv.exit_code == 0);
  CHECK(lines_of(csv.out).front() == "id,properties.dealname,properties.amount\r");
}

TEST_CASE("a HubSpot export with every property makes one request per page", "[e2e][hubspot]") {
  Setup s({"--records", "250"});
  auto result = s.exportt({"contacts"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("hubspot", "contacts"));
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts") == 3);  // 100 + 100 + 50
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1properties~1contacts") == 1);
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts~1batch~1read") == 0);
  CHECK(s.stat("/total") == 1 + 1 + 3);  // the connection's check, the property list, the pages

  auto since = s.exportt({"contacts", "--since", "2000-01-01"});
  REQUIRE(since.exit_code == 0);
  CHECK(sorted(lines_of(since.out)) == sorted(s.server.dataset("hubspot", "contacts")));
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts~1search") == 2);  // 200 + 50, properties in the body
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts~1batch~1read") == 0);
}

TEST_CASE("a HubSpot type with 500 custom properties falls back to batch/read and never gets a 414",
          "[e2e][hubspot]") {
  Setup s({"--records", "150", "--hubspot-custom-properties", "500"});
  auto expected = s.server.dataset("hubspot", "contacts");
  // Every custom property is in the dataset, so comparing whole records compares every value.
  CHECK(std::ranges::count(std::string_view(expected.front()), '_') >= 500);
  auto result = s.exportt({"contacts"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == expected);
  CHECK(s.stat("/requests/~1hubspot (answered 414)") == 0);
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts") == 2);
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts~1batch~1read") == 2);

  // --since: the properties do not fit search's 3,000-character body either.
  auto since = s.exportt({"contacts", "--since", "2000-01-01"});
  REQUIRE(since.exit_code == 0);
  CHECK(sorted(lines_of(since.out)) == sorted(expected));
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts~1search") == 1);
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts~1batch~1read") == 2 + 2);

  // The trap is real: the same property list on a GET is refused.
  std::string names;
  // 470 names: past the fake's 8000 bytes, short of cpp-httplib's own 8192.
  for (int i = 1; i <= 470; ++i) names += (names.empty() ? "" : ",") + fmt::format("custom_field_{:03}", i);
  crmexport::http::CurlTransport transport;
  auto refused =
      transport.send(crmexport::http::Request{"GET",
                                              s.server.url() + "/hubspot/crm/v3/objects/contacts?properties=" + names,
                                              {{"Authorization", "Bearer fake-token"}},
                                              {}});
  REQUIRE(refused);
  CHECK(refused->status == 414);
  CHECK(s.stat("/requests/~1hubspot (answered 414)") == 1);
}

TEST_CASE("HubSpot --since past the 10,000-result search cap returns each record exactly once", "[e2e][hubspot]") {
  Setup s({"--records", "10500", "--hubspot-burst", "100000"});
  auto expected = s.server.dataset("hubspot", "contacts");

  auto all = s.exportt({"contacts", "--since", "2020-01-01"});
  REQUIRE(all.exit_code == 0);
  auto lines = lines_of(all.out);
  CHECK(lines.size() == 10500);
  std::set<std::string> ids;
  for (const auto& line : lines) ids.insert(member(line, "id"));
  CHECK(ids.size() == 10500);
  CHECK(sorted(lines) == sorted(expected));
  // Many records share each timestamp, so the cut at 10,000 falls inside a run of ties.
  std::map<std::string, int> per_time;
  for (const auto& line : expected) ++per_time[member(line, "updatedAt")];
  CHECK(std::ranges::max_element(per_time, {}, [](auto& p) { return p.second; })->second > 500);
  CHECK(s.stat("/requests/~1hubspot~1crm~1v3~1objects~1contacts~1search") > 50);

  // A bound inside the data: exactly the records modified at or after it.
  auto part = s.exportt({"contacts", "--since", "2024-01-01T01:00:00Z"});
  REQUIRE(part.exit_code == 0);
  std::vector<std::string> filtered;
  for (const auto& line : expected)
    if (member(line, "updatedAt") >= "2024-01-01T01:00:00.000Z") filtered.push_back(line);
  CHECK(filtered.size() > 10000);
  CHECK(sorted(lines_of(part.out)) == sorted(filtered));
}

TEST_CASE("a HubSpot DAILY 429 stops the export at once with exit 4 and says when it resets", "[e2e][hubspot]") {
  // auth add spends 1 request; the export spends properties and the first page, then is refused.
  Setup s({"--records", "120", "--hubspot-daily-limit", "3"});
  auto result = s.exportt({"contacts"});
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("daily HubSpot API limit is spent") != std::string::npos);
  CHECK(result.err.find("midnight in the account's time zone") != std::string::npos);
  CHECK(s.stat("/throttled") == 1);  // not retried
}

TEST_CASE("a HubSpot TEN_SECONDLY_ROLLING 429 is waited out and the export completes", "[e2e][hubspot]") {
  Setup s({"--records", "120", "--inject-429-every", "3", "--hubspot-interval-ms", "300"});
  auto result = s.exportt({"contacts", "--page-size", "20"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("hubspot", "contacts"));
  CHECK(s.stat("/throttled") >= 3);
}

TEST_CASE("HubSpot's X-HubSpot-RateLimit-Remaining slows the export before a 429", "[e2e][hubspot]") {
  Setup s({"--records", "120", "--hubspot-burst", "4", "--hubspot-interval-ms", "400"});
  auto result = s.exportt({"contacts", "--page-size", "20"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("hubspot", "contacts"));
  CHECK(s.stat("/throttled") == 0);
}

TEST_CASE("a HubSpot export stopped early resumes with --cursor, nothing lost or repeated", "[e2e][hubspot]") {
  Setup s;
  for (std::vector<std::string> extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--since", "2020-01-01"}}) {
    std::vector<std::string> args = {"contacts", "--page-size", "50", "--max-records", "70"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto first = s.exportt(args);
    REQUIRE(first.exit_code == 0);
    auto at = first.err.find("--cursor '");
    REQUIRE(at != std::string::npos);
    auto cursor = first.err.substr(at + 10, first.err.find('\'', at + 10) - at - 10);
    std::vector<std::string> rest_args = {"contacts", "--page-size", "50", "--cursor", cursor};
    rest_args.insert(rest_args.end(), extra.begin(), extra.end());
    auto rest = s.exportt(rest_args);
    REQUIRE(rest.exit_code == 0);
    auto lines = lines_of(first.out);
    auto more = lines_of(rest.out);
    lines.insert(lines.end(), more.begin(), more.end());
    CHECK(sorted(lines) == sorted(s.server.dataset("hubspot", "contacts")));
    CHECK(lines.size() == 120);
  }
}

TEST_CASE("HubSpot over OAuth2: access tokens expiring mid-export are renewed, nothing lost", "[e2e][hubspot][oauth]") {
  // FACTS HubSpot §2: 30-minute access tokens refreshed ahead of expiry at the v3 token endpoint,
  // client credentials as form fields. --access-ttl 1 crosses many expiries in one export.
  FakeServer server({"--records", "400", "--access-ttl", "1", "--latency-ms", "120"});
  TempDir home;
  RunOptions oauth;
  oauth.stdin_text = R"({"client_id":"fake-client","client_secret":"fake-secret","refresh_token":"fake-refresh"})";
  auto added = run_crmexport(home,
                             {"auth", "add", "hubspot", "--name", "hs", "--oauth", "--base-url",
                              server.url() + "/hubspot", "--token-url", server.url() + "/hubspot/oauth/v3/token"},
                             oauth);
  REQUIRE(added.exit_code == 0);
  // 40 pages of one request each, 120 ms apiece: about 5 s, so several 1 s tokens run out.
  auto result = run_crmexport(home, {"-q", "export", "hs", "contacts", "--page-size", "10"});
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == server.dataset("hubspot", "contacts"));
  rapidjson::Document stats;
  stats.Parse(server.stats().c_str());
  REQUIRE(stats.HasMember("requests"));
  REQUIRE(stats["requests"].HasMember("/hubspot/oauth/v3/token"));
  // One token request at add (verification), then renewals as the 1 s tokens run out.
  CHECK(stats["requests"]["/hubspot/oauth/v3/token"].GetInt64() >= 3);
  auto again = run_crmexport(home, {"-q", "export", "hs", "owners"});
  REQUIRE(again.exit_code == 0);
  CHECK(lines_of(again.out) == server.dataset("hubspot", "owners"));
}
