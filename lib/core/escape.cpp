#include "lib/core/escape.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <utility>

namespace crmexport {
namespace {

// The code point of the well-formed UTF-8 sequence at text[i] and its length (RFC 3629: no
// overlong forms, surrogates or values past U+10FFFF); length 0 when there is none.
std::pair<std::uint32_t, size_t> code_point_at(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  const size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                        : lead >= 0xE0 && lead <= 0xEF ? 3
                        : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                       : 0;
  if (length == 0) return {0, 0};
  constexpr std::uint32_t k_minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  std::uint32_t value = lead & (0x7Fu >> length);
  if (i + length > text.size()) return {0, 0};
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return {0, 0};
    value = (value << 6) | (byte(i + k) & 0x3Fu);
  }
  if (value < k_minimum[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {0, 0};
  return {value, length};
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
    } else if (auto [value, length] = code_point_at(text, i); length != 0) {
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
