#pragma once
// How a message line looks on stderr: plain for a person at a terminal, timestamped when stderr
// goes to a file or a pipe (cron, systemd), or one JSON object per line for log collectors.
// Kept apart from log::write, which decides what is written and where.
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/time.hpp"

namespace crmexport::log {

enum class Format { text, json };

// Everything a line can say; empty fields are left out.
struct Line {
  TimePoint time;
  std::string_view level;       // "error", "warning", "info", "debug"
  std::string_view message;     // without the "crmexport: " and level prefixes
  std::string_view connection;  // the connection the run uses, once it is known
  std::string_view type;        // the type the message is about
  std::optional<int> exit_code;  // on the line that ends the run
};

// "crmexport: warning: MESSAGE\n", preceded by "2026-11-30T12:00:00Z " when `timestamps`; a
// message of several lines gets the timestamp on each.
std::string format_text(const Line& line, bool timestamps);
// {"time":"2026-11-30T12:00:00Z","level":"warning","message":"...","connection":"pd","type":"deals","exit_code":5}
std::string format_json(const Line& line);

// `text` made inert for a terminal, whatever a server or a store put in it, so that it can only
// be read, never obeyed:
// - tab, newline and carriage return become a space: a message stays one line;
// - every other C0 control (NUL, BEL, ESC...), DEL, and every C1 control (U+0080 to U+009F:
//   U+009B is CSI, ESC [ in one character) become the six characters \u00XX;
// - a byte that is not part of well-formed UTF-8 becomes the four characters \xNN: a terminal
//   reading bytes as Latin-1 takes a lone 0x9B for CSI too.
// Everything else, other languages included, is kept. Printable text is left as it is, so
// applying it twice changes nothing. The JSON format writes the result as the message, so a
// message read back from a log (jq -r) is as inert as on the terminal.
std::string printable(std::string_view text);

// "text" or "json" in any case; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);

}  // namespace crmexport::log
