// The mirror layer, on both backends (SQLite and PostgreSQL, through the one interface): schema,
// upserts with their counts, the run state saved with each page, deletion sweeps after a complete
// full pass; SQLite's one-sync-at-a-time lock and PostgreSQL's per-connection claim.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <thread>

#include <SQLiteCpp/Statement.h>

#include "lib/mirror/postgres_mirror.hpp"
#include "lib/mirror/postgres_schema.hpp"
#include "lib/mirror/schema.hpp"
#include "lib/mirror/sqlite_mirror.hpp"
#include "support/mirror_db.hpp"
#include "support/postgres.hpp"

using namespace crmexport;
using crmexport::testing::Backend;
using crmexport::testing::MirrorDb;
using crmexport::testing::TempDir;

namespace {

mirror::Record rec(std::int64_t id, std::string json, std::string updated = "2024-01-01T00:00:00Z") {
  return mirror::Record{id, std::move(updated), std::move(json)};
}

TimePoint at(const char* text) { return *parse_time(text, TimePoint{}); }

std::vector<std::string> live_rows(const MirrorDb& db, const std::string& connection) {
  std::vector<std::string> rows;
  for (const auto& row : db.rows("pipedrive_persons", connection))
    if (!row.deleted) rows.push_back(row.id + "=" + row.record);
  return rows;
}

// Each backend in turn (GENERATE): the PostgreSQL cluster starts once per test process.
Backend each_backend() {
  auto backend = GENERATE(Backend::sqlite, Backend::postgres);
  UNSCOPED_INFO((backend == Backend::sqlite ? "SQLite" : "PostgreSQL"));
  return backend;
}

std::unique_ptr<mirror::Mirror> open(const MirrorDb& db) {
  auto m = mirror::Mirror::open(db.location());
  INFO((m ? "" : m.error().message));
  REQUIRE(m);
  return std::move(*m);
}

// The mirror with a full run of pd's persons started, as most cases begin.
std::pair<std::unique_ptr<mirror::Mirror>, std::optional<mirror::TypeState>> full_run(const MirrorDb& db) {
  auto m = open(db);
  auto state = m->load("pd", "pipedrive", "persons", "v2");
  REQUIRE(state);
  REQUIRE(m->start_run(*state, mirror::RunMode::full, std::nullopt));
  return {std::move(m), std::move(*state)};
}

}  // namespace

TEST_CASE("a new mirror has the latest schema, in WAL mode", "[mirror]") {
  TempDir dir;
  auto m = mirror::SqliteMirror::open(dir / "m.db");
  REQUIRE(m);
  CHECK((*m)->database().execAndGet("PRAGMA user_version").getInt() == mirror::latest_schema_version());
  CHECK((*m)->database().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(mirror::table_name("pipedrive", "persons") == "pipedrive_persons");
  CHECK(mirror::table_name("hubspot", "0-3") == "hubspot_0_3");
}

// One test case per backend process, sections for the cases: each PostgreSQL test process starts
// its own cluster, once (support/mirror_db.hpp).
TEST_CASE("the mirror keeps records, run state and deletions alike in SQLite and PostgreSQL", "[mirror][postgres]") {
  auto backend = each_backend();
  SECTION("a database from a newer crmexport is refused") {
    MirrorDb db(backend);
    open(db);
    if (backend == Backend::sqlite) {
      SQLite::Database file(db.location(), SQLite::OPEN_READWRITE);
      file.exec("PRAGMA user_version = 99");
    } else {
      db.scalar("UPDATE schema_version SET version = 99");
    }
    auto m = mirror::Mirror::open(db.location());
    REQUIRE(!m);
    CHECK(m.error().kind == ErrorKind::runtime);
    CHECK(m.error().message.find("newer crmexport") != std::string::npos);
  }
  SECTION("pages upsert records and save the run's position with them") {
    MirrorDb db(backend);
    auto m = open(db);
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
    CHECK(live_rows(db, "pd") ==
          std::vector<std::string>{R"(1={"id":1,"n":"a"})", R"(2={"id":2,"n":"B"})", R"(3={"id":3})"});

    REQUIRE(m->finish_run(*state, true));
    auto done = m->load("pd", "pipedrive", "persons", "v2");
    REQUIRE(done);
    CHECK(!done->run_mode);
    CHECK(done->high_water == at("2024-05-01T00:00:00Z"));  // the newest seen, not the last page's
  }
  SECTION("a page keeps every byte of its records, and an id it holds twice is saved once, as its last copy") {
    MirrorDb db(backend);
    auto [m, state] = full_run(db);
    // What a text encoding of the rows would have to escape (backslashes, tabs, newlines, carriage
    // returns, COPY's \. and \N), as JSON escapes and as raw whitespace between tokens.
    const std::string odd = "{\"id\":2,\t\"a\":\"back\\\\slash \\\\N \\\\. tab\\t nl\\n\",\r\n\"b\":\"caf\xC3\xA9\"}";
    std::vector<mirror::Record> page{rec(1, R"({"id":1,"v":"first"})"), rec(2, odd),
                                     mirror::Record{std::string("1"), std::nullopt, R"({"id":"1"})"},
                                     rec(1, R"({"id":1,"v":"last"})")};
    auto counts = m->save_page(*state, page, "", std::nullopt);
    REQUIRE(counts);
    CHECK(counts->inserted == 3);  // 1, 2 and "1": a string id is another record
    CHECK(counts->updated == 0);
    auto rows = db.rows("pipedrive_persons", "pd");
    REQUIRE(rows.size() == 3);
    std::multiset<std::string> got;
    for (const auto& row : rows) got.insert(row.record);
    CHECK(got == std::multiset<std::string>{R"({"id":1,"v":"last"})", odd, R"({"id":"1"})"});
    // Marked deleted in one statement, whatever the list holds.
    std::vector<mirror::RecordId> gone{std::int64_t{2}, std::int64_t{77}, std::string("1")};
    CHECK(*m->mark_deleted(*state, gone) == 2);
    CHECK(live_rows(db, "pd") == std::vector<std::string>{R"(1={"id":1,"v":"last"})"});
    std::vector<mirror::RecordId> none;
    CHECK(*m->mark_deleted(*state, none) == 0);
    // A page may hold no record at all (the last one of some APIs): its position is still saved.
    std::vector<mirror::Record> empty;
    auto nothing = m->save_page(*state, empty, "after-empty", std::nullopt);
    REQUIRE(nothing);
    CHECK(nothing->inserted == 0);
    CHECK(nothing->updated == 0);
    CHECK(m->load("pd", "pipedrive", "persons", "v2")->run_position == "after-empty");
  }
  SECTION("only a complete full pass marks what it did not see as deleted") {
    MirrorDb db(backend);
    auto [m, state] = full_run(db);
    std::vector<mirror::Record> all{rec(1, "{}"), rec(2, "{}"), rec(3, "{}")};
    REQUIRE(m->save_page(*state, all, "", std::nullopt));
    REQUIRE(*m->finish_run(*state, true) == 0);

    // An incremental run sees only record 1: nothing is swept.
    REQUIRE(m->start_run(*state, mirror::RunMode::incremental, at("2024-01-01T00:00:00Z")));
    std::vector<mirror::Record> one{rec(1, "{}")};
    REQUIRE(m->save_page(*state, one, "", std::nullopt));
    REQUIRE(*m->finish_run(*state, false) == 0);
    CHECK(live_rows(db, "pd").size() == 3);

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
    CHECK(live_rows(db, "pd") == std::vector<std::string>{"1={}", "3={}"});

    // A record that comes back is live again, and counts as updated.
    REQUIRE(m->start_run(*resumed, mirror::RunMode::incremental, std::nullopt));
    std::vector<mirror::Record> back{rec(2, "{}")};
    auto counts = m->save_page(*resumed, back, "", std::nullopt);
    REQUIRE(counts);
    CHECK(counts->updated == 1);
    CHECK(live_rows(db, "pd").size() == 3);
  }
  SECTION("connections share a type table without touching each other's rows") {
    MirrorDb db(backend);
    auto m = open(db);
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
    CHECK(live_rows(db, "a") == std::vector<std::string>{R"(1={"from":"a"})"});
    CHECK(live_rows(db, "b").size() == 2);
  }
  SECTION("string ids are kept as strings, and marked deleted by id") {
    MirrorDb db(backend);
    auto m = open(db);
    auto state = m->load("hs", "pipedrive", "persons", "v2");
    REQUIRE(state);
    REQUIRE(m->start_run(*state, mirror::RunMode::full, std::nullopt));
    std::vector<mirror::Record> records{mirror::Record{std::string("0042"), std::nullopt, "{}"}};
    REQUIRE(m->save_page(*state, records, "", std::nullopt));
    CHECK(db.scalar(db.backend() == Backend::sqlite ? "SELECT typeof(id) || ':' || id FROM pipedrive_persons"
                                                    : "SELECT jsonb_typeof(id) || ':' || (id #>> '{}') FROM pipedrive_persons") ==
          (db.backend() == Backend::sqlite ? "text:0042" : "string:0042"));
    std::vector<mirror::RecordId> gone{std::string("0042")};
    CHECK(*m->mark_deleted(*state, gone) == 1);
    CHECK(*m->mark_deleted(*state, gone) == 0);
  }
  SECTION("the high-water mark never passes the start of the run that reached it") {
    MirrorDb db(backend);
    auto m = open(db);
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
}

TEST_CASE("the PostgreSQL mirror: schema version, per-connection claims, what jsonb refuses", "[mirror][postgres]") {
  SECTION("--db postgresql:// takes everything else from the PG* environment variables") {
    auto& cluster = crmexport::testing::test_cluster();
    cluster.create_database("from_environment");
    ::setenv("PGHOST", cluster.folder().c_str(), 1);
    ::setenv("PGUSER", "postgres", 1);
    ::setenv("PGDATABASE", "from_environment", 1);
    auto m = mirror::Mirror::open("postgresql://");
    for (const char* name : {"PGHOST", "PGUSER", "PGDATABASE"}) ::unsetenv(name);
    INFO((m ? "" : m.error().message));
    REQUIRE(m);
    CHECK((*m)->location() == "postgresql://");
    CHECK(cluster.psql("SELECT count(*) FROM schema_version", "from_environment") == "1\n");
  }
  SECTION("a new PostgreSQL mirror has the latest schema version") {
    MirrorDb db(Backend::postgres);
    open(db);
    CHECK(db.scalar("SELECT version FROM schema_version") == std::to_string(mirror::latest_postgres_schema_version()));
    CHECK(db.scalar("SELECT count(*) FROM schema_version") == "1");
    open(db);  // opening again migrates nothing
    CHECK(db.scalar("SELECT count(*) FROM schema_version") == "1");
  }
  SECTION("a PostgreSQL claim excludes one connection across sessions and ends with its session") {
    MirrorDb db(Backend::postgres);
    auto first = open(db);
    auto second = open(db);  // another process: its own sessions
    auto held = first->claim("pd");
    REQUIRE(held);
    REQUIRE(held->has_value());
    auto refused = second->claim("pd");
    REQUIRE(refused);
    CHECK_FALSE(refused->has_value());
    auto other = second->claim("hs");  // another connection syncs at the same time
    REQUIRE(other);
    CHECK(other->has_value());
    CHECK(db.scalar("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = "
                    "'advisory' AND l.granted AND d.datname = current_database()") == "2");
    *held = std::nullopt;  // its session ends
    auto again = second->claim("pd");
    REQUIRE(again);
    CHECK(again->has_value());
  }
  SECTION("each worker writes through a PostgreSQL session of its own; SQLite's share the one mirror") {
    MirrorDb db(Backend::postgres);
    auto m = open(db);
    const std::string sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crmexport' AND "
                                 "datname = current_database()";
    REQUIRE(db.scalar(sessions) == "1");
    auto writer = m->open_writer();
    REQUIRE(writer);
    REQUIRE(*writer);
    CHECK(db.scalar(sessions) == "2");
    auto a = m->load("a", "pipedrive", "persons", "v2");
    auto b = (*writer)->load("b", "pipedrive", "persons", "v2");
    REQUIRE((a && b));
    REQUIRE(m->start_run(*a, mirror::RunMode::full, std::nullopt));
    REQUIRE((*writer)->start_run(*b, mirror::RunMode::full, std::nullopt));
    std::vector<mirror::Record> ra{rec(1, R"({"from":"a"})")};
    std::vector<mirror::Record> rb{rec(1, R"({"from":"b"})")};
    REQUIRE(m->save_page(*a, ra, "", std::nullopt));
    REQUIRE((*writer)->save_page(*b, rb, "", std::nullopt));
    CHECK(live_rows(db, "a") == std::vector<std::string>{R"(1={"from":"a"})"});
    CHECK(live_rows(db, "b") == std::vector<std::string>{R"(1={"from":"b"})"});
    writer->reset();
    // The server ends a session's backend just after the client has gone.
    for (int i = 0; i < 100 && db.scalar(sessions) != "1"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(db.scalar(sessions) == "1");

    TempDir dir;
    auto file = mirror::Mirror::open(dir / "m.db");
    REQUIRE(file);
    auto shared = (*file)->open_writer();
    REQUIRE(shared);
    CHECK(*shared == nullptr);
  }
  SECTION("a record found unchanged is not written again, and the sweep still sees it") {
    MirrorDb db(Backend::postgres);
    auto [m, state] = full_run(db);
    std::vector<mirror::Record> all{rec(1, R"({"v":1})"), rec(2, R"({"v":2})"), rec(3, R"({"v":3})")};
    REQUIRE(m->save_page(*state, all, "", std::nullopt));
    REQUIRE(*m->finish_run(*state, true) == 0);
    const std::string versions = "SELECT string_agg(id::text || ':' || xmin::text, ',' ORDER BY id) FROM pipedrive_persons";
    const std::string first = db.scalar(versions);

    // A second full pass: 1 unchanged, 3 changed, 2 gone upstream.
    REQUIRE(m->start_run(*state, mirror::RunMode::full, std::nullopt));
    std::vector<mirror::Record> again{rec(1, R"({"v":1})"), rec(3, R"({"v":33})")};
    auto counts = m->save_page(*state, again, "", std::nullopt);
    REQUIRE(counts);
    CHECK(counts->inserted == 0);
    CHECK(counts->updated == 1);
    CHECK(db.scalar("SELECT count(*) FROM seen_unchanged") == "1");
    CHECK(db.scalar(versions).substr(0, first.find(',')) == first.substr(0, first.find(',')));  // 1: the same row version
    CHECK(db.scalar(versions) != first);
    REQUIRE(*m->finish_run(*state, true) == 1);
    CHECK(live_rows(db, "pd") == std::vector<std::string>{R"(1={"v":1})", R"(3={"v":33})"});
    CHECK(db.scalar("SELECT count(*) FROM seen_unchanged") == "0");
  }
  SECTION("records PostgreSQL's jsonb refuses are kept exactly as text and readable as jsonb") {
    CHECK(mirror::jsonb_compatible(R"({"a":"x\u0000y","b":"\\u0000","c":"\ud83d\ude00","d":"\udc00\u00e9"})") ==
          R"({"a":"x\ufffdy","b":"\\u0000","c":"\ud83d\ude00","d":"\ufffd\u00e9"})");
    MirrorDb db(Backend::postgres);
    auto [m, state] = full_run(db);
    const std::string json = R"({"id":1,"name":"a\u0000b","n":1e309,"big":9007199254740993})";
    std::vector<mirror::Record> records{rec(1, json)};
    REQUIRE(m->save_page(*state, records, "", std::nullopt));
    CHECK(live_rows(db, "pd") == std::vector<std::string>{"1=" + json});
    CHECK(db.scalar("SELECT record ->> 'name' FROM pipedrive_persons") == "a\xEF\xBF\xBD" "b");
    CHECK(db.scalar("SELECT record ->> 'big' FROM pipedrive_persons") == "9007199254740993");
  }
}

TEST_CASE("a second sync on the same database is refused until the first ends", "[mirror]") {
  TempDir dir;
  auto first = mirror::SqliteMirror::open(dir / "m.db");
  REQUIRE(first);
  auto second = mirror::SqliteMirror::open(dir / "m.db");
  REQUIRE(!second);
  CHECK(second.error().kind == ErrorKind::runtime);
  CHECK(second.error().message.find("another crmexport sync is using") != std::string::npos);
  first = std::unexpected(Error{});  // closes the first, dropping its lock
  CHECK(mirror::SqliteMirror::open(dir / "m.db"));
}

TEST_CASE("a new mirror file is readable by its owner only", "[mirror]") {
  TempDir dir;
  REQUIRE(mirror::SqliteMirror::open(dir / "m.db"));
  CHECK((std::filesystem::status(dir / "m.db").permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}

TEST_CASE("a SQLite mirror's claim always succeeds: its file lock already excludes other processes", "[mirror]") {
  TempDir dir;
  auto m = mirror::SqliteMirror::open(dir / "m.db");
  REQUIRE(m);
  auto a = (*m)->claim("pd");
  auto b = (*m)->claim("pd");
  REQUIRE((a && b));
  CHECK((a->has_value() && b->has_value()));
}

TEST_CASE("the claim key of a connection is the same on every host and release", "[mirror]") {
  // FNV-1a 64 of "crmexport mirror connection\0" + name: hosts of different crmexport versions
  // must agree, so this value never changes.
  CHECK(mirror::claim_key("pd") == mirror::claim_key(std::string("pd")));
  CHECK(mirror::claim_key("pd") != mirror::claim_key("pe"));
  CHECK(mirror::claim_key("pd") == 8435601048719096560LL);
}

TEST_CASE("a PostgreSQL URI with a password, or one libpq cannot read, is refused before connecting", "[mirror]") {
  auto with_password = mirror::Mirror::open("postgresql://me:s3cret@127.0.0.1:1/m");
  REQUIRE(!with_password);
  CHECK(with_password.error().kind == ErrorKind::usage);
  CHECK(with_password.error().message ==
        "--db: a password in the PostgreSQL URI would show in the process list; remove it and put it in ~/.pgpass "
        "(or the file PGPASSFILE names), or in the PGPASSWORD environment variable");
  auto unreadable = mirror::Mirror::open("postgresql://[::1/m");
  REQUIRE(!unreadable);
  CHECK(unreadable.error().kind == ErrorKind::usage);
  CHECK(unreadable.error().message.starts_with("--db: libpq cannot read this PostgreSQL URI: "));
  TempDir dir;
  auto nobody = mirror::Mirror::open("postgresql:///m?host=" + dir.path());
  REQUIRE(!nobody);
  CHECK(nobody.error().kind == ErrorKind::runtime);
  CHECK(nobody.error().message.starts_with("could not connect to the mirror database postgresql:///m?host=" + dir.path() +
                                           ": connection to server on socket"));
  CHECK(nobody.error().message.ends_with("; check --db and the PG* environment variables"));
}
