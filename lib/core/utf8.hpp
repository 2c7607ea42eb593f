#pragma once
// Making a provider's strings valid UTF-8 before they are written anywhere: JSON (RFC 8259 §8.1)
// and the CSV readers people use require it, and one bad byte would make a whole file unreadable.
// In lib/core, not lib/json: the log (log_format.*) reads text a character at a time with it too,
// and lib/core depends on nothing above it.
#include <cstddef>
#include <string>
#include <string_view>

namespace crmexport {

inline constexpr std::string_view k_replacement_character = "\xEF\xBF\xBD";  // U+FFFD

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values past
// U+10FFFF).
bool is_valid_utf8(std::string_view text);
// The length of the well-formed sequence (one character) starting at `text[at]`, 1 to 4; 0 when
// the bytes there are not one (a stray continuation byte, a truncated or overlong sequence).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);
// `text` with each maximal ill-formed subsequence replaced by U+FFFD (the Unicode standard's
// recommended practice, as in ICU and WHATWG decoders).
std::string to_valid_utf8(std::string_view text);

}  // namespace crmexport
