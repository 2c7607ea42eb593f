#include <catch2/catch.hpp>

#include "lib/core/time.hpp"
#include "lib/engine/resume.hpp"

using namespace crmexport;
using namespace std::chrono;

namespace {
const TimePoint k_now = sys_days{year{2026} / 11 / 23} + hours(12);
std::string rfc(std::string_view text) { return format_time(parse_time(text, k_now).value(), TimeFormat::rfc3339); }
}  // namespace

TEST_CASE("times for --since: dates, dates, RFC 3339 with offsets, and durations", "[time]") {
  CHECK(rfc("2024-03-05") == "2024-03-05T00:00:00Z");
  CHECK(rfc("2024-03-05T10:11:12Z") == "2024-03-05T10:11:12Z");
  CHECK(rfc("2024-03-05T10:11:12.345Z") == "2024-03-05T10:11:12Z");
  CHECK(rfc("2024-03-05T10:11:12+02:00") == "2024-03-05T08:11:12Z");
  CHECK(rfc("2024-03-05T00:30:00-01:30") == "2024-03-05T02:00:00Z");
  CHECK(rfc("2024-03-05 10:11:12") == "2024-03-05T10:11:12Z");
  CHECK(rfc("36h") == "2026-11-22T00:00:00Z");
  CHECK(rfc("7d") == "2026-11-16T12:00:00Z");
  CHECK(rfc("90m") == "2026-11-23T10:30:00Z");
  for (auto bad : {"yesterday", "2024-13-01", "2024-02-30", "2024-03-05T25:00", "2024-03-05T10:11:12Zx", ""}) {
    auto parsed = parse_time(bad, k_now);
    INFO(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::usage);
  }
}

TEST_CASE("times are written in each provider's form", "[time]") {
  auto t = parse_time("2024-03-05T10:11:12Z", k_now).value();
  CHECK(format_time(t, TimeFormat::rfc3339_millis) == "2024-03-05T10:11:12.000Z");
  CHECK(format_time(t, TimeFormat::epoch_millis) == "1709633472000");
  CHECK(format_time(t, TimeFormat::date) == "2024-03-05");
  CHECK(format_time(t, TimeFormat::space_separated) == "2024-03-05 10:11:12");
}

TEST_CASE("resume cursors round-trip, with and without a skip", "[resume]") {
  CHECK(engine::format_resume({"eyJpZCI6N30=", 0}) == "eyJpZCI6N30=");
  CHECK(engine::format_resume({"eyJpZCI6N30=", 17}) == "skip:17:eyJpZCI6N30=");
  CHECK(engine::format_resume({"", 3}) == "skip:3:");
  auto point = engine::parse_resume("skip:17:eyJpZCI6N30=").value();
  CHECK(point.position == "eyJpZCI6N30=");
  CHECK(point.skip == 17);
  auto plain = engine::parse_resume("500").value();
  CHECK(plain.position == "500");
  CHECK(plain.skip == 0);
  auto bad = engine::parse_resume("skip:x:500");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::usage);
}
