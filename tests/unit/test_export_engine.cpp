// The export loop against a scripted transport: what it asks for, and when it stops.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "lib/engine/export.hpp"
#include "providers/pipedrive/pipedrive.hpp"
#include "support/fakes.hpp"
#include "support/pages.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::ScriptedTransport;
using crmexport::testing::v2_page;

namespace {

// Collects what the engine writes.
struct MemoryWriter : output::RecordWriter {
  std::vector<std::string> records;
  int pages_ended = 0;
  void write(std::string_view record) override { records.emplace_back(record); }
  void end_page() override { ++pages_ended; }
  void finish() override {}
};

struct Rig {
  ScriptedTransport* transport = nullptr;
  std::unique_ptr<engine::Session> session;
  const providers::TypeSpec* type = nullptr;

  explicit Rig(const std::string& type_name) {
    auto scripted = std::make_unique<ScriptedTransport>();
    transport = scripted.get();
    store::Connection connection{"pd", "pipedrive", "https://fake", "", "token", R"({"token":"t"})", "", ""};
    const auto& provider = providers::pipedrive::provider();
    session =
        engine::Session::open(connection, provider, {}, std::move(scripted), std::make_unique<FakeClock>()).value();
    type = provider.default_version().type(type_name);
  }
  Result<engine::ExportResult> run(MemoryWriter& writer, const engine::ExportOptions& options = {}) {
    engine::Progress progress("test", false);
    return engine::export_type(*session, *type, options, writer, progress);
  }
};

}  // namespace

TEST_CASE("the engine pages to the end and asks for the provider's cursor", "[engine]") {
  Rig rig("persons");
  rig.transport->answer(200, v2_page({1, 2}, R"("c1")"));
  rig.transport->answer(200, v2_page({3}, "null"));
  MemoryWriter writer;
  auto result = rig.run(writer);
  REQUIRE(result);
  CHECK(writer.records == std::vector<std::string>{R"({"id":1})", R"({"id":2})", R"({"id":3})"});
  CHECK(writer.pages_ended == 2);
  CHECK(result->pages == 2);
  CHECK_FALSE(result->resume_cursor);
  REQUIRE(rig.transport->sent().size() == 2);
  CHECK(rig.transport->sent()[0].url == "https://fake/api/v2/persons?limit=500");
  CHECK(rig.transport->sent()[1].url == "https://fake/api/v2/persons?cursor=c1&limit=500");
}

TEST_CASE("a cursor the provider repeats ends the run with an error, not a loop", "[engine]") {
  Rig rig("persons");
  rig.transport->answer(200, v2_page({1}, R"("c1")"));
  rig.transport->answer(200, v2_page({2}, R"("c2")"));
  rig.transport->answer(200, v2_page({3}, R"("c1")"));
  MemoryWriter writer;
  auto result = rig.run(writer);
  REQUIRE(result);
  REQUIRE(result->failure);
  CHECK(result->failure->kind == ErrorKind::provider);
  CHECK_THAT(result->failure->message, Catch::Contains("cursor 'c1' again"));
  CHECK_FALSE(result->interrupted);
  CHECK(rig.transport->sent().size() == 3);
}

TEST_CASE("a failure after some pages is a result with the cursor after the last page written, as each page "
          "reported it",
          "[engine]") {
  Rig rig("persons");
  rig.transport->answer(200, v2_page({1, 2}, R"("c1")"));
  rig.transport->answer(200, v2_page({3}, R"("c2")"));
  rig.transport->answer(404, R"({"success":false,"error":"gone"})");
  MemoryWriter writer;
  std::vector<std::string> checkpoints;
  engine::ExportOptions options;
  options.api_version = "v2";
  options.on_page_written = [&](const std::string& cursor, bool last, const engine::ExportResult& so_far) {
    checkpoints.push_back(fmt::format("{} {} {} {}", cursor, last, so_far.records, so_far.pages));
  };
  auto result = rig.run(writer, options);
  REQUIRE(result);
  REQUIRE(result->failure);
  CHECK(result->failure->kind == ErrorKind::provider);
  CHECK(result->resume_cursor == "pipedrive.v2.persons:c2");
  CHECK(result->records == 3);
  CHECK(checkpoints ==
        std::vector<std::string>{"pipedrive.v2.persons:c1 false 2 1", "pipedrive.v2.persons:c2 false 3 2"});
}

TEST_CASE("a failure on the first page of a whole export has nothing to resume", "[engine]") {
  Rig rig("persons");
  rig.transport->answer(404, R"({"success":false,"error":"gone"})");
  MemoryWriter writer;
  auto result = rig.run(writer);
  REQUIRE(result);
  REQUIRE(result->failure);
  CHECK_FALSE(result->resume_cursor);
  CHECK(result->pages == 0);
}

TEST_CASE("a record limit inside a page resumes with a skip, at a page end with the next cursor", "[engine]") {
  Rig inside("persons");
  inside.transport->answer(200, v2_page({1, 2, 3}, R"("c1")"));
  MemoryWriter writer;
  engine::ExportOptions options;
  options.api_version = "v2";
  options.max_records = 2;
  auto result = inside.run(writer, options);
  REQUIRE(result);
  CHECK(writer.records.size() == 2);
  CHECK(result->resume_cursor == "pipedrive.v2.persons:skip:2:");

  Rig at_end("persons");
  at_end.transport->answer(200, v2_page({1, 2}, R"("c1")"));
  MemoryWriter second;
  auto ended = at_end.run(second, options);
  REQUIRE(ended);
  CHECK(ended->resume_cursor == "pipedrive.v2.persons:c1");

  Rig resumed("persons");
  resumed.transport->answer(200, v2_page({1, 2, 3}, "null"));
  MemoryWriter third;
  engine::ExportOptions from_cursor;
  from_cursor.api_version = "v2";
  from_cursor.cursor = "pipedrive.v2.persons:skip:2:";
  REQUIRE(resumed.run(third, from_cursor));
  CHECK(third.records == std::vector<std::string>{R"({"id":3})"});
}

TEST_CASE("the change filter is sent where the type has a filter and left out where it has none", "[engine]") {
  engine::ExportOptions options;
  options.since = std::chrono::sys_days{std::chrono::year{2024} / 6 / 1};
  Rig filtered("deals");
  filtered.transport->answer(200, v2_page({}, "null"));
  MemoryWriter writer;
  REQUIRE(filtered.run(writer, options));
  CHECK(filtered.transport->sent()[0].url ==
        "https://fake/api/v2/deals?limit=500&updated_since=2024-06-01T00%3A00%3A00Z");

  Rig unfiltered("stages");
  unfiltered.transport->answer(200, v2_page({}, "null"));
  REQUIRE(unfiltered.run(writer, options));
  CHECK(unfiltered.transport->sent()[0].url == "https://fake/api/v2/stages?limit=500");
}

TEST_CASE("start/next_start pages of v1 notes with a page size within the cap", "[engine]") {
  Rig rig("notes");
  rig.transport->answer(
      200,
      R"({"success":true,"data":[{"id":1}],"additional_data":{"pagination":{"start":0,"limit":1,"more_items_in_collection":true,"next_start":1}}})");
  rig.transport->answer(
      200,
      R"({"success":true,"data":null,"additional_data":{"pagination":{"start":1,"limit":1,"more_items_in_collection":false}}})");
  MemoryWriter writer;
  engine::ExportOptions options;
  options.page_size = 5000;  // above the cap: clamped
  REQUIRE(rig.run(writer, options));
  CHECK(writer.records.size() == 1);
  CHECK(rig.transport->sent()[0].url == "https://fake/api/v1/notes?start=0&limit=500");
  CHECK(rig.transport->sent()[1].url == "https://fake/api/v1/notes?start=1&limit=500");
}

TEST_CASE("a cursor printed for another type, API version or provider is refused before any request", "[engine]") {
  for (const char* cursor : {"pipedrive.v2.deals:c1", "pipedrive.v1.persons:500", "hubspot.v3.persons:c1",
                             "c1", "skip:2:c1", "500"}) {
    INFO(cursor);
    Rig rig("persons");
    MemoryWriter writer;
    engine::ExportOptions options;
    options.api_version = "v2";
    options.cursor = cursor;
    auto result = rig.run(writer, options);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::usage);
    CHECK_THAT(result.error().message, Catch::StartsWith(fmt::format("cursor '{}' ", cursor)));
    CHECK(rig.transport->sent().empty());
  }
  Rig rig("persons");
  MemoryWriter writer;
  engine::ExportOptions options;
  options.api_version = "v2";
  options.cursor = "pipedrive.v1.persons:500";
  CHECK(rig.run(writer, options).error().message ==
        "cursor 'pipedrive.v1.persons:500' was printed for pipedrive.v1.persons, not pipedrive.v2.persons: use it "
        "with that provider, API version and type, or export pipedrive.v2.persons again without --cursor");
}
