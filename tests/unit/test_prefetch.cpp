// The page loop asks for the next page while the current one is written, and never for a page
// that the run's limits would not have asked for without it.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "lib/engine/export.hpp"
#include "providers/pipedrive/pipedrive.hpp"
#include "support/fakes.hpp"
#include "support/pages.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::ScriptedTransport;
using crmexport::testing::v2_page;

namespace {

// What happened, in order, from either thread: "GET <cursor>" when a request is sent,
// "wrote <n>" when the writer ends page n.
class EventLog {
 public:
  void add(std::string event) {
    std::lock_guard lock(m_mutex);
    m_events.push_back(std::move(event));
    m_changed.notify_all();
  }
  // Waits until `count` requests were sent; false after a while without them (the loop did
  // not ask ahead, and would never ask while the writer waits).
  bool wait_for_requests(size_t count) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, std::chrono::seconds(5), [&] { return requests() >= count; });
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(m_mutex);
    return m_events;
  }

 private:
  size_t requests() const {
    return static_cast<size_t>(std::ranges::count_if(m_events, [](const auto& e) { return e.starts_with("GET"); }));
  }
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<std::string> m_events;
};

// A scripted transport that logs each request with its cursor.
class LoggedTransport : public http::Transport {
 public:
  LoggedTransport(ScriptedTransport& script, EventLog& log) : m_script(script), m_log(log) {}
  Result<http::Response> send(const http::Request& request) override {
    auto cursor = request.url.find("cursor=");
    m_log.add(cursor == std::string::npos ? "GET first"
                                          : "GET " + request.url.substr(cursor + 7, request.url.find('&') - cursor - 7));
    return m_script.send(request);
  }

 private:
  ScriptedTransport& m_script;
  EventLog& m_log;
};

// Logs the end of each page; on the pages listed, first waits until the `ahead` pages after it
// were asked.
struct LoggedWriter : output::RecordWriter {
  EventLog& log;
  std::vector<int> wait_on_pages;
  int ahead;
  std::vector<std::string> records;
  int pages = 0;
  LoggedWriter(EventLog& events, std::vector<int> wait_on, int pages_ahead = 1)
      : log(events), wait_on_pages(std::move(wait_on)), ahead(pages_ahead) {}
  void write(std::string_view record) override { records.emplace_back(record); }
  void end_page() override {
    ++pages;
    if (std::ranges::find(wait_on_pages, pages) != wait_on_pages.end())
      log.add(log.wait_for_requests(static_cast<size_t>(pages + ahead)) ? "next asked" : "next NOT asked");
    log.add(fmt::format("wrote {}", pages));
  }
  void finish() override {}
};

struct Rig {
  ScriptedTransport script;
  EventLog log;
  std::unique_ptr<engine::Session> session;
  const providers::TypeSpec* type = nullptr;

  Rig() : Rig(nullptr) {}
  // `transport`: what answers instead of the script (nullptr: the script, logged).
  explicit Rig(std::unique_ptr<http::Transport> transport) {
    store::Connection connection{"pd", "pipedrive", "https://fake", "", "token", R"({"token":"t"})", "", ""};
    const auto& provider = providers::pipedrive::provider();
    if (!transport) transport = std::make_unique<LoggedTransport>(script, log);
    session = engine::Session::open(connection, provider, {}, std::move(transport), std::make_unique<FakeClock>())
                  .value();
    type = provider.default_version().type("persons");
  }
  Result<engine::ExportResult> run(LoggedWriter& writer, engine::ExportOptions options = {}) {
    options.api_version = "v2";
    engine::Progress progress("test", false);
    return engine::export_type(*session, *type, options, writer, progress);
  }
};

void answer_three_pages(ScriptedTransport& script) {
  script.answer(200, v2_page({1, 2}, R"("c1")"));
  script.answer(200, v2_page({3, 4}, R"("c2")"));
  script.answer(200, v2_page({5, 6}, "null"));
}

const std::vector<std::string> k_all_records{R"({"id":1})", R"({"id":2})", R"({"id":3})",
                                             R"({"id":4})", R"({"id":5})", R"({"id":6})"};

}  // namespace

TEST_CASE("the next pages are asked for while the current one is written, and pages are written in order",
          "[engine][prefetch]") {
  Rig rig;
  rig.script.answer(200, v2_page({1, 2}, R"("c1")"));
  rig.script.answer(200, v2_page({3, 4}, R"("c2")"));
  rig.script.answer(200, v2_page({5, 6}, R"("c3")"));
  rig.script.answer(200, v2_page({7, 8}, "null"));
  LoggedWriter writer(rig.log, {1, 2}, 2);
  auto result = rig.run(writer);
  REQUIRE(result);
  CHECK(writer.records.size() == 8);
  // While page 1 was written, pages 2 and 3 were asked (each as soon as the one before came: the
  // writer waited for both); page 4 only once page 2 was taken, so never more than three pages
  // are held: the one written, and two fetched or in flight.
  CHECK(rig.log.events() == std::vector<std::string>{"GET first", "GET c1", "GET c2", "next asked", "wrote 1",
                                                     "GET c3", "next asked", "wrote 2", "wrote 3", "wrote 4"});
  CHECK(result->requests == 4);
  CHECK_FALSE(result->resume_cursor);
}

TEST_CASE("page and record limits spend no request on a page they will not write", "[engine][prefetch]") {
  struct Case {
    const char* name;
    long max_pages, max_records;
    const char* cursor;
    size_t written;
    const char* resume;
  };
  for (const auto& c : {Case{"--max-pages 2 of 3", 2, 0, "", 4, "pipedrive.v2.persons:c2"},
                        Case{"--max-records 3: inside page 2", 0, 3, "", 3, "pipedrive.v2.persons:skip:1:c1"},
                        Case{"--max-records 4: at page 2's end", 0, 4, "", 4, "pipedrive.v2.persons:c2"},
                        // The records an earlier run wrote do not count: one of page 1, one of page 2.
                        Case{"a resumed first page", 0, 2, "pipedrive.v2.persons:skip:1:", 3,
                             "pipedrive.v2.persons:skip:1:c1"}}) {
    INFO(c.name);
    Rig rig;
    answer_three_pages(rig.script);
    LoggedWriter writer(rig.log, {});
    engine::ExportOptions options;
    options.max_pages = c.max_pages;
    options.max_records = c.max_records;
    options.cursor = c.cursor;
    auto result = rig.run(writer, options);
    REQUIRE(result);
    REQUIRE(rig.script.sent().size() == 2);
    CHECK(rig.script.sent()[1].url == "https://fake/api/v2/persons?cursor=c1&limit=500");
    auto first = *c.cursor ? 1 : 0;
    CHECK(writer.records == std::vector<std::string>(k_all_records.begin() + first, k_all_records.begin() + c.written));
    CHECK(result->resume_cursor == c.resume);
  }
}

TEST_CASE("request and token budgets stop before the page past the cap, not after asking it",
          "[engine][prefetch]") {
  for (auto [max_requests, max_tokens] : {std::pair{2L, 0L}, std::pair{0L, 20L}}) {  // persons cost 10 tokens
    INFO(max_requests << " requests, " << max_tokens << " tokens");
    Rig rig;
    answer_three_pages(rig.script);
    http::RequestBudget budget(max_requests, max_tokens);
    rig.session->set_budget(&budget);
    LoggedWriter writer(rig.log, {});
    auto result = rig.run(writer);
    REQUIRE(result);
    CHECK(rig.script.sent().size() == 2);
    CHECK(writer.records == std::vector<std::string>(k_all_records.begin(), k_all_records.begin() + 4));
    CHECK(result->budget_stopped);
    CHECK(result->resume_cursor == "pipedrive.v2.persons:c2");
  }
}

TEST_CASE("a page asked ahead that fails, or is malformed, behaves as it did when asked after", "[engine][prefetch]") {
  SECTION("a failure ends the run after the page before it was written") {
    Rig rig;
    rig.script.answer(200, v2_page({1, 2}, R"("c1")"));
    rig.script.answer(404, R"({"success":false,"error":"not found"})");
    LoggedWriter writer(rig.log, {});
    auto result = rig.run(writer);
    // A failure after retries is the result's, with the cursor after the page written.
    REQUIRE(result);
    REQUIRE(result->failure);
    CHECK(result->failure->http_status == 404);
    CHECK(result->resume_cursor);
    CHECK(writer.records == std::vector<std::string>(k_all_records.begin(), k_all_records.begin() + 2));
    CHECK(rig.script.sent().size() == 2);
  }
  SECTION("a malformed page is asked for again") {
    Rig rig;
    rig.script.answer(200, v2_page({1, 2}, R"("c1")"));
    rig.script.answer(200, R"({"success":true,"data":[{"id":3},)");
    rig.script.answer(200, v2_page({3, 4}, "null"));
    LoggedWriter writer(rig.log, {});
    auto result = rig.run(writer);
    REQUIRE(result);
    CHECK(writer.records == std::vector<std::string>(k_all_records.begin(), k_all_records.begin() + 4));
    REQUIRE(rig.script.sent().size() == 3);
    CHECK(rig.script.sent()[2].url == "https://fake/api/v2/persons?cursor=c1&limit=500");
  }
}

TEST_CASE("the next page is asked for before this one is parsed, and dropped when it does not parse",
          "[engine][prefetch]") {
  Rig rig;
  // Page 1's envelope names c1, but a record does not parse: c1 was already asked (from the skim)
  // and is dropped; page 1 is asked again, then c1 once more.
  rig.script.answer(200, R"({"success":true,"data":[{"id":1},{"id":2,}],"additional_data":{"next_cursor":"c1"}})");
  rig.script.answer(200, v2_page({3, 4}, "null"));
  rig.script.answer(200, v2_page({1, 2}, R"("c1")"));
  rig.script.answer(200, v2_page({3, 4}, "null"));
  LoggedWriter writer(rig.log, {});
  auto result = rig.run(writer);
  REQUIRE(result);
  CHECK_FALSE(result->failure);
  CHECK(writer.records == std::vector<std::string>(k_all_records.begin(), k_all_records.begin() + 4));
  std::vector<std::string> requests;
  std::ranges::copy_if(rig.log.events(), std::back_inserter(requests), [](const auto& e) { return e.starts_with("GET"); });
  CHECK(requests == std::vector<std::string>{"GET first", "GET c1", "GET first", "GET c1"});
  CHECK(result->requests == 4);
}

TEST_CASE("what ends the run on the fetching thread ends it on the loop's thread", "[engine][prefetch]") {
  // A Fatal (a store that cannot be written during a token refresh, say) thrown where pages are
  // fetched reaches the caller as it did before pages were fetched ahead, instead of terminating.
  struct ThrowingTransport : http::Transport {
    Result<http::Response> send(const http::Request&) override {
      throw Fatal(ErrorKind::runtime, "the store cannot be written");
    }
  };
  Rig rig(std::make_unique<ThrowingTransport>());
  LoggedWriter writer(rig.log, {});
  REQUIRE_THROWS_WITH(rig.run(writer), "the store cannot be written");
  CHECK(writer.records.empty());
}
