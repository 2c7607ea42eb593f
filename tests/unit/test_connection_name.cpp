// The one rule for connection names (a name becomes a folder under -o DIR/, so it is never a
// path), its two messages (a name about to be stored, a name read from the store), and the
// escaping that keeps a stored name's control characters off the terminal.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lib/core/escape.hpp"
#include "lib/store/connection_name.hpp"

using namespace crmexport;

TEST_CASE("a connection name is 1 to 64 ASCII letters, digits, '-', '_', '.', not starting with '.' or '-'",
          "[store][names]") {
  for (const auto& name : std::vector<std::string>{"pipedrive", "acme-2", "Acme_EU", "a", "v1.2", "a..b", "x-", "0",
                                                   "trailing.", std::string(64, 'n')}) {
    INFO(name);
    CHECK(store::check_connection_name(name).has_value());
    CHECK(store::check_stored_name(name).has_value());
  }
  const std::string rule = "(letters, digits, '-', '_', '.', not starting with '.' or '-', at most 64)";
  struct Case {
    std::string name;
    std::string shown;  // in the message, between quotes
  };
  const Case refused[] = {
      {"..", ".."},
      {".", "."},
      {".hidden", ".hidden"},
      {"-x", "-x"},  // read as an option wherever it is typed
      {"a/b", "a/b"},
      {"/abs", "/abs"},
      {"../evil", "../evil"},
      {"a\\b", "a\\\\b"},
      {"a\nb", "a\\u000ab"},
      {"tab\there", "tab\\u0009here"},
      {"nul" + std::string(1, '\0'), "nul\\u0000"},
      {"del\x7f", "del\\u007f"},
      {std::string(65, 'n'), std::string(65, 'n')},
      {"", ""},
      {"caf\xc3\xa9", "caf\\u00e9"},
      {std::string("\xe2\x80\xae") + "evil", "\\u202eevil"},  // RIGHT-TO-LEFT OVERRIDE: reads as another name
      {"bad\xff", "bad\\xff"},
      {"it's", "it\\'s"},
      {"a b", "a b"},
  };
  for (const auto& c : refused) {
    INFO(escaped(c.name));
    auto added = store::check_connection_name(c.name);
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().kind == ErrorKind::usage);
    CHECK(added.error().message ==
          "'" + c.shown + "' cannot be a connection name " + rule + ": give another with --name");
    auto stored = store::check_stored_name(c.name);
    REQUIRE_FALSE(stored.has_value());
    CHECK(stored.error().kind == ErrorKind::usage);
    CHECK(stored.error().message.starts_with("connection '" + c.shown +
                                             "' in the store has a name that is not allowed " + rule +
                                             ": remove it with `crmexport auth remove "));
    CHECK(stored.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("the stored name's message gives a command a shell reads back as the same name", "[store][names]") {
  const auto message = [](std::string_view name) { return store::check_stored_name(name).error().message; };
  const std::string tail = "` and add it again under another name";
  CHECK(message("../evil") ==
        "connection '../evil' in the store has a name that is not allowed (letters, digits, '-', '_', '.', not "
        "starting with '.' or '-', at most 64): remove it with `crmexport auth remove '../evil'" +
            tail);
  CHECK(message("a\nb").ends_with("`crmexport auth remove $'a\\u000ab'" + tail));
  CHECK(message("it's/").ends_with("`crmexport auth remove $'it\\'s/'" + tail));
  CHECK(message("-a/b").ends_with("`crmexport auth remove -- '-a/b'" + tail));
}

TEST_CASE("escaped text shows printable ASCII as it is and everything else as bash's $'' escapes", "[names]") {
  CHECK(escaped("plain-Name_1.x") == "plain-Name_1.x");
  CHECK(escaped("a\r\n\x1b[2J") == "a\\u000d\\u000a\\u001b[2J");
  CHECK(escaped("\xf0\x9f\x98\x80") == "\\U0001f600");  // beyond U+FFFF
  CHECK(escaped("\xc0\xaf") == "\\xc0\\xaf");           // an overlong '/'
  CHECK(escaped("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(escaped("\xe2\x82") == "\\xe2\\x82");           // cut short
  CHECK(shell_word("pd") == "'pd'");
  CHECK(shell_word("a b") == "'a b'");
  CHECK(shell_word("x'y") == "$'x\\'y'");
}
