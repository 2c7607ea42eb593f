// The mirror layer: schema, upserts with their counts, the run state saved with each page,
// deletion sweeps after a complete full pass, and the one-sync-at-a-time lock.
#include <catch2/catch.hpp>
#include <filesystem>

#include <SQLiteCpp/Statement.h>

#include "lib/mirror/mirror.hpp"
#include "lib/mirror/schema.hpp"
#include "support/process.hpp"

using namespace crmexport;
using crmexport::testing::TempDir;

namespace {

mirror::Record rec(std::int64_t id, std::string json, std::string updated = "2024-01-01T00:00:00Z") {
  return mirror::Record{id, std::move(updated), std::move(json)};
}

TimePoint at(const char* text) { return *parse_time(text, TimePoint{}); }

std::vector<std::string> live_rows(mirror::Mirror& m, const std::string& connection) {
  SQLite::Statement q(m.database(),
                      "SELECT id || '=' || record FROM pipedrive_persons WHERE connection = ? AND deleted_at IS NULL "
                      "ORDER BY id");
  q.bind(1, connection);
  std::vector<std::string> rows;
  while (q.executeStep()) rows.push_back(q.getColumn(0).getString());
  return rows;
}

}  // namespace

TEST_CASE("a new mirror has the latest schema, in WAL mode", "[mirror]") {
  TempDir dir;
  auto m = mirror::Mirror::open(dir / "m.db");
  REQUIRE(m);
  CHECK(m->database().execAndGet("PRAGMA user_version").getInt() == mirror::latest_schema_version());
  CHECK(m->database().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(mirror::table_name("pipedrive", "persons") == "pipedrive_persons");
  CHECK(mirror::table_name("hubspot", "0-3") == "hubspot_0_3");
}

TEST_CASE("a database from a newer crmexport is refused", "[mirror]") {
  TempDir dir;
  { REQUIRE(mirror::Mirror::open(dir / "m.db")); }
  {
    SQLite::Database db(dir / "m.db", SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 99");
  }
  auto m = mirror::Mirror::open(dir / "m.db");
  REQUIRE(!m);
  CHECK(m.error().message.find("newer") != std::string::npos);
}

TEST_CASE("pages upsert records and save the run's position with them", "[mirror]") {
  TempDir dir;
  auto m = mirror::Mirror::open(dir / "m.db");
  REQUIRE(m);
  auto state = m->load("pd", "pipedrive", "persons", "v2");
  REQUIRE(state);
  CHECK(!state->run_mode);
  REQUIRE(m->start_run(*state, mirror::RunMode::full, std::nullopt));

  std::vector<mirror::Record> page1{rec(1, R"({"id":1,"n":"a"})"), rec(2, R"({"id":2,"n":"b"})")};
  auto counts = m->save_page(*state, page1, "cursor-2", at("2024-05-01T00:00:00Z"));
  REQUIRE(counts);
  CHECK(counts->inserted == 2);
  CHECK(counts->updated == 0);

  // A second process (here: a second load) sees the run unfinished at the saved position.
  auto seen = m->load("pd", "pipedrive", "persons", "v2");
  REQUIRE(seen);
  REQUIRE(seen->run_mode == mirror::RunMode::full);
  CHECK(seen->run_position == "cursor-2");
  CHECK(seen->run_id == state->run_id);
  CHECK(seen->run_high_water == at("2024-05-01T00:00:00Z"));

  std::vector<mirror::Record> page2{rec(2, R"({"id":2,"n":"B"})"), rec(3, R"({"id":3})")};
  counts = m->save_page(*state, page2, "cursor-2", at("2024-04-01T00:00:00Z"));
  REQUIRE(counts);
  CHECK(counts->inserted == 1);
  CHECK(counts->updated == 1);
  CHECK(live_rows(*m, "pd") ==
        std::vector<std::string>{R"(1={"id":1,"n":"a"})", R"(2={"id":2,"n":"B"})", R"(3={"id":3})"});

  REQUIRE(m->finish_run(*state, true));
  auto done = m->load("pd", "pipedrive", "persons", "v2");
  REQUIRE(done);
  CHECK(!done->run_mode);
  CHECK(done->high_water == at("2024-05-01T00:00:00Z"));  // the newest seen, not the last page's
}

TEST_CASE("only a complete full pass marks what it did not see as deleted", "[mirror]") {
  TempDir dir;
  auto m = mirror::Mirror::open(dir / "m.db");
  REQUIRE(m);
  auto state = m->load("pd", "pipedrive", "persons", "v2");
  REQUIRE(state);
  REQUIRE(m->start_run(*state, mirror::RunMode::full, std::nullopt));
  std::vector<mirror::Record> all{rec(1, "{}"), rec(2, "{}"), rec(3, "{}")};
  REQUIRE(m->save_page(*state, all, "", std::nullopt));
  REQUIRE(*m->finish_run(*state, true) == 0);

  // An incremental run sees only record 1: nothing is swept.
  REQUIRE(m->start_run(*state, mirror::RunMode::incremental, at("2024-01-01T00:00:00Z")));
  std::vector<mirror::Record> one{rec(1, "{}")};
  REQUIRE(m->save_page(*state, one, "", std::nullopt));
  REQUIRE(*m->finish_run(*state, false) == 0);
  CHECK(live_rows(*m, "pd").size() == 3);

  // A full pass over two pages, "killed" after the first and resumed: 2 is gone upstream.
  REQUIRE(m->start_run(*state, mirror::RunMode::full, std::nullopt));
  std::vector<mirror::Record> first{rec(1, "{}")};
  REQUIRE(m->save_page(*state, first, "p2", std::nullopt));
  auto resumed = m->load("pd", "pipedrive", "persons", "v2");
  REQUIRE(resumed);
  REQUIRE(resumed->run_position == "p2");
  std::vector<mirror::Record> second{rec(3, "{}")};
  REQUIRE(m->save_page(*resumed, second, "p2", std::nullopt));
  REQUIRE(*m->finish_run(*resumed, true) == 1);
  CHECK(live_rows(*m, "pd") == std::vector<std::string>{"1={}", "3={}"});

  // A record that comes back is live again, and counts as updated.
  REQUIRE(m->start_run(*resumed, mirror::RunMode::incremental, std::nullopt));
  std::vector<mirror::Record> back{rec(2, "{}")};
  auto counts = m->save_page(*resumed, back, "", std::nullopt);
  REQUIRE(counts);
  CHECK(counts->updated == 1);
  CHECK(live_rows(*m, "pd").size() == 3);
}

TEST_CASE("connections share a type table without touching each other's rows", "[mirror]") {
  TempDir dir;
  auto m = mirror::Mirror::open(dir / "m.db");
  REQUIRE(m);
  auto a = m->load("a", "pipedrive", "persons", "v2");
  auto b = m->load("b", "pipedrive", "persons", "v2");
  REQUIRE((a && b));
  REQUIRE(m->start_run(*a, mirror::RunMode::full, std::nullopt));
  REQUIRE(m->start_run(*b, mirror::RunMode::full, std::nullopt));
  std::vector<mirror::Record> ra{rec(1, R"({"from":"a"})")};
  std::vector<mirror::Record> rb{rec(1, R"({"from":"b"})"), rec(2, "{}")};
  REQUIRE(m->save_page(*a, ra, "", std::nullopt));
  REQUIRE(m->save_page(*b, rb, "", std::nullopt));
  REQUIRE(*m->finish_run(*a, true) == 0);  // b's record 2 is not a's to sweep
  CHECK(live_rows(*m, "a") == std::vector<std::string>{R"(1={"from":"a"})"});
  CHECK(live_rows(*m, "b").size() == 2);
}

TEST_CASE("string ids are kept as strings, and marked deleted by id", "[mirror]") {
  TempDir dir;
  auto m = mirror::Mirror::open(dir / "m.db");
  REQUIRE(m);
  auto state = m->load("hs", "pipedrive", "persons", "v2");
  REQUIRE(state);
  REQUIRE(m->start_run(*state, mirror::RunMode::full, std::nullopt));
  std::vector<mirror::Record> records{mirror::Record{std::string("0042"), std::nullopt, "{}"}};
  REQUIRE(m->save_page(*state, records, "", std::nullopt));
  CHECK(m->database().execAndGet("SELECT typeof(id) || ':' || id FROM pipedrive_persons").getString() == "text:0042");
  std::vector<mirror::RecordId> gone{std::string("0042")};
  CHECK(*m->mark_deleted(*state, gone) == 1);
  CHECK(*m->mark_deleted(*state, gone) == 0);
}

TEST_CASE("a second sync on the same database is refused until the first ends", "[mirror]") {
  TempDir dir;
  auto first = mirror::Mirror::open(dir / "m.db");
  REQUIRE(first);
  auto second = mirror::Mirror::open(dir / "m.db");
  REQUIRE(!second);
  CHECK(second.error().kind == ErrorKind::runtime);
  CHECK(second.error().message.find("another crmexport sync is using") != std::string::npos);
  first = std::unexpected(Error{});  // closes the first, dropping its lock
  CHECK(mirror::Mirror::open(dir / "m.db"));
}

TEST_CASE("the high-water mark never passes the start of the run that reached it", "[mirror]") {
  TempDir dir;
  auto m = mirror::Mirror::open(dir / "m.db");
  REQUIRE(m);
  auto state = m->load("pd", "pipedrive", "persons", "v2");
  REQUIRE(state);
  auto before = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  REQUIRE(m->start_run(*state, mirror::RunMode::incremental, std::nullopt));
  std::vector<mirror::Record> records{rec(1, "{}", "2099-01-01T00:00:00Z")};
  REQUIRE(m->save_page(*state, records, "", at("2099-01-01T00:00:00Z")));
  REQUIRE(m->finish_run(*state, false));
  auto after = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  REQUIRE(state->high_water);
  CHECK(*state->high_water >= before);
  CHECK(*state->high_water <= after);
}

TEST_CASE("a new mirror file is readable by its owner only", "[mirror]") {
  TempDir dir;
  REQUIRE(mirror::Mirror::open(dir / "m.db"));
  CHECK((std::filesystem::status(dir / "m.db").permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}
