// The status block's lines as a person sees them (exact text for given counts, totals, rates,
// waits and widths), and the waits lib/http tells the engine about: which limit, how long.
#include <catch2/catch.hpp>

#include "lib/core/log.hpp"
#include "lib/engine/page_loop.hpp"
#include "lib/engine/progress.hpp"
#include "lib/http/client.hpp"
#include "providers/activecampaign/activecampaign.hpp"
#include "providers/hubspot/hubspot.hpp"
#include "providers/keap/keap.hpp"
#include "providers/pipedrive/pipedrive.hpp"
#include "support/fakes.hpp"

using namespace crmexport;
using crmexport::testing::FakeClock;
using crmexport::testing::ScriptedTransport;
using std::chrono::milliseconds;

namespace {

engine::StatusLine reading(std::string label, long records, long pages, double seconds,
                           std::optional<long> total = std::nullopt) {
  return engine::StatusLine{std::move(label), true, records, pages, seconds, total, std::nullopt};
}

// Long waits are also said on stderr: not while these tests run.
struct QuietLog {
  QuietLog() { log::set_level(log::Level::quiet); }
  ~QuietLog() { log::set_level(log::Level::normal); }
};

engine::StatusLine connecting(std::string label) {
  return engine::StatusLine{std::move(label), false, 0, 0, 0.0, std::nullopt, std::nullopt};
}

http::WaitNote note(http::WaitNote::Kind kind, long ms, std::string reason) {
  return http::WaitNote{kind, http::Duration(ms), std::move(reason)};
}

}  // namespace

TEST_CASE("a status line before the first page says the type is connecting", "[progress]") {
  CHECK(engine::render_status(connecting("deals"), 80) == "deals: connecting…");
  auto waiting = connecting("deals");
  waiting.wait = note(http::WaitNote::Kind::rate_limit, 2500, "ActiveCampaign's limit of one request per 0.2s");
  CHECK(engine::render_status(waiting, 200) == "deals: connecting… waiting 3 s: ActiveCampaign's limit of one request per 0.2s");
}

TEST_CASE("a status line without a total shows records, pages and rate", "[progress]") {
  CHECK(engine::render_status(reading("persons", 1200, 12, 4.0), 80) == "persons: 1200 records, 12 pages, 300 records/s");
  CHECK(engine::render_status(reading("notes", 7, 1, 0.5), 80) == "notes: 7 records, 1 page, 14 records/s");
  CHECK(engine::render_status(reading("notes", 0, 0, 0.0), 80) == "notes: 0 records, 0 pages, 0 records/s");
}

TEST_CASE("a status line with the provider's total shows the percentage and the time left", "[progress]") {
  // (5000 - 1200) / 300 per second = 12.7 s, shown rounded up.
  CHECK(engine::render_status(reading("contacts", 1200, 12, 4.0, 5000), 100) ==
        "contacts: 1200/5000 records (24%), 12 pages, 300 records/s, ETA 13s");
  CHECK(engine::render_status(reading("contacts", 1000, 10, 10.0, 13500), 100) ==
        "contacts: 1000/13500 records (7%), 10 pages, 100 records/s, ETA 2m05s");
  CHECK(engine::render_status(reading("contacts", 1000, 10, 10.0, 1000000), 100) ==
        "contacts: 1000/1000000 records (0%), 10 pages, 100 records/s, ETA 2h46m");
  CHECK(engine::render_status(reading("contacts", 0, 0, 0.0, 40), 100) ==
        "contacts: 0/40 records (0%), 0 pages, 0 records/s, ETA --");
  // Done, or past a total that moved while reading: 100%, no ETA.
  CHECK(engine::render_status(reading("deals", 40, 1, 2.0, 40), 100) == "deals: 40/40 records (100%), 1 page, 20 records/s");
  CHECK(engine::render_status(reading("deals", 42, 1, 2.0, 40), 100) == "deals: 42/40 records (100%), 1 page, 21 records/s");
  CHECK(engine::render_status(reading("deals", 0, 1, 2.0, 0), 100) == "deals: 0/0 records (100%), 1 page, 0 records/s");
}

TEST_CASE("a status line says what a type waits for", "[progress]") {
  auto line = reading("companies", 300, 3, 3.0);
  line.wait = note(http::WaitNote::Kind::rate_limit, 11200, "HubSpot's limit of 100 requests per 10.0s");
  CHECK(engine::render_status(line, 200) ==
        "companies: 300 records, 3 pages, 100 records/s; waiting 12 s: HubSpot's limit of 100 requests per 10.0s");
  line.wait = note(http::WaitNote::Kind::retry, 400, "HTTP 503");
  CHECK(engine::render_status(line, 200) == "companies: 300 records, 3 pages, 100 records/s; retrying in 1 s after HTTP 503");
}

TEST_CASE("a narrow terminal cuts status lines instead of wrapping them", "[progress]") {
  auto line = reading("contacts", 1200, 12, 4.0, 5000);
  // One column is left free: a line that fills the width wraps on some terminals.
  CHECK(engine::render_status(line, 20) == "contacts: 1200/5000");
  CHECK(engine::render_status(line, 1) == "c");
  CHECK(engine::render_status(line, 0) == "c");
  // Columns, not bytes: "…" is one column of three bytes.
  CHECK(engine::render_status(connecting("deals"), 19) == "deals: connecting…");
  CHECK(engine::render_status(connecting("deals"), 18) == "deals: connecting");
  CHECK(engine::render_status(connecting("données"), 8) == "données");
}

TEST_CASE("a status line shows controls in a label or a wait's reason as text, within the width", "[progress][inert]") {
  auto line = connecting("x\x1b[2J\xc2\x9b");
  line.wait = note(http::WaitNote::Kind::retry, 400, "HTTP 503 \x9b\x07");
  CHECK(engine::render_status(line, 200) ==
        "x\\u001b[2J\\u009b: connecting… retrying in 1 s after HTTP 503 \\x9b\\u0007");
  // The escapes count as the columns they take: 20 columns, one left free.
  CHECK(engine::render_status(line, 20) == "x\\u001b[2J\\u009b: c");
}

TEST_CASE("a status block taller than the terminal keeps its first lines and counts the rest", "[progress]") {
  std::vector<std::string> lines = {"a: 1 records", "b: 2 records", "c: 3 records", "d: 4 records"};
  CHECK(engine::fit_status_block(lines, 5) == lines);
  CHECK(engine::fit_status_block(lines, 4) == std::vector<std::string>{"a: 1 records", "b: 2 records", "… and 2 more"});
  CHECK(engine::fit_status_block(lines, 2) == std::vector<std::string>{"… and 4 more"});
  CHECK(engine::fit_status_block(lines, 0) == std::vector<std::string>{"… and 4 more"});
  CHECK(engine::fit_status_block({}, 3).empty());
}

TEST_CASE("a disabled progress line draws nothing and gives no wait observer", "[progress]") {
  engine::Progress progress("deals", false);
  progress.update(10, 1);
  progress.set_total(20);
  CHECK_FALSE(progress.wait_observer());
  progress.finish();
}

TEST_CASE("the pacer tells a type's observer which limit it waits for", "[progress][pacer]") {
  QuietLog quiet;
  FakeClock clock;
  http::RateLimitRules rules;
  rules.windows = {{"", 2, milliseconds(10000)}, {"search", 5, milliseconds(1000)}};
  http::Pacer pacer(rules, clock, std::chrono::minutes(5), "HubSpot");
  std::vector<http::WaitNote> notes;
  http::WaitObserver observer = [&](const http::WaitNote& wait) { notes.push_back(wait); };
  REQUIRE(pacer.acquire("", &observer));
  REQUIRE(pacer.acquire("", &observer));
  CHECK(notes.empty());  // within the window: no wait
  REQUIRE(pacer.acquire("", &observer));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == http::WaitNote::Kind::rate_limit);
  CHECK(notes[0].length == milliseconds(10025));  // the window and its slack (25 ms)
  CHECK(notes[0].reason == "HubSpot's limit of 2 requests per 10.0s");

  http::RateLimitRules interval;
  interval.min_interval = milliseconds(210);
  http::Pacer spaced(interval, clock, std::chrono::minutes(5), "ActiveCampaign");
  notes.clear();
  REQUIRE(spaced.acquire("", &observer));
  REQUIRE(spaced.acquire("", &observer));
  CHECK(notes.empty());  // 210 ms is ordinary pacing, not worth a note

  spaced.pause(milliseconds(4000));
  REQUIRE(spaced.acquire("", &observer));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].length == milliseconds(4000));
  CHECK(notes[0].reason == "ActiveCampaign's rate limit (paused at its request)");
}

TEST_CASE("the client tells a type's observer about each retry and its cause", "[progress][http]") {
  ScriptedTransport transport;
  FakeClock clock;
  auth::HeaderTokenAuthenticator authenticator{"x-api-token", "", "secret-token"};
  http::Client client(transport, clock, authenticator, http::RetryPolicy{}, http::RateLimitRules{}, {});
  transport.answer(503, "busy");
  transport.answer(429, "", {{"retry-after", "7"}});
  transport.answer(200, "ok");
  http::RequestMeter meter;
  std::vector<http::WaitNote> notes;
  QuietLog quiet;
  meter.on_wait = [&](const http::WaitNote& wait) { notes.push_back(wait); };
  REQUIRE(client.send(http::Request{"GET", "http://127.0.0.1:1/x", {}, {}}, &meter));
  REQUIRE(notes.size() == 3);  // the 503's backoff, the 429's Retry-After, then the pacer's pause
  CHECK(notes[0].kind == http::WaitNote::Kind::retry);
  CHECK(notes[0].reason == "HTTP 503");
  CHECK(notes[0].length == clock.sleeps()[0]);
  CHECK(notes[1].kind == http::WaitNote::Kind::retry);
  CHECK(notes[1].reason == "HTTP 429");
  CHECK(notes[1].length == milliseconds(7000));
  CHECK(notes[2].kind == http::WaitNote::Kind::rate_limit);
  CHECK(notes[2].reason == "the provider's rate limit (paused at its request)");
  CHECK(notes[2].length == milliseconds(7000));
}

namespace {

// The total a type's TypeSpec declares, read from a first page as the engine reads it.
std::optional<long> total_of(const providers::TypeSpec& type, const std::string& body, std::string position = "",
                             long number = 1) {
  auto page = json::parse_page(body, type.records_at, type.records_member);
  REQUIRE(page);
  std::optional<std::string> next;
  engine::PageRead read{position, *page, next, number};
  return engine::reported_total(type, read);
}

const providers::TypeSpec& type_of(const providers::Provider& provider, const std::string& version,
                                   const std::string& name) {
  const auto* type = provider.version(version)->type(name);
  REQUIRE(type);
  return *type;
}

}  // namespace

TEST_CASE("providers declare where a page reports their total, and only the first page of a whole read counts",
          "[progress]") {
  const auto& ac = providers::activecampaign::provider();
  const auto& deals = type_of(ac, "v3", "deals");
  // ActiveCampaign sends meta.total as a string; a number reads the same.
  CHECK(total_of(deals, R"({"deals":[{"id":"1"}],"meta":{"total":"8125"}})") == 8125);
  CHECK(total_of(deals, R"({"deals":[],"meta":{"total":12}})") == 12);
  CHECK(total_of(deals, R"({"deals":[]})") == std::nullopt);
  CHECK(total_of(deals, R"({"deals":[],"meta":{"total":"many"}})") == std::nullopt);
  CHECK(total_of(deals, R"({"deals":[],"meta":{"total":"-3"}})") == std::nullopt);
  // Later pages and resumed reads count from elsewhere (keyset totals count what is left).
  CHECK(total_of(deals, R"({"deals":[],"meta":{"total":"8125"}})", "", 2) == std::nullopt);
  CHECK(total_of(type_of(ac, "v3", "contacts"), R"({"contacts":[],"meta":{"total":"30"}})", "40") == std::nullopt);

  const auto& keap = providers::keap::provider();
  CHECK(total_of(type_of(keap, "v1", "contacts"), R"({"contacts":[],"count":431,"next":"x","previous":"y"})") == 431);
  // REST v2 lists carry only next_page_token.
  CHECK(type_of(keap, "v2", "contacts").total_at.empty());

  // HubSpot's search answers with total; its list pages have none.
  const auto& hubspot = providers::hubspot::provider();
  const auto& companies = type_of(hubspot, "v3", "companies");
  CHECK(total_of(companies, R"({"total":250,"results":[],"paging":{"next":{"after":"200"}}})") == 250);
  CHECK(total_of(companies, R"({"results":[],"paging":{"next":{"after":"100"}}})") == std::nullopt);
  CHECK(type_of(providers::pipedrive::provider(), "v2", "deals").total_at.empty());
}

TEST_CASE("a type's phases are named in its summary with their requests and time", "[progress]") {
  CHECK(engine::phases_text({}).empty());
  CHECK(engine::phases_text({{"field metadata", 1, 0.04}, {"custom values", 749, 158.2}, {"deletions", 2, 9.95}}) ==
        "; field metadata: 1 request, 0.0s; custom values: 749 requests, 2m39s; deletions: 2 requests, 9.9s");
  CHECK(engine::requests_of({{"field metadata", 1, 0}, {"custom values", 749, 0}}) == 750);
  CHECK(engine::phase_label("deals", "custom values") == "deals custom values");
  log::ConnectionScope connection("ac");
  CHECK(engine::phase_label("deals", "custom values") == "ac/deals custom values");
}
