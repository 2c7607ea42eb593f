// The connection's shared pacer: budgets kept across threads, a 429 felt by all, and waits read
// from the server's headers that can neither overflow nor run for hours.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "lib/core/log.hpp"
#include "lib/http/client.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/stderr_capture.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::RecordingTransport;
using crmexport::testing::stderr_of;
using crmexport::testing::ThreadClock;
using std::chrono::milliseconds;

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// Runs `per_thread` GETs on each of `threads` threads, each with its own Client on the shared pacer.
void send_from_threads(http::Transport& transport, http::Clock& clock, http::Pacer& pacer, int threads,
                       int per_thread, std::vector<bool>* ok = nullptr) {
  auth::HeaderTokenAuthenticator token{"x-api-token", "", "k"};
  std::vector<std::jthread> workers;
  std::mutex ok_mutex;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      http::Client client(transport, clock, token, {}, pacer, {});
      for (int i = 0; i < per_thread; ++i) {
        bool sent = client.send(http::Request{"GET", "http://h/x", {}, {}}).has_value();
        std::lock_guard lock(ok_mutex);
        if (ok) ok->push_back(sent);
      }
    });
}

// The most requests sent within any `window` (a half-open interval starting at a send).
size_t busiest_window(std::vector<SteadyTime> times, std::chrono::milliseconds window) {
  std::ranges::sort(times);
  size_t most = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    auto end = std::ranges::lower_bound(times, times[i] + window);
    most = std::max(most, static_cast<size_t>(end - times.begin()) - i);
  }
  return most;
}


}  // namespace

TEST_CASE("threads sharing a pacer never exceed a rolling window, and use it", "[http][pacer]") {
  ThreadClock clock;
  RecordingTransport transport(clock);
  http::RateLimitRules rules;
  rules.windows = {{"", 40, milliseconds(2000)}};
  http::Pacer pacer(rules, clock, std::chrono::minutes(5));
  send_from_threads(transport, clock, pacer, 4, 50);
  auto times = transport.times();
  REQUIRE(times.size() == 200);
  CHECK(busiest_window(times, milliseconds(2000)) == 40);
  // 200 requests at 40 per 2 s: the last goes in the fifth window, not later.
  auto last = *std::ranges::max_element(times) - SteadyTime{};
  CHECK(last >= milliseconds(8000));
  CHECK(last < milliseconds(8000 + 4 * 100 + 100));
}

TEST_CASE("lanes are budgets of their own, the limit header resizes the general one", "[http][pacer]") {
  ThreadClock clock;
  RecordingTransport transport(clock);
  http::RateLimitRules rules;
  rules.windows = {{"", 100, milliseconds(10000)}, {"search", 5, milliseconds(1000)}};
  rules.limit_header = "x-ratelimit-limit";
  http::Pacer pacer(rules, clock, std::chrono::minutes(5));
  std::vector<SteadyTime> search;
  for (int i = 0; i < 12; ++i) {
    REQUIRE(pacer.acquire("search"));
    search.push_back(clock.now());
  }
  CHECK(busiest_window(search, milliseconds(1000)) == 5);
  CHECK(pacer.window_sizes() == std::vector{100});
  pacer.observe(http::Response{200, {{"x-ratelimit-limit", "40"}}, ""});
  CHECK(pacer.window_sizes() == std::vector{40});  // all of it: other clients are learned, not guessed
  CHECK(pacer.window_sizes("search") == std::vector{5});
  pacer.observe(http::Response{200, {{"x-ratelimit-limit", "7"}}, ""}, "search");  // search answers teach nothing
  CHECK(pacer.window_sizes() == std::vector{40});
}

TEST_CASE("requests the provider counted beyond the pacer's own are another client's, and take slots",
          "[http][pacer]") {
  FakeClock clock;
  http::RateLimitRules rules;
  rules.windows = {{"", 20, milliseconds(2000)}};
  rules.limit_header = "x-ratelimit-limit";
  rules.remaining_header = "x-ratelimit-remaining";
  http::Pacer pacer(rules, clock, std::chrono::minutes(5));
  // The provider counts 3 where this pacer sent 1: two came from another client of the token.
  auto slot = pacer.acquire();
  REQUIRE(slot);
  pacer.observe(http::Response{200, {{"x-ratelimit-limit", "10"}, {"x-ratelimit-remaining", "7"}}, ""}, "", *slot);
  std::vector<SteadyTime> sent{*slot};
  for (int i = 0; i < 8; ++i) {
    auto next = pacer.acquire();
    REQUIRE(next);
    sent.push_back(*next);
    // Each answer agrees with what the pacer now knows: nothing more to learn.
    pacer.observe(http::Response{200, {{"x-ratelimit-limit", "10"}, {"x-ratelimit-remaining", std::to_string(6 - i)}},
                                 ""},
                  "", *next);
  }
  // 1 + 7 of ours fit beside the other client's 2; the 9th of ours waits for the window to pass.
  CHECK(busiest_window(sent, milliseconds(2000)) == 8);
  CHECK(sent.back() - sent.front() >= milliseconds(2000));
  CHECK(pacer.window_sizes() == std::vector{10});
}

TEST_CASE("a 429 from one thread pauses the others", "[http][pacer]") {
  ThreadClock clock;
  RecordingTransport transport(clock);
  transport.answer_nth(1, http::Response{429, {{"retry-after", "3"}}, ""});
  http::Pacer pacer(http::RateLimitRules{}, clock, std::chrono::minutes(5));
  std::vector<bool> ok;
  send_from_threads(transport, clock, pacer, 1, 1, &ok);  // gets the 429, waits 3 s, succeeds
  send_from_threads(transport, clock, pacer, 3, 1, &ok);  // three threads that never saw a 429
  CHECK(ok == std::vector<bool>{true, true, true, true});
  auto times = transport.times();
  REQUIRE(times.size() == 5);
  CHECK(times[0] == SteadyTime{});
  for (size_t i = 1; i < times.size(); ++i) CHECK(times[i] - SteadyTime{} >= milliseconds(3000));
}

TEST_CASE("Retry-After: 9223372036854775807 stops at once with the wait in the message", "[http][pacer]") {
  for (const char* huge : {"9223372036854775807", "99999999999999999999999999"}) {
    FakeClock clock;
    testing::ScriptedTransport transport;
    auth::HeaderTokenAuthenticator token{"x-api-token", "", "k"};
    http::Client client(transport, clock, token, {}, http::RateLimitRules{}, {});
    transport.answer(429, "", {{"retry-after", huge}});
    auto response = client.send(http::Request{"GET", "http://h/x", {}, {}});
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::rate_limited);
    CHECK(exit_code(response.error().kind) == 4);
    CHECK_THAT(response.error().message, Catch::Contains("asks to wait 100 years or more"));
    CHECK(clock.sleeps().empty());
    CHECK(transport.sent().size() == 1);
  }
  CHECK(http::parse_retry_after("9223372036854775807", {}) == http::k_longest_wait);
  CHECK(http::saturating_multiply(INT64_MAX, milliseconds(1000)) == http::k_longest_wait);
}

TEST_CASE("remaining 0 with a reset of 100000 s on a 200 stops instead of sleeping 28 hours", "[http][pacer]") {
  FakeClock clock;
  testing::ScriptedTransport transport;
  auth::HeaderTokenAuthenticator token{"x-api-token", "", "k"};
  http::RateLimitRules rules;
  rules.remaining_header = "x-ratelimit-remaining";
  rules.reset_header = "x-ratelimit-reset";
  http::Client client(transport, clock, token, {}, rules, {});
  transport.answer(200, "{}", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "100000"}});
  REQUIRE(client.send(http::Request{"GET", "http://h/x", {}, {}}));
  auto next = client.send(http::Request{"GET", "http://h/x", {}, {}});
  REQUIRE_FALSE(next);
  CHECK(next.error().kind == ErrorKind::rate_limited);
  CHECK(next.error().message ==
        "the provider's rate limit asks to wait 27h 46m (x-ratelimit-reset: 100000), longer than crmexport waits "
        "(5m 0s); try again later");
  CHECK(clock.sleeps().empty());
  CHECK(transport.sent().size() == 1);
}

TEST_CASE("a pause of several seconds is announced on stderr without -v", "[http][pacer]") {
  log::set_level(log::Level::normal);
  FakeClock clock;
  http::RateLimitRules rules;
  rules.remaining_header = "x-ratelimit-remaining";
  rules.reset_header = "x-ratelimit-reset";
  http::Pacer pacer(rules, clock, std::chrono::minutes(5), "Pipedrive");
  pacer.observe(http::Response{200, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "12"}}, ""});
  auto said = stderr_of([&] { REQUIRE(pacer.acquire()); });
  CHECK(testing::untimed(said) == "crmexport: waiting 12.0s for Pipedrive's rate limit (none left)\n");
  // Said after a moment in which the other threads held up by the pause join it.
  CHECK(clock.sleeps() == std::vector{milliseconds(500), milliseconds(11500)});
  pacer.observe(http::Response{200, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1"}}, ""});
  CHECK(stderr_of([&] { REQUIRE(pacer.acquire()); }).empty());  // a short pause is only said with -v
}

TEST_CASE("in a run over many connections the wait line is headed with the connection once, by the log",
          "[http][pacer][fleet]") {
  log::set_level(log::Level::normal);
  FakeClock clock;
  http::RateLimitRules rules;
  rules.remaining_header = "x-ratelimit-remaining";
  rules.reset_header = "x-ratelimit-reset";
  http::Pacer pacer(rules, clock, std::chrono::minutes(5), "HubSpot", "hs");
  pacer.observe(http::Response{200, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "12"}}, ""});
  std::string said;
  {
    log::ConnectionScope connection("hs");
    log::TypeScope type("contacts");
    said = stderr_of([&] { REQUIRE(pacer.acquire()); });
  }
  CHECK(testing::untimed(said) == "crmexport: hs: waiting 12.0s for HubSpot's rate limit (none left): contacts\n");
  // One connection alone: the pacer names it itself.
  pacer.observe(http::Response{200, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "12"}}, ""});
  said = stderr_of([&] { REQUIRE(pacer.acquire()); });
  CHECK(testing::untimed(said) == "crmexport: hs: waiting 12.0s for HubSpot's rate limit (none left)\n");
}
