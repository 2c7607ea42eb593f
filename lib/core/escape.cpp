#include "lib/core/escape.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "lib/core/utf8.hpp"

namespace crmexport {
namespace {

// The code point of the one well-formed UTF-8 character of `length` bytes at text[i].
std::uint32_t code_point(std::string_view text, size_t i, size_t length) {
  const auto byte = [&](size_t k) { return static_cast<std::uint8_t>(text[k]); };
  std::uint32_t value = byte(i) & (0x7Fu >> length);
  for (size_t k = 1; k < length; ++k) value = (value << 6) | (byte(i + k) & 0x3Fu);
  return value;
}

}  // namespace

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x80) {
      out += fmt::format("\\u{:04x}", c);
      ++i;
    } else if (const size_t length = utf8_sequence_length(text, i); length != 0) {
      const auto value = code_point(text, i, length);
      out += value > 0xFFFF ? fmt::format("\\U{:08x}", value) : fmt::format("\\u{:04x}", value);
      i += length;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  return out;
}

std::string shell_word(std::string_view text) {
  auto shown = escaped(text);
  return shown == text ? "'" + shown + "'" : "$'" + shown + "'";
}

}  // namespace crmexport
