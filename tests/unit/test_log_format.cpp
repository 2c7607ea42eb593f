// How message lines look: plain, timestamped, or JSON.
#include <catch2/catch.hpp>

#include "lib/core/log_format.hpp"

using namespace crmexport;

namespace {

log::Line line_at(std::string_view level, std::string_view message) {
  auto time = parse_time("2026-11-30T12:00:00Z", TimePoint{});
  REQUIRE(time);
  return log::Line{*time, level, message, "", "", std::nullopt};
}

}  // namespace

TEST_CASE("text lines keep the crmexport: prefix and get a timestamp on every line when asked", "[log]") {
  CHECK(log::format_text(line_at("info", "persons: 3 records"), false) == "crmexport: persons: 3 records\n");
  CHECK(log::format_text(line_at("warning", "careful"), false) == "crmexport: warning: careful\n");
  CHECK(log::format_text(line_at("error", "gone"), true) == "2026-11-30T12:00:00Z crmexport: error: gone\n");
  CHECK(log::format_text(line_at("debug", "GET /x 200"), true) == "2026-11-30T12:00:00Z crmexport: GET /x 200\n");
  CHECK(log::format_text(line_at("info", "one\ntwo"), true) ==
        "2026-11-30T12:00:00Z crmexport: one\n2026-11-30T12:00:00Z two\n");
}

TEST_CASE("JSON lines hold time, level, message, and connection, type and exit code when known", "[log]") {
  auto line = line_at("error", "no \"type\"\tthere");
  CHECK(log::format_json(line) ==
        "{\"time\":\"2026-11-30T12:00:00Z\",\"level\":\"error\",\"message\":\"no \\\"type\\\"\\tthere\"}\n");
  line.connection = "pd";
  line.type = "deals";
  line.exit_code = 5;
  CHECK(log::format_json(line) == "{\"time\":\"2026-11-30T12:00:00Z\",\"level\":\"error\",\"message\":\"no "
                                  "\\\"type\\\"\\tthere\",\"connection\":\"pd\",\"type\":\"deals\",\"exit_code\":5}\n");
  CHECK(log::parse_format("json") == log::Format::json);
  CHECK(log::parse_format("text") == log::Format::text);
  CHECK_FALSE(log::parse_format("yaml"));
}
