#pragma once
// One way to write JSON for every fake endpoint and the dump, so both produce the same bytes.
// Numbers are written as integers or raw decimal text, never through double formatting, so the
// text of a value like 1500.75 or 9007199254740993 is stable and exact.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm_fake {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_key(JsonWriter& w, std::string_view key);
void write_string(JsonWriter& w, std::string_view value);
void write_optional_string(JsonWriter& w, const std::optional<std::string>& value);
void write_optional_int(JsonWriter& w, std::optional<std::int64_t> value);

// "key": value pairs, to keep record writers one line per field.
void write_int_field(JsonWriter& w, std::string_view key, std::int64_t value);
void write_optional_int_field(JsonWriter& w, std::string_view key, std::optional<std::int64_t> value);
void write_bool_field(JsonWriter& w, std::string_view key, bool value);
void write_string_field(JsonWriter& w, std::string_view key, std::string_view value);
void write_optional_string_field(JsonWriter& w, std::string_view key, const std::optional<std::string>& value);
void write_null_field(JsonWriter& w, std::string_view key);
void write_int_array(JsonWriter& w, std::string_view key, const std::vector<std::int64_t>& values);

// Money and other decimals are carried as hundredths: whole amounts print as integers ("200"),
// others with the shortest exact decimals ("1500.75", "12.5").
void write_hundredths(JsonWriter& w, std::int64_t hundredths);
std::string hundredths_text(std::int64_t hundredths);

std::string base64url_encode(std::string_view bytes);
// Accepts the URL-safe and the standard alphabet, padded or not.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace crm_fake
