// The real crmexport against crm-fake's ActiveCampaign: every type compared with the dumped
// dataset, filters and orders checked on the wire and in the output, drift-free contacts while
// records change, the 5 requests/s pace, and the account's credentials.
#include <rapidjson/document.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "lib/core/time.hpp"
#include "lib/http/curl_transport.hpp"
#include "support/fake_server.hpp"

using namespace crmexport::testing;

namespace {

const std::vector<std::string> k_types = {"contacts", "deals", "accounts", "notes", "pipelines", "stages"};

struct Setup {
  FakeServer server;
  TempDir home;
  explicit Setup(std::vector<std::string> flags = {"--records", "250"}) : server(std::move(flags)) {
    auto added = add_connection(home, server, "activecampaign", "ac");
    REQUIRE(added.exit_code == 0);
  }
  RunResult exportt(std::vector<std::string> args) {
    args.insert(args.begin(), {"-q", "export", "ac"});
    return run_crmexport(home, args);
  }
  // An admin endpoint of the fake, e.g. /_activecampaign/requests.
  rapidjson::Document admin(const std::string& path, const std::string& method = "GET") {
    crmexport::http::CurlTransport transport;
    auto response = transport.send(crmexport::http::Request{method, server.url() + path, {}, {}});
    REQUIRE(response);
    rapidjson::Document d;
    d.Parse(response->body.c_str());
    REQUIRE_FALSE(d.HasParseError());
    return d;
  }
};

rapidjson::Document parse(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string field(const std::string& line, const char* name) {
  auto d = parse(line);
  return d[name].IsString() ? d[name].GetString() : "";
}

long long id_of(const std::string& line) { return std::stoll(field(line, "id")); }

}  // namespace

TEST_CASE("every ActiveCampaign type exports exactly as the dataset, side-loads left out", "[e2e][activecampaign]") {
  Setup s;
  for (const auto& type : k_types) {
    INFO(type);
    auto result = s.exportt({type});
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    auto expected = s.server.dataset("activecampaign", type);
    REQUIRE(expected.size() == 250);
    CHECK(lines_of(result.out) == expected);
  }
  // Pages of at most 100 (the cap), even when more is asked: 250 records in 3 requests.
  auto requests = s.admin("/_activecampaign/requests");
  long deals = 0;
  for (const auto& target : requests.GetArray())
    if (std::string(target.GetString()).starts_with("/activecampaign/api/3/deals?")) ++deals;
  CHECK(deals == 3);
  auto capped = run_crmexport(s.home, {"export", "ac", "deals", "--page-size", "500"});
  REQUIRE(capped.exit_code == 0);
  CHECK(lines_of(capped.out) == s.server.dataset("activecampaign", "deals"));
  CHECK_THAT(capped.err, Catch::Contains("above ActiveCampaign's cap; using 100"));
  CHECK(capped.err.find("warning") == std::string::npos);  // meta.total matched what was written
}

TEST_CASE("contacts resume by id: --max-pages then --cursor gives exactly the rest", "[e2e][activecampaign]") {
  Setup s;
  auto first = s.exportt({"contacts", "--page-size", "40", "--max-pages", "2"});
  REQUIRE(first.exit_code == 0);
  auto head = lines_of(first.out);
  REQUIRE(head.size() == 80);
  auto at = first.err.find("--cursor '");
  REQUIRE(at != std::string::npos);
  auto cursor = first.err.substr(at + 10, first.err.find('\'', at + 10) - at - 10);
  CHECK(cursor == "activecampaign.v3.contacts:" + std::to_string(id_of(head.back())));
  auto rest = s.exportt({"contacts", "--page-size", "40", "--cursor", cursor});
  REQUIRE(rest.exit_code == 0);
  auto tail = lines_of(rest.out);
  head.insert(head.end(), tail.begin(), tail.end());
  CHECK(head == s.server.dataset("activecampaign", "contacts"));
}

TEST_CASE(
    "export with filters and orders: both reach the server and the output is the dataset filtered and "
    "sorted the same way",
    "[e2e][activecampaign]") {
  Setup s;
  auto result = s.exportt(
      {"deals", "--filter", "status=1", "--order", "stage:asc", "--order", "value:desc", "--page-size", "30"});
  REQUIRE(result.exit_code == 0);

  std::vector<std::string> expected;
  for (const auto& line : s.server.dataset("activecampaign", "deals"))
    if (field(line, "status") == "1") expected.push_back(line);
  std::stable_sort(expected.begin(), expected.end(), [](const std::string& a, const std::string& b) {
    auto stage_a = std::stoll(field(a, "stage")), stage_b = std::stoll(field(b, "stage"));
    if (stage_a != stage_b) return stage_a < stage_b;
    auto value_a = std::stoll(field(a, "value")), value_b = std::stoll(field(b, "value"));
    if (value_a != value_b) return value_a > value_b;
    return id_of(a) < id_of(b);
  });
  REQUIRE(expected.size() > 30);  // several pages
  REQUIRE(expected.size() < 250);
  CHECK(lines_of(result.out) == expected);

  // On the wire: the filter, then the orders in the order given, on every page.
  auto requests = s.admin("/_activecampaign/requests");
  long pages = 0;
  for (const auto& value : requests.GetArray()) {
    std::string target = value.GetString();
    if (!target.starts_with("/activecampaign/api/3/deals?")) continue;
    ++pages;
    INFO(target);
    auto filter = target.find("filters%5Bstatus%5D=1");
    auto stage = target.find("orders%5Bstage%5D=ASC");
    auto amount = target.find("orders%5Bvalue%5D=DESC");
    CHECK(filter != std::string::npos);
    CHECK(stage != std::string::npos);
    CHECK(amount != std::string::npos);
    CHECK(stage < amount);
  }
  CHECK(pages == static_cast<long>((expected.size() + 29) / 30));

  // Text orders compare the provider's strings; filters combine with --since on contacts.
  auto accounts = s.exportt({"accounts", "--order", "name:desc"});
  REQUIRE(accounts.exit_code == 0);
  auto by_name = s.server.dataset("activecampaign", "accounts");
  std::stable_sort(by_name.begin(), by_name.end(),
                   [](const std::string& a, const std::string& b) { return field(a, "name") > field(b, "name"); });
  CHECK(lines_of(accounts.out) == by_name);
}

TEST_CASE("export since a time sends filters updated_after for contacts and deals, other types export everything",
          "[e2e][activecampaign]") {
  Setup s;
  const std::string since = "2025-06-01T00:00:00Z";
  auto since_time = crmexport::parse_time(since, {}).value();
  for (const auto& [type, updated] :
       std::vector<std::pair<std::string, const char*>>{{"contacts", "udate"}, {"deals", "mdate"}}) {
    INFO(type);
    auto result = s.exportt({type, "--since", since, "--page-size", "25"});
    REQUIRE(result.exit_code == 0);
    std::vector<std::string> expected;
    for (const auto& line : s.server.dataset("activecampaign", type))
      if (crmexport::parse_time(field(line, updated), {}).value() >= since_time) expected.push_back(line);
    REQUIRE_FALSE(expected.empty());
    REQUIRE(expected.size() < 250);
    CHECK(lines_of(result.out) == expected);
  }
  auto requests = s.admin("/_activecampaign/requests");
  std::string last = requests.GetArray()[requests.Size() - 1].GetString();
  CHECK_THAT(last, Catch::Contains("filters%5Bupdated_after%5D=2025-06-01T00%3A00%3A00Z"));

  auto notes = run_crmexport(s.home, {"export", "ac", "notes", "--since", since});
  REQUIRE(notes.exit_code == 0);
  CHECK(lines_of(notes.out) == s.server.dataset("activecampaign", "notes"));
  CHECK_THAT(notes.err, Catch::Contains("no change filter"));
}

TEST_CASE("filter and order usage errors: contacts' fixed order, bad forms, providers without them",
          "[e2e][activecampaign]") {
  Setup s({"--records", "5"});
  auto ordered_contacts = s.exportt({"contacts", "--order", "email:asc"});
  CHECK(ordered_contacts.exit_code == 2);
  CHECK_THAT(ordered_contacts.err, Catch::Contains("--order is not available"));
  auto no_direction = s.exportt({"deals", "--order", "value"});
  CHECK(no_direction.exit_code == 2);
  CHECK_THAT(no_direction.err, Catch::Contains("FIELD:asc or FIELD:desc"));
  auto no_value = s.exportt({"deals", "--filter", "status"});
  CHECK(no_value.exit_code == 2);
  CHECK_THAT(no_value.err, Catch::Contains("FIELD=VALUE"));
  auto twice = s.exportt({"contacts", "--since", "7d", "--filter", "updated_after=2024-01-01"});
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("--since sets filters[updated_after] for contacts already"));
  // The change filter belongs to --since, as with --param.
  auto by_filter = s.exportt({"contacts", "--filter", "updated_after=2024-01-01"});
  CHECK(by_filter.exit_code == 2);
  CHECK_THAT(by_filter.err, Catch::Contains("--since"));
  auto paging = s.exportt({"contacts", "--param", "id_greater=3"});
  CHECK(paging.exit_code == 2);

  REQUIRE(add_connection(s.home, s.server, "pipedrive", "pd").exit_code == 0);
  auto pipedrive = run_crmexport(s.home, {"export", "pd", "deals", "--filter", "status=won"});
  CHECK(pipedrive.exit_code == 2);
  CHECK_THAT(pipedrive.err, Catch::Contains("--param"));
}

TEST_CASE("contacts inserted and deleted during the export: each contact present throughout is exported once",
          "[e2e][activecampaign]") {
  // After every contacts page the fake deletes the lowest id and one from the middle, and adds two.
  Setup s({"--records", "400", "--churn-every", "1"});
  auto initial = s.server.dataset("activecampaign", "contacts");
  auto result = run_crmexport(s.home, {"export", "ac", "contacts", "--page-size", "25"});
  REQUIRE(result.exit_code == 0);
  // The count moved under the export, and crmexport says so.
  CHECK_THAT(result.err, Catch::Contains("contacts: ActiveCampaign reported 400 records when the export began"));

  auto changes = s.admin("/_activecampaign/changes");
  std::set<long long> deleted;
  for (const auto& id : changes["deleted"].GetArray()) deleted.insert(id.GetInt64());
  REQUIRE(deleted.size() >= 20);  // the export really ran while records went away

  std::vector<long long> exported;
  for (const auto& line : lines_of(result.out)) exported.push_back(id_of(line));
  std::set<long long> unique(exported.begin(), exported.end());
  CHECK(unique.size() == exported.size());  // nothing repeated
  long missing = 0;
  for (const auto& line : initial) {
    long long id = id_of(line);
    if (!deleted.contains(id) && !unique.contains(id)) ++missing;
  }
  CHECK(missing == 0);  // nothing that stayed was skipped
  // Records deleted behind the position were exported before they went (the lowest ids).
  CHECK(unique.contains(1));
}

TEST_CASE("600 records at 5 requests a second: paced, never throttled", "[e2e][activecampaign]") {
  Setup s({"--records", "600"});
  // The limit is per account across processes: let auth add's request leave the 1 s window.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto started = std::chrono::steady_clock::now();
  auto result = s.exportt({"contacts", "--page-size", "20"});
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("activecampaign", "contacts"));
  CHECK_THAT(s.server.stats(), Catch::Contains("\"throttled\":0"));
  // 30 requests, 29 gaps of at least 200 ms: about 6 s; generous upper bound for a busy machine.
  CHECK(elapsed >= 5.8);
  CHECK(elapsed < 20.0);
}

TEST_CASE("a 429 from ActiveCampaign is waited out as Retry-After says", "[e2e][activecampaign]") {
  Setup s({"--records", "120", "--inject-429-every", "3"});
  auto started = std::chrono::steady_clock::now();
  auto result = s.exportt({"accounts", "--page-size", "20"});
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE(result.exit_code == 0);
  CHECK(lines_of(result.out) == s.server.dataset("activecampaign", "accounts"));
  CHECK(s.server.stats().find("\"injected\":0") == std::string::npos);
  CHECK(elapsed >= 1.0);  // Retry-After: 1
}

TEST_CASE(
    "auth add activecampaign: bad key exits 3 and stores nothing, bad URL refused, one connection per "
    "account, remove removes",
    "[e2e][activecampaign][auth]") {
  FakeServer server({"--records", "5"});
  TempDir home;
  auto listed = [&] { return run_crmexport(home, {"auth", "list", "--json"}).out; };

  auto bad_key = add_connection(home, server, "activecampaign", "ac", "wrong-key");
  CHECK(bad_key.exit_code == 3);
  CHECK_THAT(bad_key.err, Catch::Contains("Invalid base_url or api_key"));
  CHECK_THAT(bad_key.err, Catch::Contains("nothing stored"));
  CHECK(bad_key.err.find("wrong-key") == std::string::npos);
  CHECK(listed() == "[]\n");

  auto bad_url = run_crmexport(
      home, {"auth", "add", "activecampaign", "--base-url", server.url() + "/not-an-account", "--token-stdin"},
      {{}, "fake-token\n"});
  CHECK(bad_url.exit_code != 0);
  CHECK_THAT(bad_url.err, Catch::Contains("Invalid base_url or api_key"));
  CHECK(listed() == "[]\n");

  auto no_url = run_crmexport(home, {"auth", "add", "activecampaign", "--token-stdin"}, {{}, "fake-token\n"});
  CHECK(no_url.exit_code == 2);
  CHECK_THAT(no_url.err, Catch::Contains("--base-url https://ACCOUNT.api-us1.com"));
  auto plain =
      run_crmexport(home, {"auth", "add", "activecampaign", "--base-url", "http://acme.api-us1.com", "--token-stdin"},
                    {{}, "fake-token\n"});
  CHECK(plain.exit_code == 2);
  CHECK_THAT(plain.err, Catch::Contains("use https"));

  REQUIRE(add_connection(home, server, "activecampaign", "ac").exit_code == 0);
  // The same account under another name (and spelling) is refused; --force adds it anyway.
  auto duplicate = run_crmexport(home,
                                 {"auth", "add", "activecampaign", "--name", "ac2", "--base-url",
                                  server.url() + "/activecampaign/", "--token-stdin"},
                                 {{}, "fake-token\n"});
  CHECK(duplicate.exit_code == 2);
  CHECK_THAT(duplicate.err, Catch::Contains("already holds credentials"));
  CHECK(listed().find("\"ac2\"") == std::string::npos);
  CHECK(add_connection(home, server, "activecampaign", "ac2", "fake-token", {"--force"}).exit_code == 0);
  CHECK(listed().find("\"ac2\"") != std::string::npos);

  CHECK(run_crmexport(home, {"auth", "test", "ac"}).exit_code == 0);
  CHECK(run_crmexport(home, {"auth", "remove", "ac"}).exit_code == 0);
  CHECK(run_crmexport(home, {"auth", "remove", "ac2"}).exit_code == 0);
  CHECK(listed() == "[]\n");
  auto gone = run_crmexport(home, {"export", "activecampaign", "contacts"});
  CHECK(gone.exit_code == 3);
  CHECK_THAT(gone.err, Catch::Contains("crmexport auth add activecampaign"));
}

TEST_CASE("an empty ActiveCampaign account exports no record of any type, without a warning", "[e2e][activecampaign]") {
  Setup s({"--records", "0"});
  for (const auto& type : k_types) {
    INFO(type);
    auto result = run_crmexport(s.home, {"export", "ac", type, "-f", "json"});
    REQUIRE(result.exit_code == 0);
    CHECK(result.out == "[]\n");
    CHECK(result.err.find("warning") == std::string::npos);
  }
}
