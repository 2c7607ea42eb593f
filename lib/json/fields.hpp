#pragma once
// Reading envelope fields by JSON pointer. Envelope numbers are stored as strings (see page.hpp),
// so these accept either form.
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::json {

const rapidjson::Value* find(const rapidjson::Value& root, std::string_view pointer);
// The text of a string or number; nullopt when absent, null, or another type.
std::optional<std::string> text_at(const rapidjson::Value& root, std::string_view pointer);
// An integer given as a number or a numeric string.
std::optional<int64_t> int_at(const rapidjson::Value& root, std::string_view pointer);
std::optional<bool> bool_at(const rapidjson::Value& root, std::string_view pointer);
std::optional<int64_t> parse_int(std::string_view text);
// A position the provider hands back (a next cursor, an offset): its text; nullopt when absent,
// null or empty. An object, array or boolean there is a malformed answer (ErrorKind::provider),
// never the end of the list: ending there would pass a truncated export off as complete.
Result<std::optional<std::string>> position_at(const rapidjson::Value& root, std::string_view pointer);

}  // namespace crmexport::json
