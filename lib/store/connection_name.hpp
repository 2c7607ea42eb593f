#pragma once
// The one rule for connection names. A name becomes a folder (`export --all -o DIR/NAME/`), a
// word in every log line and message about its connection, and a word people type: so it is a
// plain word, never a path, and nothing in it can move the cursor or hide a character.
#include <cstddef>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::store {

inline constexpr std::size_t k_max_connection_name = 64;
// The rule in a few words, for messages.
inline constexpr std::string_view k_connection_name_rule =
    "letters, digits, '-', '_', '.', not starting with '.' or '-', at most 64";

// Usage error naming `name` (escaped) unless it is 1 to 64 ASCII letters, digits, '-', '_' or
// '.', not starting with '.' or '-': for a name about to be stored (`--name`).
Result<void> check_connection_name(std::string_view name);
// The same rule for a name read from the store (written by another tool, a hand edit or a
// crmexport from before the rule): its usage error says how to remove the connection.
Result<void> check_stored_name(std::string_view name);

}  // namespace crmexport::store
