// Several hosts sharing one PostgreSQL: two, then four crmexport processes run the same
// `sync --all` line at once against one credential store and one mirror in PostgreSQL and one
// crm-fake serving forty accounts. Each round syncs every connection exactly once (the others skip
// it: held by another process, or finished by one since the round began), every mirror equals its
// account's dataset, and Keap's single-use refresh tokens (one-second access tokens) survive every
// process refreshing them (docs/SCALE.md).
#include <rapidjson/document.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "lib/mirror/schema.hpp"
#include "providers/registry.hpp"
#include "support/fake_server.hpp"
#include "support/mirror_db.hpp"
#include "support/postgres.hpp"

using namespace crmexport::testing;

namespace {

constexpr int k_connections = 40;
const std::string k_store_key(64, 'e');  // hex of 32 bytes: a PostgreSQL store refuses secrets without one

struct Account {
  std::string connection;
  std::string provider;
  int index;  // the fake's account
  bool oauth = false;
};

// Forty connections over the four providers; every other Keap one with OAuth.
std::vector<Account> accounts() {
  static const char* providers[] = {"pipedrive", "hubspot", "activecampaign", "keap"};
  std::vector<Account> all;
  for (int i = 0; i < k_connections; ++i) {
    std::string provider = providers[i % 4];
    all.push_back({"c" + std::to_string(i), provider, i, provider == "keap" && i % 8 == 3});
  }
  return all;
}

std::string suffix(int index) { return index == 0 ? "" : "-" + std::to_string(index); }

struct Hosts {
  FakeServer server{{"--records", "6", "--accounts", std::to_string(k_connections), "--access-ttl", "1",
                     "--latency-ms", "30"}};
  TempDir scratch;
  MirrorDb mirror{Backend::postgres};
  std::string store = test_cluster().create_database("store");

  std::vector<std::string> argv(std::vector<std::string> args) const {
    args.insert(args.begin(), {CRMEXPORT_BIN, "--store", store});
    return args;
  }

  void add(const Account& account) const {
    const auto base = server.account_url(account.index) + "/" + account.provider;
    RunOptions options;
    options.env["CRMEXPORT_STORE_KEY"] = k_store_key;
    std::vector<std::string> args = {"auth", "add", account.provider, "--name", account.connection,
                                     "--base-url", base};
    if (account.oauth) {
      options.stdin_text = R"({"client_id":"fake-client)" + suffix(account.index) +
                           R"(","client_secret":"fake-secret)" + suffix(account.index) +
                           R"(","refresh_token":"fake-refresh)" + suffix(account.index) + "\"}";
      args.insert(args.end(), {"--oauth", "--token-url", base + "/token", "--no-verify"});
    } else {
      options.stdin_text = "fake-token" + suffix(account.index) + "\n";
      args.insert(args.end(), {"--token-stdin", "--no-verify"});
    }
    auto added = run(argv(args), options);
    INFO(account.connection << ": " << added.err);
    REQUIRE(added.exit_code == 0);
  }
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  INFO(text);
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

// Runs `processes` copies of the same cron line at once; each one's --json summary.
std::vector<rapidjson::Document> round_of(const Hosts& hosts, int processes) {
  // The mirror keeps times in seconds: a round starts in a later second than the last one ended.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  setenv("CRMEXPORT_STORE_KEY", k_store_key.c_str(), 1);  // spawned children inherit it
  std::vector<int> pids;
  for (int p = 0; p < processes; ++p)
    pids.push_back(spawn(hosts.argv({"sync", "--all", "--db", hosts.mirror.location(), "--json", "--jobs", "2",
                                     "--connections-in-parallel", "6"}),
                         hosts.scratch / ("out" + std::to_string(p)), hosts.scratch / ("err" + std::to_string(p))));
  std::vector<rapidjson::Document> summaries;
  for (int p = 0; p < processes; ++p) {
    const int code = wait_for_exit(pids[p]);
    INFO("process " << p << ": " << read_file(hosts.scratch / ("err" + std::to_string(p))));
    REQUIRE(code == 0);
    summaries.push_back(parse(read_file(hosts.scratch / ("out" + std::to_string(p)))));
  }
  unsetenv("CRMEXPORT_STORE_KEY");
  return summaries;
}

// Each connection synced by exactly one process, skipped by every other, each type in `mode`.
void check_once_each(const std::vector<rapidjson::Document>& summaries, const std::string& mode) {
  for (const auto& account : accounts()) {
    INFO(account.connection);
    int synced = 0, skipped = 0;
    for (const auto& summary : summaries) {
      const auto& c = summary["connections"][account.connection.c_str()];
      const std::string status = c["status"].GetString();
      if (status == "skipped") ++skipped;
      if (status != "synced") continue;
      ++synced;
      for (const auto& type : c["types"].GetObject()) {
        INFO(type.name.GetString());
        CHECK(std::string(type.value["status"].GetString()) == "synced");
        const auto* spec = crmexport::providers::find(account.provider)->default_version().type(
            type.name.GetString());
        REQUIRE(spec);
        CHECK(std::string(type.value["mode"].GetString()) == (spec->since ? mode : "full"));
      }
    }
    CHECK(synced == 1);
    CHECK(skipped == static_cast<int>(summaries.size()) - 1);
  }
}

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::ranges::sort(lines);
  return lines;
}

void check_mirrors(const Hosts& hosts) {
  for (const auto& account : accounts())
    for (const auto& type : crmexport::providers::find(account.provider)->default_version().types) {
      INFO(account.connection << " " << type.name);
      std::vector<std::string> mirrored;
      for (const auto& row : hosts.mirror.rows(crmexport::mirror::table_name(account.provider, type.name),
                                               account.connection))
        if (!row.deleted) mirrored.push_back(row.record);
      CHECK(sorted(mirrored) == sorted(hosts.server.account_dataset(account.index, account.provider, type.name)));
    }
}

}  // namespace

TEST_CASE("two then four processes sync --all into one PostgreSQL: each connection once per round, none lost",
          "[e2e][many][postgres]") {
  Hosts hosts;
  for (const auto& account : accounts()) hosts.add(account);

  auto two = round_of(hosts, 2);
  check_once_each(two, "full");
  check_mirrors(hosts);

  // Every Keap OAuth connection renewed its one-second token in the first round (in whichever
  // process synced it); the second round renews again from the token that one saved.
  auto four = round_of(hosts, 4);
  check_once_each(four, "incremental");
  check_mirrors(hosts);
}
