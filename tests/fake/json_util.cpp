#include "tests/fake/json_util.hpp"

#include <fmt/format.h>

#include <array>
#include <vector>

namespace crm_fake {

void write_key(JsonWriter& w, std::string_view key) { w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }

void write_string(JsonWriter& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_optional_string(JsonWriter& w, const std::optional<std::string>& value) {
  if (value)
    write_string(w, *value);
  else
    w.Null();
}

void write_optional_int(JsonWriter& w, std::optional<std::int64_t> value) {
  if (value)
    w.Int64(*value);
  else
    w.Null();
}

void write_int_field(JsonWriter& w, std::string_view key, std::int64_t value) {
  write_key(w, key);
  w.Int64(value);
}

void write_optional_int_field(JsonWriter& w, std::string_view key, std::optional<std::int64_t> value) {
  write_key(w, key);
  write_optional_int(w, value);
}

void write_bool_field(JsonWriter& w, std::string_view key, bool value) {
  write_key(w, key);
  w.Bool(value);
}

void write_string_field(JsonWriter& w, std::string_view key, std::string_view value) {
  write_key(w, key);
  write_string(w, value);
}

void write_optional_string_field(JsonWriter& w, std::string_view key, const std::optional<std::string>& value) {
  write_key(w, key);
  write_optional_string(w, value);
}

void write_null_field(JsonWriter& w, std::string_view key) {
  write_key(w, key);
  w.Null();
}

void write_int_array(JsonWriter& w, std::string_view key, const std::vector<std::int64_t>& values) {
  write_key(w, key);
  w.StartArray();
  for (const std::int64_t v : values) w.Int64(v);
  w.EndArray();
}

std::string hundredths_text(std::int64_t hundredths) {
  const bool negative = hundredths < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(hundredths) : static_cast<std::uint64_t>(hundredths);
  const std::uint64_t whole = magnitude / 100;
  const std::uint64_t cents = magnitude % 100;
  const char* sign = negative ? "-" : "";
  if (cents == 0) return fmt::format("{}{}", sign, whole);
  if (cents % 10 == 0) return fmt::format("{}{}.{}", sign, whole, cents / 10);
  return fmt::format("{}{}.{:02}", sign, whole, cents);
}

void write_hundredths(JsonWriter& w, std::int64_t hundredths) {
  const std::string text = hundredths_text(hundredths);
  w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
}

std::string base64url_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k_alphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += k_alphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '-' || c == '+')
      value = 62;
    else if (c == '_' || c == '/')
      value = 63;
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // A single leftover character carries fewer than 8 bits: not valid base64.
  if (bits >= 6) return std::nullopt;
  return out;
}

}  // namespace crm_fake
