// `crmexport sync` against crm-fake's Pipedrive, into SQLite and into PostgreSQL (each scenario is
// one function run as two test cases): the mirror matches the dataset after a first sync, after
// changes made through the fake's admin endpoint, after kill -9 at random moments. A second sync
// on the same SQLite file is refused; in PostgreSQL, a second sync of the same connection.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>
#include <SQLiteCpp/Statement.h>
#include <rapidjson/document.h>

#include "lib/http/curl_transport.hpp"
#include "support/fake_server.hpp"
#include "support/mirror_db.hpp"

using namespace crmexport::testing;

namespace {

const std::vector<std::string> k_types = {"persons",   "organizations", "deals", "activities",
                                          "pipelines", "stages",        "notes", "users"};
// Types whose API has a change filter (FACTS, Pipedrive §5): read incrementally.
const std::vector<std::string> k_filtered = {"persons", "organizations", "deals", "activities", "notes"};

std::string api_path(const std::string& type) {
  return (type == "notes" || type == "users") ? "/pipedrive/api/v1/" + type : "/pipedrive/api/v2/" + type;
}

std::string post(const std::string& url, const std::string& body = "") {
  crmexport::http::CurlTransport transport;
  auto response = transport.send(crmexport::http::Request{"POST", url, {}, body});
  REQUIRE(response);
  INFO(url << " -> " << response->body);
  REQUIRE(response->status == 200);
  return response->body;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE(!doc.HasParseError());
  return doc;
}

struct Rows {
  std::vector<std::string> live;  // records, id order
  std::vector<long> deleted;      // ids marked deleted
  long total = 0;
};

Rows rows(const MirrorDb& db, const std::string& type, const std::string& connection = "pd") {
  Rows r;
  for (auto& row : db.rows("pipedrive_" + type, connection)) {
    ++r.total;
    if (!row.deleted)
      r.live.push_back(std::move(row.record));
    else
      r.deleted.push_back(std::stol(row.id));
  }
  return r;
}

std::map<std::string, long> requests_by_path(const FakeServer& server) {
  auto doc = parse(server.stats());
  std::map<std::string, long> out;
  for (const auto& m : doc["requests"].GetObject()) out[m.name.GetString()] = m.value.GetInt64();
  return out;
}

// Starts crmexport without waiting; stdout and stderr are dropped.
pid_t spawn_crmexport(const TempDir& home, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {CRMEXPORT_BIN, "--store", home / "store.db", "-q"};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Setup {
  FakeServer server;
  TempDir home;
  MirrorDb mirror;
  explicit Setup(std::vector<std::string> flags, Backend backend = Backend::sqlite)
      : server(std::move(flags)), mirror(backend) {
    REQUIRE(add_connection(home, server, "pipedrive", "pd").exit_code == 0);
  }
  const std::string& db() const { return mirror.location(); }
  RunResult sync(std::vector<std::string> args = {}, const std::string& connection = "pd") {
    std::vector<std::string> all = {"-q", "sync", connection, "--db", db()};
    all.insert(all.end(), args.begin(), args.end());
    return run_crmexport(home, all);
  }
  // The fake's dataset as it is now, mutations included.
  std::vector<std::string> dataset_now(const std::string& type) {
    TempDir dump;
    post(server.url() + "/_admin/pipedrive/dump", dump.path());
    return lines_of(read_file(dump / ("pipedrive/" + type + ".ndjson")));
  }
};

void require_mirror_matches(const MirrorDb& db,
                            const std::function<std::vector<std::string>(const std::string&)>& truth) {
  for (const auto& type : k_types) {
    INFO(type);
    auto r = rows(db, type);
    auto expected = truth(type);
    CHECK(r.deleted.empty());
    REQUIRE(r.live.size() == expected.size());
    CHECK(r.live == expected);
  }
}

std::string update_time_of(const std::string& record, const std::string& type) {
  auto doc = parse(record);
  return doc[type == "users" ? "modified" : "update_time"].GetString();
}


void first_sync_mirrors_every_type(Backend backend) {
  Setup s({"--records", "700"}, backend);
  auto result = s.sync({"--json"});
  REQUIRE(result.exit_code == 0);
  require_mirror_matches(s.mirror, [&](const std::string& type) { return s.server.dataset("pipedrive", type); });

  auto report = parse(result.out);
  for (const auto& type : k_types) {
    INFO(type);
    const auto& t = report["types"][type.c_str()];
    CHECK(std::string(t["mode"].GetString()) == "full");
    CHECK(t["fetched"].GetInt64() == 700);
    CHECK(t["inserted"].GetInt64() == 700);
    CHECK(t["updated"].GetInt64() == 0);
    CHECK(t["deleted"].GetInt64() == 0);
    CHECK(t["requests"].GetInt64() == 2);  // 500 + 200
  }
  // The record is queryable with the database's JSON functions.
  auto first = parse(s.server.dataset("pipedrive", "persons").front());
  if (backend == Backend::sqlite) {
    CHECK(s.mirror.scalar("SELECT json_extract(record, '$.name') FROM pipedrive_persons WHERE id = 1") ==
          first["name"].GetString());
    CHECK(s.mirror.scalar("PRAGMA journal_mode") == "wal");
  } else {
    CHECK(s.mirror.scalar("SELECT record ->> 'name' FROM pipedrive_persons WHERE id = '1'") ==
          first["name"].GetString());
    CHECK(parse(result.out)["db"].GetString() == s.db());
  }
}

}  // namespace

TEST_CASE("a first sync mirrors every Pipedrive type exactly as the dataset", "[e2e][sync][pipedrive]") {
  first_sync_mirrors_every_type(Backend::sqlite);
}

TEST_CASE("a first sync into PostgreSQL mirrors every Pipedrive type exactly as the dataset",
          "[e2e][sync][pipedrive][postgres]") {
  first_sync_mirrors_every_type(Backend::postgres);
}

namespace {

void second_sync_reads_what_changed(Backend backend) {
  // No burst limit: this counts the requests an incremental run needs, and two syncs in a row
  // from separate processes could otherwise meet in one 2-second window and add a 429's retry.
  Setup s({"--records", "1200", "--burst", "100000"}, backend);
  REQUIRE(s.sync().exit_code == 0);
  const std::string admin = s.server.url() + "/_admin/pipedrive/";

  // Changes to every type: a change-filtered type and a full-read type of each kind.
  post(admin + "persons/5/modify");
  post(admin + "persons/6/delete");
  const long new_person = parse(post(admin + "persons/add"))["id"].GetInt64();
  CHECK(new_person == 1201);
  post(admin + "deals/10/modify");
  post(admin + "deals/11/delete");
  post(admin + "notes/7/modify");
  post(admin + "notes/8/delete");
  post(admin + "pipelines/3/modify");
  post(admin + "pipelines/4/delete");
  post(admin + "stages/add");
  post(admin + "users/7/delete");

  auto before = requests_by_path(s.server);
  auto result = s.sync({"--json"});
  REQUIRE(result.exit_code == 0);
  auto after = requests_by_path(s.server);
  auto report = parse(result.out);

  std::map<std::string, std::vector<std::string>> truth;
  for (const auto& type : k_types) truth[type] = s.dataset_now(type);

  for (const auto& type : k_filtered) {
    INFO(type);
    const auto& t = report["types"][type.c_str()];
    REQUIRE(std::string(t["mode"].GetString()) == "incremental");
    // One request: only records updated since the high-water mark (less the overlap) come back;
    // for deals a second one, for the deleted deals (status=deleted).
    const long requests = type == "deals" ? 2 : 1;
    CHECK(after[api_path(type)] - before[api_path(type)] == requests);
    CHECK(t["requests"].GetInt64() == requests);
    std::string since = t["since"].GetString();                                    // 2025-12-31T10:00:00Z
    if (type == "notes") since = since.substr(0, 10) + " " + since.substr(11, 8);  // v1's form
    long expected_fetched = 0;
    for (const auto& record : truth[type])
      if (update_time_of(record, type) >= since) ++expected_fetched;
    CHECK(t["fetched"].GetInt64() == expected_fetched);
    CHECK(t["fetched"].GetInt64() < 10);
  }
  CHECK(report["types"]["persons"]["inserted"].GetInt64() == 1);
  CHECK(report["types"]["persons"]["updated"].GetInt64() == 1);
  CHECK(report["types"]["deals"]["updated"].GetInt64() == 1);
  CHECK(report["types"]["deals"]["deleted"].GetInt64() == 1);  // from the status=deleted list
  // That list is a phase of its own, named in the summary with its request.
  CHECK(report["types"]["deals"]["phases"]["deletions"]["requests"].GetInt64() == 1);
  CHECK(report["types"]["deals"]["phases"]["field metadata"]["requests"].GetInt64() == 1);
  CHECK(report["types"]["organizations"]["updated"].GetInt64() == 0);
  CHECK(report["types"]["notes"]["updated"].GetInt64() == 1);
  // Full-read types: read again in full, deletions marked at once.
  CHECK(report["types"]["pipelines"]["requests"].GetInt64() == 3);
  CHECK(report["types"]["pipelines"]["updated"].GetInt64() == 1);
  CHECK(report["types"]["pipelines"]["deleted"].GetInt64() == 1);
  CHECK(report["types"]["stages"]["inserted"].GetInt64() == 1);
  CHECK(report["types"]["users"]["deleted"].GetInt64() == 1);

  for (const auto& type : {"organizations", "deals", "activities", "pipelines", "stages", "users"}) {
    INFO(type);
    auto r = rows(s.mirror, type);
    CHECK(r.live == truth[type]);
  }
  CHECK(rows(s.mirror, "pipelines").deleted == std::vector<long>{4});
  CHECK(rows(s.mirror, "deals").deleted == std::vector<long>{11});
  CHECK(rows(s.mirror, "users").deleted == std::vector<long>{7});

  // Pipedrive reports no other deletions (FACTS §5): a deleted person or note stays live until a
  // full pass, which then marks it.
  for (const auto& [type, gone] : std::vector<std::pair<std::string, long>>{{"persons", 6}, {"notes", 8}}) {
    INFO(type);
    auto r = rows(s.mirror, type);
    CHECK(r.deleted.empty());
    CHECK(r.live.size() == truth[type].size() + 1);
  }
  auto full = s.sync({"--full", "--json", "persons", "notes"});
  REQUIRE(full.exit_code == 0);
  auto full_report = parse(full.out);
  CHECK(full_report["types"]["persons"]["deleted"].GetInt64() == 1);
  CHECK(full_report["types"]["notes"]["deleted"].GetInt64() == 1);
  CHECK(rows(s.mirror, "persons").live == truth["persons"]);
  CHECK(rows(s.mirror, "persons").deleted == std::vector<long>{6});
  CHECK(rows(s.mirror, "notes").live == truth["notes"]);
  CHECK(rows(s.mirror, "notes").deleted == std::vector<long>{8});

  // Nothing changed since: every filtered type asks once more and changes nothing.
  auto quiet = parse(s.sync({"--json"}).out);
  for (const auto& type : k_types) {
    INFO(type);
    CHECK(quiet["types"][type.c_str()]["inserted"].GetInt64() == 0);
    CHECK(quiet["types"][type.c_str()]["updated"].GetInt64() == 0);
    CHECK(quiet["types"][type.c_str()]["deleted"].GetInt64() == 0);
  }
}

}  // namespace

TEST_CASE("a second sync reads only what changed, and marks deletions as each type can", "[e2e][sync][pipedrive]") {
  second_sync_reads_what_changed(Backend::sqlite);
}

TEST_CASE("a second sync into PostgreSQL reads only what changed, and marks deletions as each type can",
          "[e2e][sync][pipedrive][postgres]") {
  second_sync_reads_what_changed(Backend::postgres);
}

namespace {

void killed_sync_resumes_to_the_dataset(Backend backend) {
  // One type of each paging kind (v2 cursor with a change filter, v2 cursor without, v1 offset)
  // in pages of 50: 60 pages, so the kills land all over the run. Even rounds start from an empty
  // database; odd rounds kill a --full pass over a complete one, whose resumed sweep must not
  // mark anything deleted.
  // 20 ms an answer: the fake now answers a reused connection at once, and a sync over 45 pages
  // must last long enough for random kills to land inside it.
  Setup s({"--records", "750", "--burst", "100000", "--latency-ms", "20"}, backend);
  const std::vector<std::string> types = {"persons", "pipelines", "notes"};
  auto sync_args = [&](bool full) {
    std::vector<std::string> args = {"sync", "pd"};
    args.insert(args.end(), types.begin(), types.end());
    args.insert(args.end(), {"--db", s.db(), "--page-size", "50"});
    if (full) args.push_back("--full");
    return args;
  };
  auto require_matches = [&] {
    for (const auto& type : types) {
      INFO(type);
      auto r = rows(s.mirror, type);
      CHECK(r.deleted.empty());
      REQUIRE(r.total == 750);  // the primary key rules out duplicates; this rules out gaps
      CHECK(r.live == s.server.dataset("pipedrive", type));
    }
  };

  auto started = std::chrono::steady_clock::now();
  REQUIRE(wait_exit(spawn_crmexport(s.home, sync_args(false))) == 0);
  auto whole = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  require_matches();

  std::random_device device;
  const auto seed = device();
  INFO("seed " << seed << ", an uninterrupted sync takes " << whole.count() << " ms");
  std::mt19937 random(seed);
  std::uniform_int_distribution<long> moment(0, whole.count());
  int resumed_rounds = 0;
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    const bool full = round % 2 == 1;
    if (!full) s.mirror.renew();
    pid_t pid = spawn_crmexport(s.home, sync_args(full));
    std::this_thread::sleep_for(std::chrono::milliseconds(moment(random)));
    kill(pid, SIGKILL);
    wait_exit(pid);
    std::vector<std::string> again = {"-q"};
    auto args = sync_args(false);
    again.insert(again.end(), args.begin(), args.end());
    again.push_back("--json");
    auto result = run_crmexport(s.home, again);
    REQUIRE(result.exit_code == 0);
    require_matches();
    auto report = parse(result.out);
    for (const auto& type : types)
      if (report["types"][type.c_str()]["resumed"].GetBool()) {
        ++resumed_rounds;
        break;
      }
  }
  // The kills did land inside runs (not all before the first page or after the last).
  CHECK(resumed_rounds >= 5);
}

}  // namespace

TEST_CASE("a sync killed at 20 random moments ends, once run again, exactly as the dataset", "[e2e][sync][pipedrive]") {
  killed_sync_resumes_to_the_dataset(Backend::sqlite);
}

TEST_CASE("a sync into PostgreSQL killed at 20 random moments ends, once run again, exactly as the dataset",
          "[e2e][sync][pipedrive][postgres]") {
  killed_sync_resumes_to_the_dataset(Backend::postgres);
}


TEST_CASE("a second sync on the same database is refused and changes nothing", "[e2e][sync][pipedrive]") {
  SECTION("while another crmexport syncs") {
    Setup s({"--records", "300", "--latency-ms", "60", "--burst", "100000"});
    pid_t first = spawn_crmexport(s.home, {"sync", "pd", "persons", "--db", s.db(), "--page-size", "20"});
    for (int i = 0; i < 200 && !std::filesystem::exists(s.db() + "-lock"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto second = s.sync();
    CHECK(second.exit_code == 1);
    CHECK(second.err.find("another crmexport sync is using " + s.db()) != std::string::npos);
    CHECK(second.out.empty());
    REQUIRE(wait_exit(first) == 0);
    CHECK(rows(s.mirror, "persons").live == s.server.dataset("pipedrive", "persons"));
  }
  SECTION("while the lock is held: no request, no byte of the database changes") {
    Setup s({"--records", "50"});
    REQUIRE(s.sync().exit_code == 0);
    auto db_before = read_file(s.db());
    auto requests_before = s.server.stats();
    int fd = ::open((s.db() + "-lock").c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
    auto second = s.sync({"--full"});
    close(fd);
    CHECK(second.exit_code == 1);
    CHECK(second.err.find("another crmexport sync is using") != std::string::npos);
    CHECK(read_file(s.db()) == db_before);
    CHECK(s.server.stats() == requests_before);
  }
}

TEST_CASE("SIGINT and SIGTERM end a sync with 130/143 after a saved page, the next sync resumes to the dataset",
          "[e2e][sync][pipedrive][interrupt]") {
  Setup s({"--records", "600", "--latency-ms", "60", "--burst", "100000"});
  for (const auto& [signal_number, code] : {std::pair{SIGINT, 130}, {SIGTERM, 143}}) {
    INFO(code);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(s.db() + suffix);
    TempDir scratch;
    const auto before = requests_by_path(s.server)["/pipedrive/api/v2/persons"];
    int pid = spawn({CRMEXPORT_BIN, "--store", s.home / "store.db", "-q", "sync", "pd", "persons", "--db", s.db(),
                     "--page-size", "20"},
                    scratch / "out", scratch / "err");
    // Three pages answered: at least two saved.
    for (int i = 0; i < 2000 && requests_by_path(s.server)["/pipedrive/api/v2/persons"] < before + 3; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    kill(pid, signal_number);
    REQUIRE(wait_for_exit(pid) == code);
    CHECK(untimed(read_file(scratch / "err")) ==
          fmt::format("crmexport: error: interrupted by {}; pages already read are saved, and the next sync resumes persons "
                      "from there\n",
                      code == 130 ? "SIGINT" : "SIGTERM"));
    auto saved = rows(s.mirror, "persons");
    CHECK(saved.total >= 40);
    CHECK(saved.total < 600);
    CHECK(saved.total % 20 == 0);  // whole pages: the one in flight was not half-saved

    auto again = s.sync({"persons", "--json"});
    REQUIRE(again.exit_code == 0);
    CHECK(parse(again.out)["types"]["persons"]["resumed"].GetBool());
    auto r = rows(s.mirror, "persons");
    CHECK(r.deleted.empty());
    CHECK(r.live == s.server.dataset("pipedrive", "persons"));
  }
}

namespace {

// Waits (up to 10 s) until `count` advisory locks are held in the mirror's database; false if never.
bool advisory_locks_become(const MirrorDb& db, int count) {
  for (int i = 0; i < 1000; ++i) {
    if (db.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == std::to_string(count))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("PostgreSQL: a second sync of one connection is refused, another connection syncs beside it",
          "[e2e][sync][pipedrive][postgres]") {
  // 15 pages at 150 ms: the first sync holds its claim for over 2 s, so a second process started
  // on a loaded machine (CI runs two tests at once) still finds it held.
  Setup s({"--records", "300", "--latency-ms", "150", "--burst", "100000"}, Backend::postgres);
  REQUIRE(add_connection(s.home, s.server, "pipedrive", "pd2").exit_code == 0);
  auto slow_sync = [&](const std::string& connection) {
    return spawn_crmexport(s.home, {"sync", connection, "persons", "--db", s.db(), "--page-size", "20"});
  };
  pid_t first = slow_sync("pd");
  REQUIRE(advisory_locks_become(s.mirror, 1));
  auto second = s.sync({"persons"});
  CHECK(second.exit_code == 1);
  CHECK(untimed(second.err) == "crmexport: error: another crmexport process is syncing pd into " + s.db() +
                                   "; nothing was changed; run this sync again when it has finished\n");
  CHECK(second.out.empty());
  // Another connection into the same database, at the same time: both claims are held at once.
  pid_t other = slow_sync("pd2");
  CHECK(advisory_locks_become(s.mirror, 2));
  REQUIRE(wait_exit(first) == 0);
  REQUIRE(wait_exit(other) == 0);
  CHECK(advisory_locks_become(s.mirror, 0));
  for (const std::string connection : {"pd", "pd2"}) {
    INFO(connection);
    auto r = rows(s.mirror, "persons", connection);
    CHECK(r.deleted.empty());
    CHECK(r.live == s.server.dataset("pipedrive", "persons"));
  }
}

TEST_CASE("PostgreSQL: kill -9 ends a sync's session and with it the claim, and the next sync resumes",
          "[e2e][sync][pipedrive][postgres]") {
  Setup s({"--records", "300", "--latency-ms", "40", "--burst", "100000"}, Backend::postgres);
  pid_t first = spawn_crmexport(s.home, {"sync", "pd", "persons", "--db", s.db(), "--page-size", "20"});
  REQUIRE(advisory_locks_become(s.mirror, 1));
  auto saved = [&] {
    return s.mirror.scalar("SELECT to_regclass('pipedrive_persons') IS NULL") == "t" ? 0 : rows(s.mirror, "persons").total;
  };
  for (int i = 0; i < 500 && saved() < 40; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(first, SIGKILL);
  wait_exit(first);
  // The server ends the dead client's session on its own: no stale lock to clear by hand.
  REQUIRE(advisory_locks_become(s.mirror, 0));
  auto again = s.sync({"persons", "--json"});
  REQUIRE(again.exit_code == 0);
  CHECK(parse(again.out)["types"]["persons"]["resumed"].GetBool());
  auto r = rows(s.mirror, "persons");
  CHECK(r.deleted.empty());
  CHECK(r.live == s.server.dataset("pipedrive", "persons"));
}
