// The runner of many connections: every connection runs whatever the others do, threads stay
// bounded, and the outcomes decide the run's exit code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "lib/engine/fleet.hpp"

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
    if (i == 3) outcome.types.push_back({"deals", false, std::nullopt, error_of(ErrorKind::provider)});
  });
  CHECK(ran == 5);
  CHECK(outcomes[0].failure() == nullptr);
  REQUIRE(outcomes[1].failure() != nullptr);
  CHECK(outcomes[1].failure()->kind == ErrorKind::auth);
  REQUIRE(outcomes[3].failure() != nullptr);
  CHECK(outcomes[3].failure()->kind == ErrorKind::provider);

  auto failure = engine::fleet_failure(outcomes, "are synced");
  REQUIRE(failure);
  CHECK(failure->kind == ErrorKind::partial);
  CHECK(exit_code(failure->kind) == 7);
  CHECK(failure->message == "2 of 5 connections failed (b, d); the other 3 are synced");
}

TEST_CASE("the run's exit: 0 when all succeed, the first failure's own when all fail", "[fleet]") {
  auto fine = named({"a", "b"});
  CHECK_FALSE(engine::fleet_failure(fine, "are synced"));

  auto skipped = named({"a"});
  skipped[0].skipped = true;  // another process holds it: not a failure
  CHECK_FALSE(engine::fleet_failure(skipped, "are synced"));

  auto all_failed = named({"a", "b"});
  all_failed[0].error = error_of(ErrorKind::auth);
  all_failed[1].error = error_of(ErrorKind::network);
  auto failure = engine::fleet_failure(all_failed, "are synced");
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
  auto failure = engine::fleet_failure(outcomes, "are written");
  REQUIRE(failure);
  CHECK(exit_code(failure->kind) == 7);
  CHECK(failure->message == "1 of 3 connections failed (a\\u000ab); the other 2 are written");
}
