// The runner of many connections: every connection runs whatever the others do, threads stay
// bounded, and the outcomes decide the run's exit code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "lib/core/log.hpp"
#include "lib/engine/fleet.hpp"
#include "lib/engine/parallel.hpp"
#include "support/process.hpp"
#include "support/stderr_capture.hpp"

using namespace crmexport;
using engine::ConnectionOutcome;

namespace {

std::vector<ConnectionOutcome> named(std::initializer_list<const char*> names) {
  std::vector<ConnectionOutcome> outcomes;
  for (const char* name : names) outcomes.emplace_back().connection = name;
  return outcomes;
}

Error error_of(ErrorKind kind) { return Error{kind, "refused", 401, std::nullopt}; }

}  // namespace

TEST_CASE("jobs per connection keep connections x jobs within 64 workers", "[fleet]") {
  CHECK(engine::jobs_per_connection(4, 4) == 4);
  CHECK(engine::jobs_per_connection(16, 4) == 4);
  CHECK(engine::jobs_per_connection(20, 4) == 3);
  CHECK(engine::jobs_per_connection(64, 8) == 1);
  CHECK(engine::jobs_per_connection(100, 2) == 1);
  CHECK(engine::jobs_per_connection(1, 100) == 64);
}

TEST_CASE("a failed connection does not stop the others", "[fleet]") {
  auto outcomes = named({"a", "b", "c", "d", "e"});
  std::atomic<int> ran{0};
  engine::run_fleet(outcomes, 2, [&](size_t i, ConnectionOutcome& outcome) {
    ++ran;
    if (i == 1) outcome.error = error_of(ErrorKind::auth);
    if (i == 3) {
      auto& type = outcome.types.emplace_back();
      type.type = "deals";
      type.error = error_of(ErrorKind::provider);
    }
  });
  CHECK(ran == 5);
  CHECK(outcomes[0].failure() == nullptr);
  REQUIRE(outcomes[1].failure() != nullptr);
  CHECK(outcomes[1].failure()->kind == ErrorKind::auth);
  REQUIRE(outcomes[3].failure() != nullptr);
  CHECK(outcomes[3].failure()->kind == ErrorKind::provider);

  auto failure = engine::fleet_failure(outcomes, "synced");
  REQUIRE(failure);
  CHECK(failure->kind == ErrorKind::partial);
  CHECK(exit_code(failure->kind) == 7);
  CHECK(failure->message == "2 of 5 connections failed (b, d); the other 3 are synced");
}

TEST_CASE("the run's exit: 0 when all succeed, the first failure's own when all fail", "[fleet]") {
  auto fine = named({"a", "b"});
  CHECK_FALSE(engine::fleet_failure(fine, "synced"));

  auto skipped = named({"a"});
  skipped[0].skipped = true;  // another process holds it: not a failure
  CHECK_FALSE(engine::fleet_failure(skipped, "synced"));

  auto all_failed = named({"a", "b"});
  all_failed[0].error = error_of(ErrorKind::auth);
  all_failed[1].error = error_of(ErrorKind::network);
  auto failure = engine::fleet_failure(all_failed, "synced");
  REQUIRE(failure);
  CHECK(failure->kind == ErrorKind::auth);
  CHECK(failure->message == "2 of 2 connections failed (a, b); see each connection's error above");
}

TEST_CASE("a connection refused before the run fails alone, is never run, and is named escaped", "[fleet][names]") {
  std::vector<engine::ConnectionToRun> todo(3);
  todo[0].connection.name = "pd";
  todo[1].connection.name = "a\nb";
  todo[1].refused = error_of(ErrorKind::usage);
  todo[2].connection.name = "hs";
  auto outcomes = engine::named_outcomes(todo);
  std::vector<size_t> ran;
  std::mutex lock;
  engine::run_fleet(outcomes, 2, [&](size_t i, ConnectionOutcome&) {
    std::lock_guard held(lock);
    ran.push_back(i);
  });
  std::ranges::sort(ran);
  CHECK(ran == std::vector<size_t>{0, 2});
  REQUIRE(outcomes[1].failure() != nullptr);
  CHECK(outcomes[1].failure()->kind == ErrorKind::usage);
  auto failure = engine::fleet_failure(outcomes, "written");
  REQUIRE(failure);
  CHECK(exit_code(failure->kind) == 7);
  CHECK(failure->message == "1 of 3 connections failed (a\\u000ab); the other 2 are written");
}

namespace {

engine::TypeOutcome type_outcome(const char* name, bool done, long records, long requests) {
  engine::TypeOutcome type;
  type.type = name;
  type.started = true;
  type.done = done;
  type.records = records;
  type.requests = requests;
  if (!done) type.error = error_of(ErrorKind::auth);
  return type;
}

}  // namespace

TEST_CASE("the closing line counts connections and types, records, requests and time, and names who wrote nothing",
          "[fleet]") {
  auto outcomes = named({"pd", "bad", "ac", "held", "kp"});
  outcomes[0].types = {type_outcome("persons", true, 300, 2), type_outcome("deals", true, 120, 1)};
  outcomes[0].absent_types = {"contacts"};
  outcomes[1].types = {type_outcome("persons", false, 0, 1)};
  outcomes[1].types.push_back({});  // deals, not started
  outcomes[1].types.back().type = "deals";
  outcomes[2].absent_types = {"persons", "deals"};  // ActiveCampaign has neither
  outcomes[3].skipped = true;
  outcomes[4].types = {type_outcome("contacts", true, 0, 1)};  // an empty account still writes its file
  CHECK(engine::fleet_summary(outcomes, {"written", "wrote"}, 72.2) ==
        "5 connections: 2 written, 1 failed (bad), 1 skipped (held), 1 with none of the types (ac); types: 3 "
        "written, 2 not finished, 3 left out; 420 records, 5 requests in 1m13s; wrote nothing: bad, ac, held");
  auto failure = engine::fleet_failure(outcomes, "written");
  REQUIRE(failure);
  CHECK(failure->message ==
        "1 of 5 connections failed (bad); of the other 4, 2 are written and 2 did nothing (ac, held)");

  auto one = named({"pd"});
  one[0].types = {type_outcome("persons", true, 1, 1)};
  CHECK(engine::fleet_summary(one, {"synced", "synced"}, 0.4) ==
        "1 connection: 1 synced; types: 1 synced; 1 record, 1 request in 1s");
}

TEST_CASE("a connection's lines are headed with it, on its workers too, and JSON lines name it", "[fleet][log]") {
  log::set_level(log::Level::normal);
  auto said = testing::stderr_of([] {
    log::ConnectionScope connection("hs");
    engine::run_parallel(2, 2, [](size_t i) {
      log::TypeScope type(i == 0 ? "contacts" : "deals");
      if (i == 0) log::info("contacts: 3 records");
      if (i == 1) log::write("error: ", "deals: refused");
    });
    log::info("not about a type");
    log::TypeScope type("contacts");
    log::info("contactsx: only a whole type name counts");
  });
  auto lines = testing::lines_of(testing::untimed(said));
  std::ranges::sort(lines);
  CHECK(lines == std::vector<std::string>{"crmexport: error: hs/deals: refused", "crmexport: hs/contacts: 3 records",
                                          "crmexport: hs: contactsx: only a whole type name counts",
                                          "crmexport: hs: not about a type"});
  log::set_format(log::Format::json);
  auto json = testing::stderr_of([] {
    log::ConnectionScope connection("hs");
    log::TypeScope type("contacts");
    log::info("contacts: 3 records");
  });
  log::set_format(log::Format::text);
  CHECK_THAT(json, Catch::Contains(R"("message":"contacts: 3 records","connection":"hs","type":"contacts"})"));
  CHECK(log::subject("deals") == "deals");  // outside a connection's scope
}
