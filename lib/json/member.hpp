#pragma once
// Reading and adding one top-level member of a record kept as JSON text, without the record's
// numbers ever passing through double (see page.hpp): providers that build one record from
// several answers merge this way.
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::json {

// The compact JSON text of `record`'s top-level member `key` (numbers as written), or nullopt
// when the record has no such member. Fails when `record` is not a JSON object.
Result<std::optional<std::string>> member_text(std::string_view record, std::string_view key);

// `record` (a compact JSON object) with `"key":value_json` added as its last member.
std::string with_member(std::string_view record, std::string_view key, std::string_view value_json);

}  // namespace crmexport::json
