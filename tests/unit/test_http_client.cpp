#include <catch2/catch.hpp>

#include "lib/http/client.hpp"
#include "support/fakes.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::ScriptedTransport;
using std::chrono::milliseconds;

namespace {

struct Rig {
  ScriptedTransport transport;
  FakeClock clock;
  auth::HeaderTokenAuthenticator authenticator{"x-api-token", "", "secret-token"};
  http::RetryPolicy retry;
  http::RateLimitRules rates;
  http::ProviderErrorRules errors;

  Result<http::Response> get() {
    http::Client client(transport, clock, authenticator, retry, rates, errors);
    return client.send(http::Request{"GET", "http://127.0.0.1:1/x?q=1", {}, {}});
  }
};

}  // namespace

TEST_CASE("a 2xx answer is returned as it came, with the credentials sent", "[http]") {
  Rig rig;
  rig.transport.answer(200, "{}");
  auto response = rig.get();
  REQUIRE(response);
  CHECK(response->body == "{}");
  REQUIRE(rig.transport.sent().size() == 1);
  CHECK(rig.transport.sent()[0].headers == http::Headers{{"x-api-token", "secret-token"}});
  CHECK(rig.clock.sleeps().empty());
}

TEST_CASE("429 waits what Retry-After says, in seconds or as an HTTP date", "[http]") {
  Rig rig;
  rig.transport.answer(429, "", {{"retry-after", "7"}});
  rig.transport.answer(429, "", {{"retry-after", "Thu, 01 Jan 2026 00:00:20 GMT"}});
  rig.transport.answer(200, "ok");
  auto response = rig.get();
  REQUIRE(response);
  // Each pause of 5 s or more is slept in two: a moment for the other threads it holds up to
  // join its announcement (http::k_announce_gathering), then the rest.
  CHECK(rig.clock.sleeps() ==
        std::vector{milliseconds(500), milliseconds(6500),
                    // The date is 20 s after the fake wall clock's start, and 7 s have passed.
                    milliseconds(500), milliseconds(12500)});
}

TEST_CASE("429 without Retry-After waits for the provider's reset header", "[http]") {
  Rig rig;
  rig.rates.remaining_header = "x-ratelimit-remaining";
  rig.rates.reset_header = "x-ratelimit-reset";
  rig.transport.answer(429, R"({"error":"Request over limit"})",
                       {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "2"}});
  rig.transport.answer(200, "ok");
  REQUIRE(rig.get());
  // The pacer already knows the window is empty, so the wait happens once, before the retry.
  long total = 0;
  for (auto s : rig.clock.sleeps()) total += static_cast<long>(s.count());
  CHECK(total >= 2000);
  CHECK(total <= 2000 + 2000);
  CHECK(rig.transport.sent().size() == 2);
}

TEST_CASE("5xx and network errors are retried with growing, jittered backoff", "[http]") {
  Rig rig;
  rig.transport.answer(500, "boom");
  rig.transport.fail_network();
  rig.transport.answer(503, "busy");
  rig.transport.answer(200, "ok");
  REQUIRE(rig.get());
  REQUIRE(rig.clock.sleeps().size() == 3);
  CHECK(rig.clock.sleeps()[0] >= milliseconds(250));
  CHECK(rig.clock.sleeps()[0] <= milliseconds(500));
  CHECK(rig.clock.sleeps()[1] >= milliseconds(500));
  CHECK(rig.clock.sleeps()[1] <= milliseconds(1000));
  CHECK(rig.clock.sleeps()[2] >= milliseconds(1000));
  CHECK(rig.clock.sleeps()[2] <= milliseconds(2000));
}

TEST_CASE("the retry budget is bounded", "[http]") {
  Rig rig;
  rig.retry.max_retries = 2;
  for (int i = 0; i < 3; ++i) rig.transport.answer(502, "<html>bad gateway</html>");
  auto response = rig.get();
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::provider);
  CHECK(response.error().http_status == 502);
  CHECK_THAT(response.error().message, Catch::Contains("gave up after 2 retries"));
  CHECK_THAT(response.error().message, Catch::Contains("bad gateway"));
  CHECK(rig.transport.sent().size() == 3);

  Rig throttled;
  throttled.retry.max_retries = 1;
  throttled.transport.answer(429, "", {{"retry-after", "1"}});
  throttled.transport.answer(429, "", {{"retry-after", "1"}});
  auto limited = throttled.get();
  REQUIRE_FALSE(limited);
  CHECK(limited.error().kind == ErrorKind::rate_limited);
}

TEST_CASE("other 4xx are not retried and carry the provider's message, not the query", "[http]") {
  Rig rig;
  rig.errors.message = [](const http::Response&) { return std::string("limit must be at most 500"); };
  rig.transport.answer(400, R"({"error":"limit must be at most 500"})");
  auto response = rig.get();
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::provider);
  CHECK(response.error().message == "GET http://127.0.0.1:1/x answered HTTP 400: limit must be at most 500");
  CHECK(rig.transport.sent().size() == 1);
}

TEST_CASE("401 and 403 are authentication errors", "[http]") {
  for (int status : {401, 403}) {
    Rig rig;
    rig.transport.answer(status, R"({"error":"unauthorized access"})");
    auto response = rig.get();
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::auth);
    CHECK(rig.transport.sent().size() == 1);
  }
}

TEST_CASE("a 401 gets one retry when the authenticator renews its credentials", "[http]") {
  struct Renewing : auth::Authenticator {
    int renewals = 0;
    Result<void> apply(http::Request& r) override {
      r.headers.emplace_back("Authorization", "Bearer token-" + std::to_string(renewals));
      return {};
    }
    Result<bool> recover_from_unauthorized(std::string_view) override { return ++renewals == 1; }
  } renewing;
  ScriptedTransport transport;
  FakeClock clock;
  transport.answer(401, "expired");
  transport.answer(401, "still no");
  http::Client client(transport, clock, renewing, {}, {}, {});
  auto response = client.send(http::Request{"GET", "http://h/x", {}, {}});
  REQUIRE_FALSE(response);
  CHECK(response.error().kind == ErrorKind::auth);
  REQUIRE(transport.sent().size() == 2);  // one renewal, never a loop
  CHECK(transport.sent()[1].headers.back().second == "Bearer token-1");
}

TEST_CASE("a final 429 or a wait beyond the budget stops at once", "[http]") {
  Rig final_limit;
  final_limit.errors.rate_limit_is_final = [](const http::Response& r) {
    return r.body.find("DAILY") != std::string::npos;
  };
  final_limit.transport.answer(429, R"({"policyName":"DAILY"})");
  auto daily = final_limit.get();
  REQUIRE_FALSE(daily);
  CHECK(daily.error().kind == ErrorKind::rate_limited);
  CHECK(final_limit.clock.sleeps().empty());

  Rig long_wait;
  long_wait.transport.answer(429, "", {{"retry-after", "86400"}});
  auto waited = long_wait.get();
  REQUIRE_FALSE(waited);
  CHECK(waited.error().kind == ErrorKind::rate_limited);
  CHECK_THAT(waited.error().message, Catch::Contains("asks to wait 24h 0m"));
  CHECK(long_wait.clock.sleeps().empty());
}

TEST_CASE("the pacer keeps a fixed rate and waits out an empty window", "[http]") {
  ScriptedTransport transport;
  FakeClock clock;
  auth::HeaderTokenAuthenticator token{"Api-Token", "", "k"};
  http::RateLimitRules rules;
  rules.min_interval = milliseconds(200);
  rules.remaining_header = "x-ratelimit-remaining";
  rules.reset_header = "x-ratelimit-reset";
  http::Client client(transport, clock, token, {}, rules, {});
  transport.answer(200, "a", {{"x-ratelimit-remaining", "5"}});
  transport.answer(200, "b", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "2"}});
  transport.answer(200, "c");
  for (int i = 0; i < 3; ++i) REQUIRE(client.send(http::Request{"GET", "http://h/x", {}, {}}));
  REQUIRE(clock.sleeps().size() == 2);
  CHECK(clock.sleeps()[0] == milliseconds(200));
  CHECK(clock.sleeps()[1] == milliseconds(2000));
}

TEST_CASE("Retry-After parsing", "[http]") {
  auto now = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
  CHECK(http::parse_retry_after("120", now) == milliseconds(120000));
  CHECK(http::parse_retry_after(" 3 ", now) == milliseconds(3000));
  CHECK(http::parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now) == milliseconds(60000));
  CHECK(http::parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now) == milliseconds(0));
  CHECK(http::parse_retry_after("soon", now) == std::nullopt);
  CHECK(http::parse_retry_after("-5", now) == std::nullopt);
}

TEST_CASE("a provider's own waitable statuses are retried: 423 after at least 2 s, 477 as Retry-After says",
          "[http]") {
  Rig rig;
  rig.errors.more_retryable = {{423, milliseconds(2000)}, {477, milliseconds(1000)}};
  rig.transport.answer(423, R"({"message":"locked"})");
  rig.transport.answer(477, "", {{"retry-after", "3"}});
  rig.transport.answer(200, "ok");
  REQUIRE(rig.get());
  CHECK(rig.clock.sleeps() == std::vector{milliseconds(2000), milliseconds(3000)});

  Rig moving;
  moving.errors.more_retryable = {{477, milliseconds(1000)}};
  moving.transport.answer(477, "", {{"retry-after", "86400"}});
  auto waited = moving.get();
  REQUIRE_FALSE(waited);
  CHECK(waited.error().http_status == 477);
  CHECK(waited.error().kind == ErrorKind::rate_limited);
  CHECK_THAT(waited.error().message, Catch::Contains("asks to wait 24h 0m"));
  CHECK(moving.clock.sleeps().empty());
}

TEST_CASE("a host that cannot be reached is tried again as often as the caller declared", "[http]") {
  Rig rig;
  rig.retry.max_retries = 6;
  SECTION("by default, as any network failure: every retry, then the error") {
    for (int i = 0; i < 7; ++i) rig.transport.fail_unreached();
    auto response = rig.get();
    REQUIRE_FALSE(response);
    CHECK(response.error().message == "cannot reach 127.0.0.1:1 (connection refused)");
    CHECK(rig.transport.sent().size() == 7);
  }
  SECTION("with max_retries_unreached 1 (auth add, auth test): one retry, then the error") {
    rig.retry.max_retries_unreached = 1;
    for (int i = 0; i < 7; ++i) rig.transport.fail_unreached();
    auto response = rig.get();
    REQUIRE_FALSE(response);
    CHECK(response.error().kind == ErrorKind::network);
    CHECK(response.error().message == "cannot reach 127.0.0.1:1 (connection refused)");
    CHECK(rig.transport.sent().size() == 2);
    CHECK(rig.clock.sleeps().size() == 1);
  }
  SECTION("with max_retries_unreached 1, other network failures keep every retry") {
    rig.retry.max_retries_unreached = 1;
    for (int i = 0; i < 3; ++i) rig.transport.fail_network();
    rig.transport.answer(200, "{}");
    auto response = rig.get();
    REQUIRE(response);
    CHECK(rig.transport.sent().size() == 4);
  }
}
