// What a log (stderr not a terminal) says while the provider's rate limit holds a run back: one
// line per pause of the connection naming the types it holds up, one line per retry, and no 429
// from types read in parallel. The pauses, retries and requests are counted by crm-fake.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <regex>

#include "support/fake_server.hpp"

using namespace crmexport::testing;

namespace {

std::int64_t stat(const FakeServer& server, const char* name) {
  rapidjson::Document doc;
  doc.Parse(server.stats().c_str());
  REQUIRE(doc.IsObject());
  return doc[name].GetInt64();
}

std::vector<std::string> lines_with(const std::string& err, const std::string& text) {
  std::vector<std::string> found;
  for (auto& line : lines_of(untimed(err)))
    if (line.find(text) != std::string::npos) found.push_back(line);
  return found;
}

}  // namespace

TEST_CASE("a rate-limited 4-type export logs one wait line per pause, naming the connection, limit and types",
          "[e2e][ratelimit]") {
  // 5 requests per 6 s: the connection's check and the four types' first requests fill the first
  // window, and each window after it is one pause.
  FakeServer server{{"--records", "5", "--latency-ms", "2", "--hubspot-burst", "5", "--hubspot-interval-ms", "6000"}};
  TempDir home;
  REQUIRE(add_connection(home, server, "hubspot", "hs").exit_code == 0);
  const std::vector<std::string> types = {"contacts", "deals", "companies", "notes"};
  std::vector<std::string> args = {"export", "hs"};
  args.insert(args.end(), types.begin(), types.end());
  args.insert(args.end(), {"-o", home / "out/", "--jobs", "4"});
  auto result = run_crmexport(home, args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  for (const auto& type : types) CHECK(lines_of(read_file(home / "out/" + type + ".ndjson")).size() == 5);
  CHECK(stat(server, "throttled") == 0);
  // The windows the fake's count of requests fills, each but the first after a pause.
  auto requests = stat(server, "total");
  auto pauses = (requests + 4) / 5 - 1;
  REQUIRE(pauses >= 1);
  auto waits = lines_with(result.err, "waiting ");
  CHECK(static_cast<std::int64_t>(waits.size()) == pauses);
  const std::regex shape(R"(crmexport: hs: waiting \d+\.\ds for HubSpot's rate limit \(5 requests per 10\.0s\): [a-z, ]+)");
  for (const auto& line : waits) CHECK(std::regex_match(line, shape));
  // The first pause holds every type up (each has had its first request).
  REQUIRE_FALSE(waits.empty());
  for (const auto& type : types) CHECK(waits[0].find(type) != std::string::npos);
}

TEST_CASE("each retry is logged once, with its attempt and reason", "[e2e][ratelimit]") {
  FakeServer server{{"--records", "60", "--latency-ms", "2", "--inject-500-every", "3"}};
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  auto result = run_crmexport(home, {"export", "ac", "deals", "-o", home / "deals.ndjson", "--page-size", "20"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(read_file(home / "deals.ndjson")) == server.dataset("activecampaign", "deals"));
  auto retries = lines_with(result.err, "retrying in ");
  CHECK(static_cast<std::int64_t>(retries.size()) == stat(server, "injected"));
  REQUIRE_FALSE(retries.empty());
  const std::regex shape(R"(crmexport: retrying in \d+\.\ds \(attempt 2 of \d+\): GET \S+ answered HTTP 500: .+)");
  for (const auto& line : retries) CHECK(std::regex_match(line, shape));
}

TEST_CASE("ActiveCampaign types read in parallel share the account's 5 requests a second: no 429, no extra request",
          "[e2e][ratelimit]") {
  FakeServer server{{"--records", "100", "--latency-ms", "2"}};
  TempDir home;
  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  const std::vector<std::string> types = {"contacts", "deals", "accounts", "notes"};
  std::vector<std::string> args = {"export", "ac"};
  args.insert(args.end(), types.begin(), types.end());
  args.insert(args.end(), {"-o", home / "out/", "--jobs", "4", "--page-size", "20"});
  auto result = run_crmexport(home, args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  for (const auto& type : types)
    CHECK(lines_of(read_file(home / "out/" + type + ".ndjson")) == server.dataset("activecampaign", type));
  CHECK(stat(server, "throttled") == 0);
  // 100 records in pages of 20: 5 pages a type, and the connection's check when it was added.
  CHECK(stat(server, "total") == 4 * 5 + 1);
}
