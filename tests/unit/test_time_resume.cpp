#include <catch2/catch.hpp>
#include <fmt/format.h>

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

TEST_CASE("a --since outside 1970-01-01..tomorrow is a usage error, and no amount overflows", "[time]") {
  struct Case {
    const char* text;
    const char* why;
  };
  const Case cases[] = {
      {"9223372036854775807m", "reaches back before 1970-01-01"},
      {"9223372036854775807d", "reaches back before 1970-01-01"},
      {"99999999999999999999h", "reaches back before 1970-01-01"},  // more than 64 bits hold
      {"99999999999d", "reaches back before 1970-01-01"},
      {"20781d", "reaches back before 1970-01-01"},  // 2026-11-23 is day 20,780 of the epoch
      {"1969-12-31", "is before 1970-01-01"},
      {"1969-12-31T23:59:59Z", "is before 1970-01-01"},
      {"1970-01-01T00:30:00+01:00", "is before 1970-01-01"},
      {"2026-11-25", "is in the future"},  // tomorrow + 1: k_now is 2026-11-23T12:00Z
      {"2026-11-24T12:00:01Z", "is in the future"},
      {"9999-12-31", "is in the future"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto parsed = parse_since(c.text, k_now);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().kind == ErrorKind::usage);
    CHECK(parsed.error().message == fmt::format("time '{}' {}: give a time between 1970-01-01 and tomorrow, or a "
                                                "shorter duration such as 7d",
                                                c.text, c.why));
  }
  CHECK(parse_since("1970-01-01", k_now) == TimePoint{});
  CHECK(parse_since("2026-11-24T12:00:00Z", k_now) == k_now + days(1));
  CHECK(parse_since("20780d", k_now) == sys_days{year{1970} / 1 / 1} + hours(12));
  CHECK(parse_since("0m", k_now) == k_now);
  auto bad_offset = parse_since("2024-03-05T10:11:12+99:99", k_now);
  REQUIRE_FALSE(bad_offset);
  CHECK_THAT(bad_offset.error().message, Catch::StartsWith("cannot read time"));
}

TEST_CASE("times are written in each provider's form", "[time]") {
  auto t = parse_time("2024-03-05T10:11:12Z", k_now).value();
  CHECK(format_time(t, TimeFormat::rfc3339_millis) == "2024-03-05T10:11:12.000Z");
  CHECK(format_time(t, TimeFormat::epoch_millis) == "1709633472000");
  CHECK(format_time(t, TimeFormat::date) == "2024-03-05");
  CHECK(format_time(t, TimeFormat::space_separated) == "2024-03-05 10:11:12");
}

TEST_CASE("resume cursors round-trip, with and without a skip, and carry what they belong to", "[resume]") {
  const std::string owner = engine::cursor_owner("pipedrive", "v2", "deals");
  CHECK(owner == "pipedrive.v2.deals");
  CHECK(engine::format_resume(owner, {"eyJpZCI6N30=", 0}) == "pipedrive.v2.deals:eyJpZCI6N30=");
  CHECK(engine::format_resume(owner, {"eyJpZCI6N30=", 17}) == "pipedrive.v2.deals:skip:17:eyJpZCI6N30=");
  CHECK(engine::format_resume(owner, {"", 3}) == "pipedrive.v2.deals:skip:3:");
  auto point = engine::parse_resume("pipedrive.v2.deals:skip:17:eyJpZCI6N30=", owner).value();
  CHECK(point.position == "eyJpZCI6N30=");
  CHECK(point.skip == 17);
  auto plain = engine::parse_resume("pipedrive.v2.deals:500", owner).value();
  CHECK(plain.position == "500");
  CHECK(plain.skip == 0);
  auto with_colons = engine::parse_resume("pipedrive.v2.deals:a:b", owner).value();
  CHECK(with_colons.position == "a:b");
  CHECK(engine::parse_resume("", owner).value().position.empty());
  for (const char* bad : {"pipedrive.v2.deals:skip:x:500", "skip:2:500", "500", "pipedrive.v2.persons:500",
                          "keap.v2.deals:500"}) {
    INFO(bad);
    auto refused = engine::parse_resume(bad, owner);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
  }
}
