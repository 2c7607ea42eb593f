#include <catch2/catch.hpp>

#include "lib/core/utf8.hpp"

using namespace crmexport;

TEST_CASE("ill-formed UTF-8 becomes U+FFFD per maximal subsequence, well-formed text is kept", "[utf8]") {
  const std::string r = "\xEF\xBF\xBD";
  CHECK(is_valid_utf8("Zoë Ågren 李雷 😀"));
  CHECK(to_valid_utf8("Zoë Ågren 李雷 😀") == "Zoë Ågren 李雷 😀");
  CHECK_FALSE(is_valid_utf8("a\xff"));
  CHECK(to_valid_utf8("a\xff"
                      "b") == "a" + r + "b");
  CHECK(to_valid_utf8("\xc3(") == r + "(");                                // a lead byte without its continuation
  CHECK(to_valid_utf8("\xe2\x82") == r);                                   // a truncated sequence is one unit
  CHECK(to_valid_utf8("\xed\xa0\x80") == r + r + r);                       // a UTF-16 surrogate is not UTF-8
  CHECK(to_valid_utf8("\xc0\xaf") == r + r);                               // overlong '/'
  CHECK(to_valid_utf8("\xf4\x90\x80\x80") == r + r + r + r);               // past U+10FFFF
  CHECK(to_valid_utf8(std::string("a\0b", 3)) == std::string("a\0b", 3));  // NUL is valid UTF-8
}
