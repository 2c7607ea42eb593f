#pragma once
// Reading envelope fields by JSON pointer. Envelope numbers are stored as strings (see page.hpp),
// so these accept either form.
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crmexport::json {

const rapidjson::Value* find(const rapidjson::Value& root, std::string_view pointer);
// The text of a string or number; nullopt when absent, null, or another type.
std::optional<std::string> text_at(const rapidjson::Value& root, std::string_view pointer);
// An integer given as a number or a numeric string.
std::optional<int64_t> int_at(const rapidjson::Value& root, std::string_view pointer);
std::optional<bool> bool_at(const rapidjson::Value& root, std::string_view pointer);
std::optional<int64_t> parse_int(std::string_view text);

}  // namespace crmexport::json
