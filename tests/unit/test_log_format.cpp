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

TEST_CASE("text from outside is made inert: C0, DEL and C1 escaped, bad bytes as \\xNN, one line kept",
          "[log][inert]") {
  // Each escape written out by hand: ESC, BEL, NUL, DEL, U+009B (CSI, C2 9B), a lone 0x9B byte.
  const std::string server = std::string("a\x1b[2Jb\x07") + "c" + '\0' + "d\x7f" + "e\xc2\x9b[31mf\x9bg";
  CHECK(log::printable(server) == "a\\u001b[2Jb\\u0007c\\u0000d\\u007fe\\u009b[31mf\\x9bg");
  CHECK(log::printable("one\ttwo\nthree\r\nfour") == "one two three  four");
  CHECK(log::printable("\x01\x1f\x0b\x0c") == "\\u0001\\u001f\\u000b\\u000c");
  CHECK(log::printable("\xc2\x80\xc2\x9f") == "\\u0080\\u009f");  // the first and last C1 control
  // U+00A0 (C2 A0) and everything past it is text: other languages, "…", emoji stay as they are.
  CHECK(log::printable("\xc2\xa0Zoë Ågren 李雷 😀 …") == "\xc2\xa0Zoë Ågren 李雷 😀 …");
  // Ill-formed UTF-8, byte by byte: a truncated sequence, an overlong '/', a surrogate, past U+10FFFF.
  CHECK(log::printable("x\xe2\x82") == "x\\xe2\\x82");
  CHECK(log::printable("\xc0\xaf") == "\\xc0\\xaf");
  CHECK(log::printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");
  CHECK(log::printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
  CHECK(log::printable("\xc2") == "\\xc2");  // a lead byte at the very end
  // Already inert text is kept: escaping twice changes nothing.
  CHECK(log::printable(log::printable(server)) == log::printable(server));
}

TEST_CASE("an inert message is the same text in the text and the JSON line", "[log][inert]") {
  const std::string server = std::string("HTTP 400: \xc2\x9b[31mred \x9b \x1b[0m\x07") + '\0' + "\x7f!";
  const std::string message = log::printable(server);
  CHECK(message == "HTTP 400: \\u009b[31mred \\x9b \\u001b[0m\\u0007\\u0000\\u007f!");
  CHECK(log::format_text(line_at("error", message), false) ==
        "crmexport: error: HTTP 400: \\u009b[31mred \\x9b \\u001b[0m\\u0007\\u0000\\u007f!\n");
  // JSON escapes the backslashes: read back (jq -r), the message is the text line's, as inert.
  CHECK(log::format_json(line_at("error", message)) ==
        "{\"time\":\"2026-11-30T12:00:00Z\",\"level\":\"error\",\"message\":\"HTTP 400: "
        "\\\\u009b[31mred \\\\x9b \\\\u001b[0m\\\\u0007\\\\u0000\\\\u007f!\"}\n");
}
