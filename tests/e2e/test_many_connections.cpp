// Many connections in one run: `sync --all`, `sync CONN1 CONN2`, `export --all`, against one
// crm-fake serving twelve accounts (--accounts), each connection compared with its own account's
// dataset record by record. One connection holds a wrong token: it fails alone, with its own exit
// code in the summary, and the run exits 6 (docs/USAGE.md, "Many connections").
#include <SQLiteCpp/SQLiteCpp.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "lib/mirror/schema.hpp"
#include "providers/registry.hpp"
#include "support/fake_server.hpp"

using namespace crmexport::testing;

namespace {

struct Account {
  std::string connection;
  std::string provider;
  int index;  // the fake's account
  bool oauth = false;
  bool bad_token = false;
};

// Four providers, Keap both with OAuth (refreshed every second: --access-ttl 1) and an API key.
const std::vector<Account> k_accounts = {
    {"pd0", "pipedrive", 0},        {"pd1", "pipedrive", 1},      {"pd2", "pipedrive", 2, false, true},
    {"hs3", "hubspot", 3},          {"hs4", "hubspot", 4},        {"ac5", "activecampaign", 5},
    {"ac6", "activecampaign", 6},   {"kp7", "keap", 7, true},     {"kp8", "keap", 8, true},
    {"kp9", "keap", 9, true},       {"kt10", "keap", 10},         {"pd11", "pipedrive", 11},
};

std::string suffix(int index) { return index == 0 ? "" : "-" + std::to_string(index); }

void add(const TempDir& home, const FakeServer& server, const Account& account) {
  const auto base = server.account_url(account.index) + "/" + account.provider;
  RunOptions options;
  std::vector<std::string> args = {"auth", "add", account.provider, "--name", account.connection, "--base-url", base};
  if (account.oauth) {
    options.stdin_text = R"({"client_id":"fake-client)" + suffix(account.index) + R"(","client_secret":"fake-secret)" +
                         suffix(account.index) + R"(","refresh_token":"fake-refresh)" + suffix(account.index) + "\"}";
    args.insert(args.end(), {"--oauth", "--token-url", base + "/token"});
  } else {
    options.stdin_text = (account.bad_token ? "wrong-token" : "fake-token" + suffix(account.index)) + "\n";
    args.push_back("--token-stdin");
    if (account.bad_token) args.push_back("--no-verify");
  }
  auto added = run_crmexport(home, args, options);
  INFO(account.connection << ": " << added.err);
  REQUIRE(added.exit_code == 0);
}

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::ranges::sort(lines);
  return lines;
}

std::vector<std::string> mirrored(const std::string& db, const Account& account, const std::string& type) {
  SQLite::Database database(db, SQLite::OPEN_READONLY);
  SQLite::Statement query(database, "SELECT record FROM \"" + crmexport::mirror::table_name(account.provider, type) +
                                        "\" WHERE connection = ? AND deleted_at IS NULL");
  query.bind(1, account.connection);
  std::vector<std::string> rows;
  while (query.executeStep()) rows.push_back(query.getColumn(0).getString());
  return rows;
}

const std::vector<crmexport::providers::TypeSpec>& types_of(const Account& account) {
  return crmexport::providers::find(account.provider)->default_version().types;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

long token_requests(const FakeServer& server, int index) {
  auto stats = parse(server.account_stats(index));
  const auto& requests = stats["requests"];
  return requests.HasMember("/keap/token") ? requests["/keap/token"].GetInt64() : 0;
}

// Every healthy connection's mirror equals its account's dataset; the bad one has no rows.
void check_mirrors(const FakeServer& server, const std::string& db) {
  for (const auto& account : k_accounts)
    for (const auto& type : types_of(account)) {
      INFO(account.connection << " " << type.name);
      auto expected = account.bad_token ? std::vector<std::string>{}
                                        : server.account_dataset(account.index, account.provider, type.name);
      CHECK(sorted(mirrored(db, account, type.name)) == sorted(expected));
    }
}

// The run's summary for the bad connection and the others, as --json and stderr say it.
void check_summary(const RunResult& result, const std::string& db, bool incremental) {
  INFO(untimed(result.err));
  CHECK(result.exit_code == 7);
  CHECK_THAT(untimed(result.err),
             Catch::Contains("error: 1 of 12 connections failed (pd2); the other 11 are synced"));
  // The closing line: every type of the eleven healthy connections synced, pd2's eight not.
  long types = 0;
  for (const auto& account : k_accounts)
    if (!account.bad_token) types += static_cast<long>(types_of(account).size());
  const std::regex closing("crmexport: 12 connections: 11 synced, 1 failed \\(pd2\\); types: " + std::to_string(types) +
                           " synced, 8 not finished; \\d+ records, \\d+ requests in \\d+s; synced nothing: pd2\n");
  CHECK(std::regex_search(untimed(result.err), closing));
  CHECK_THAT(untimed(result.err), Catch::Contains("error: pd2/"));
  CHECK_THAT(untimed(result.err), Catch::Contains("answered HTTP 401: unauthorized access"));
  CHECK_THAT(untimed(result.err), Catch::Contains("re-authenticate with `crmexport auth add pipedrive --name pd2 "
                                                  "--force --token-stdin` (exit 3)\n"));
  auto summary = parse(result.out);
  CHECK(std::string(summary["db"].GetString()) == db);
  CHECK(summary["exit_code"].GetInt() == 7);
  const auto& connections = summary["connections"];
  REQUIRE(connections.MemberCount() == k_accounts.size());
  for (const auto& account : k_accounts) {
    INFO(account.connection);
    const auto& c = connections[account.connection.c_str()];
    CHECK(std::string(c["provider"].GetString()) == account.provider);
    CHECK(std::string(c["status"].GetString()) == (account.bad_token ? "failed" : "synced"));
    CHECK(c["exit_code"].GetInt() == (account.bad_token ? 3 : 0));
    if (account.bad_token) continue;
    REQUIRE(c["types"].MemberCount() == types_of(account).size());
    for (const auto& type : types_of(account)) {
      INFO(type.name);
      const auto& t = c["types"][type.name.c_str()];
      CHECK(std::string(t["status"].GetString()) == "synced");
      CHECK(std::string(t["mode"].GetString()) == (incremental && type.since ? "incremental" : "full"));
    }
  }
}

}  // namespace

TEST_CASE("sync --all: twelve connections of four providers, each equal to its account, one bad token reported",
          "[e2e][many]") {
  // Small pages, two types at a time and some latency make each Keap OAuth sync last about two
  // seconds, past its one-second tokens; all twelve connections at once keep the test short.
  FakeServer server({"--records", "8", "--accounts", "12", "--access-ttl", "1", "--latency-ms", "150"});
  TempDir home;
  for (const auto& account : k_accounts) add(home, server, account);
  std::map<int, long> tokens_before;
  for (int keap : {7, 8, 9}) tokens_before[keap] = token_requests(server, keap);
  const auto db = home / "mirror.db";
  const std::vector<std::string> sync = {"sync", "--all", "--db", db, "--json",
                                         "--page-size", "3", "--jobs", "2", "--connections-in-parallel", "12"};

  auto first = run_crmexport(home, sync);
  check_summary(first, db, false);
  check_mirrors(server, db);
  for (int keap : {7, 8, 9}) {
    INFO("account " << keap);
    // The first access token, then at least one refresh in the middle of the run.
    CHECK(token_requests(server, keap) - tokens_before[keap] >= 2);
  }

  // Every account changes nothing; the second run reads each filtered type from its high-water
  // mark, and every Keap connection's rotated refresh token still works.
  auto second = run_crmexport(home, sync);
  check_summary(second, db, true);
  check_mirrors(server, db);
}

TEST_CASE("sync CONN1 CONN2 syncs those two, and an unknown name gets did-you-mean and exit 2", "[e2e][many]") {
  FakeServer server({"--records", "12", "--accounts", "5"});
  TempDir home;
  for (const auto& account : k_accounts)
    if (account.index < 5 && !account.bad_token) add(home, server, account);
  const auto db = home / "mirror.db";

  auto two = run_crmexport(home, {"sync", "pd1", "hs4", "--db", db, "--json"});
  INFO(two.err);
  REQUIRE(two.exit_code == 0);
  auto summary = parse(two.out);
  CHECK(summary["exit_code"].GetInt() == 0);
  REQUIRE(summary["connections"].MemberCount() == 2);
  for (const auto& account : k_accounts) {
    if (account.connection != "pd1" && account.connection != "hs4") continue;
    for (const auto& type : types_of(account)) {
      INFO(account.connection << " " << type.name);
      CHECK(sorted(mirrored(db, account, type.name)) ==
            sorted(server.account_dataset(account.index, account.provider, type.name)));
    }
  }
  CHECK(mirrored(db, k_accounts[0], "persons").empty());  // pd0 was not named

  // Types after the connections apply to those whose provider has them; the others are reported.
  auto typed = run_crmexport(home, {"sync", "pd0", "hs3", "deals", "contacts", "--db", db, "--json"});
  INFO(typed.err);
  REQUIRE(typed.exit_code == 0);
  CHECK_THAT(untimed(typed.err), Catch::Contains("pd0: Pipedrive has no contacts (left out)\n"));
  auto typed_summary = parse(typed.out);
  const auto& pd0 = typed_summary["connections"]["pd0"];
  CHECK(pd0["types"].MemberCount() == 1);
  CHECK(pd0["types"].HasMember("deals"));
  REQUIRE(pd0["absent_types"].Size() == 1);
  CHECK(std::string(pd0["absent_types"][0].GetString()) == "contacts");
  CHECK(typed_summary["connections"]["hs3"]["types"].MemberCount() == 2);
  CHECK(sorted(mirrored(db, k_accounts[0], "deals")) == sorted(server.account_dataset(0, "pipedrive", "deals")));
  CHECK(mirrored(db, k_accounts[0], "persons").empty());
  CHECK(sorted(mirrored(db, k_accounts[3], "contacts")) ==
        sorted(server.account_dataset(3, "hubspot", "contacts")));

  auto typo = run_crmexport(home, {"sync", "pd1", "hs44", "--db", db});
  CHECK(typo.exit_code == 2);
  CHECK(untimed(typo.err) ==
        "crmexport: error: no connection or type named 'hs44': did you mean 'hs4'?; connections come first "
        "(`crmexport auth list` lists them), then types: activities, deals, notes, organizations, persons, "
        "pipelines, stages, users\n");
  auto first_typo = run_crmexport(home, {"sync", "pd9", "hs4", "--db", db});
  CHECK(first_typo.exit_code == 2);
  CHECK_THAT(untimed(first_typo.err), Catch::Contains("no connection or provider named 'pd9'"));
}

TEST_CASE("export --all writes DIR/CONNECTION/TYPE.ndjson equal to each account, and types no provider has are refused",
          "[e2e][many]") {
  FakeServer server({"--records", "12", "--accounts", "12", "--access-ttl", "1"});
  TempDir home;
  for (const auto& account : k_accounts) add(home, server, account);
  const auto out = home / "out/";

  // contacts: HubSpot, ActiveCampaign, Keap; deals: Pipedrive, HubSpot, ActiveCampaign.
  auto exported = run_crmexport(home, {"export", "--all", "contacts", "deals", "-o", out});
  INFO(untimed(exported.err));
  CHECK(exported.exit_code == 7);
  CHECK_THAT(untimed(exported.err),
             Catch::Contains("error: 1 of 12 connections failed (pd2); the other 11 are written"));
  // Every line names its connection; the closing line counts what the accounts hold.
  long written = 0, records = 0, left_out = 0;
  for (const auto& account : k_accounts)
    for (const std::string type : {"contacts", "deals"}) {
      const bool has = std::ranges::any_of(types_of(account), [&](const auto& t) { return t.name == type; });
      left_out += has ? 0 : 1;
      if (!has || account.bad_token) continue;
      ++written;
      const auto dataset = server.account_dataset(account.index, account.provider, type);
      records += static_cast<long>(dataset.size());
      CHECK_THAT(untimed(exported.err), Catch::Contains(fmt::format("crmexport: {}/{}: {} records in ", account.connection,
                                                                    type, dataset.size())));
    }
  CHECK_THAT(untimed(exported.err), Catch::Contains("crmexport: error: pd2/deals: pipedrive rejected the credentials"));
  const std::regex closing(fmt::format("crmexport: 12 connections: 11 written, 1 failed \\(pd2\\); types: {} written, 1 "
                                       "not finished, {} left out; {} records, \\d+ requests in \\d+s; wrote nothing: "
                                       "pd2\n",
                                       written, left_out, records));
  CHECK(std::regex_search(untimed(exported.err), closing));
  CHECK_THAT(untimed(exported.err), Catch::Contains("pd0: Pipedrive has no contacts (left out)"));
  CHECK_THAT(untimed(exported.err), Catch::Contains("kp7: Keap has no deals (left out)"));
  for (const auto& account : k_accounts) {
    for (const std::string type : {"contacts", "deals"}) {
      INFO(account.connection << " " << type);
      const auto path = out + account.connection + "/" + type + ".ndjson";
      const bool has = std::ranges::any_of(types_of(account), [&](const auto& t) { return t.name == type; });
      if (!has || account.bad_token) {
        CHECK_FALSE(std::filesystem::exists(path));
        continue;
      }
      REQUIRE(std::filesystem::exists(path));
      CHECK(lines_of(read_file(path)) == server.account_dataset(account.index, account.provider, type));
    }
  }

  auto typo = run_crmexport(home, {"export", "--all", "contatcs", "-o", home / "typo/"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(untimed(typo.err), Catch::Contains("no connection's provider has a type 'contatcs': did you mean "
                                                "'contacts'?"));
  auto no_dir = run_crmexport(home, {"export", "--all", "contacts", "-o", home / "file.ndjson"});
  CHECK(no_dir.exit_code == 2);
  CHECK_THAT(untimed(no_dir.err), Catch::Contains("give -o DIR/"));
}
