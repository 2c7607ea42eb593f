#pragma once
// Text from outside (a name read from the store, a word from the command line) as a message may
// show it: no control character or look-alike reaches the terminal or a log line, and the text
// shown can be pasted back into a shell to name the same bytes.
#include <string>
#include <string_view>

namespace crmexport {

// Printable ASCII as it is, `\` and `'` after a backslash, every other character as \uXXXX
// (\UXXXXXXXX beyond U+FFFF) and a byte that is not UTF-8 as \xNN: the escapes bash reads in $'...'.
std::string escaped(std::string_view text);
// A shell word for `text`: 'text' when nothing needed escaping, else $'escaped(text)'.
std::string shell_word(std::string_view text);

}  // namespace crmexport
