// engine::sync_type against a scripted transport and a provider that is not Pipedrive: string ids,
// a nested updated-at in epoch milliseconds, an opaque cursor. Checks what each run asks for
// (change filter from the high-water mark less the overlap; the saved cursor after a failure).
#include <catch2/catch.hpp>

#include "lib/engine/sync.hpp"
#include "support/fakes.hpp"
#include "support/mirror_db.hpp"
#include "support/process.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::ScriptedTransport;
using crmexport::testing::TempDir;

namespace {

providers::Provider toy_provider() {
  providers::Provider p;
  p.name = "toy";
  p.title = "Toy";
  p.default_base_url = "http://127.0.0.1:1";
  p.auth_kinds = {"token"};
  p.token_auth = {"x-key", ""};
  providers::TypeSpec t;
  t.name = "items";
  t.path = "/items";
  t.records_at = {"results"};
  t.id_field = "key";
  t.updated_field = "/meta/updated";
  t.paging = paging::make(paging::Cursor{"after", "limit", "/next"});
  t.max_page_size = 2;
  t.since = providers::SinceFilter{"changed_since", TimeFormat::epoch_millis};
  p.versions.push_back(providers::ApiVersion{"v1", "", {t}});
  return p;
}

struct Rig {
  providers::Provider provider = toy_provider();
  ScriptedTransport* transport = nullptr;
  std::unique_ptr<engine::Session> session;
  testing::MirrorDb db;
  std::unique_ptr<mirror::Mirror> mirror;

  // Each test runs on both backends: the engine must not know which one it talks to.
  explicit Rig(testing::Backend backend) : db(backend) {
    auto opened = mirror::Mirror::open(db.location());
    REQUIRE(opened);
    mirror = std::move(*opened);
    reconnect();
  }
  void reconnect() {
    auto scripted = std::make_unique<ScriptedTransport>();
    transport = scripted.get();
    store::Connection connection{"t", "toy", "", "", "token", R"({"token":"k"})", "", ""};
    http::RetryPolicy retry;
    retry.max_retries = 0;
    auto opened =
        engine::Session::open(connection, provider, retry, std::move(scripted), std::make_unique<FakeClock>());
    REQUIRE(opened);
    session = std::move(*opened);
  }
  Result<engine::SyncReport> sync(engine::SyncOptions options = {}) {
    engine::Progress progress("items", false);
    return engine::sync_type(*session, *mirror, provider.versions[0].types[0], "v1", options, progress);
  }
  std::string sent_url(size_t i) const { return transport->sent().at(i).url; }
};

std::string item(const std::string& key, long long updated_ms, const std::string& extra = "") {
  return R"({"key":")" + key + R"(","meta":{"updated":)" + std::to_string(updated_ms) + "}" + extra + "}";
}

}  // namespace

TEST_CASE("sync: first run reads all, the next from the high-water mark less the overlap", "[sync]") {
  Rig rig(GENERATE(testing::Backend::sqlite, testing::Backend::postgres));
  // 2024-03-05T10:11:12Z = 1709633472 s
  rig.transport->answer(
      200, R"({"results":[)" + item("a", 1709633472000) + "," + item("b", 1709633000000) + R"(],"next":"c2"})");
  rig.transport->answer(200, R"({"results":[)" + item("c", 1709600000000) + R"(],"next":null})");
  auto first = rig.sync();
  REQUIRE(first);
  CHECK(first->mode == "full");
  CHECK(first->fetched == 3);
  CHECK(first->inserted == 3);
  CHECK(first->requests == 2);
  CHECK(rig.sent_url(0).find("changed_since") == std::string::npos);
  CHECK(rig.sent_url(1).find("after=c2") != std::string::npos);

  rig.transport->answer(200, R"({"results":[)" + item("b", 1709700000000, R"(,"x":1)") + R"(],"next":null})");
  auto second = rig.sync();
  REQUIRE(second);
  CHECK(second->mode == "incremental");
  CHECK(second->updated == 1);
  CHECK(second->inserted == 0);
  // 1709633472 s less 300 s, in the filter's epoch milliseconds.
  CHECK(rig.sent_url(2).find("changed_since=1709633172000") != std::string::npos);

  // --full reads everything again and sweeps: "a" and "c" are gone.
  rig.transport->answer(200, R"({"results":[)" + item("b", 1709700000000, R"(,"x":1)") + R"(],"next":null})");
  engine::SyncOptions full;
  full.full = true;
  auto third = rig.sync(full);
  REQUIRE(third);
  CHECK(third->mode == "full");
  CHECK(third->deleted == 2);
  CHECK(rig.sent_url(3).find("changed_since") == std::string::npos);
  CHECK(rig.db.scalar("SELECT count(*) FROM toy_items WHERE deleted_at IS NULL") == "1");
}

TEST_CASE("sync: a failed run is resumed from its saved cursor with the same change filter", "[sync]") {
  Rig rig(GENERATE(testing::Backend::sqlite, testing::Backend::postgres));
  rig.transport->answer(200, R"({"results":[)" + item("a", 1709633472000) + R"(],"next":null})");
  REQUIRE(rig.sync());

  rig.transport->answer(
      200, R"({"results":[)" + item("b", 1709700000000) + "," + item("c", 1709700000000) + R"(],"next":"p2"})");
  rig.transport->answer(400, R"({"message":"boom"})");
  auto failed = rig.sync();
  REQUIRE(!failed);
  CHECK(rig.sent_url(1).find("changed_since=1709633172000") != std::string::npos);

  rig.reconnect();  // a new process
  rig.transport->answer(200, R"({"results":[)" + item("d", 1709700000000) + R"(],"next":null})");
  auto resumed = rig.sync();
  REQUIRE(resumed);
  CHECK(resumed->resumed);
  CHECK(resumed->mode == "incremental");
  CHECK(resumed->fetched == 1);
  CHECK(rig.sent_url(0).find("after=p2") != std::string::npos);
  CHECK(rig.sent_url(0).find("changed_since=1709633172000") != std::string::npos);
  CHECK(rig.db.scalar("SELECT count(*) FROM toy_items") == "4");
  CHECK(rig.db.scalar(rig.db.backend() == testing::Backend::sqlite ? "SELECT typeof(id) FROM toy_items LIMIT 1"
                                                                    : "SELECT jsonb_typeof(id) FROM toy_items LIMIT 1") ==
        (rig.db.backend() == testing::Backend::sqlite ? "text" : "string"));

  // --since starts a new incremental run from that time, not from the mark.
  rig.transport->answer(200, R"({"results":[],"next":null})");
  engine::SyncOptions since;
  since.since = *parse_time("2024-01-01T00:00:00Z", TimePoint{});
  auto from = rig.sync(since);
  REQUIRE(from);
  CHECK(!from->resumed);
  CHECK(rig.sent_url(1).find("changed_since=1704067200000") != std::string::npos);
}
