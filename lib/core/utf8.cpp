#include "lib/core/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace crmexport {
namespace {

// The length of the well-formed sequence at `text[at]`, or 0 with `bad` set to how many bytes
// make up the maximal ill-formed subsequence to replace (at least 1).
std::size_t sequence_length(std::string_view text, std::size_t at, std::size_t& bad) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  bad = 1;
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte (Unicode table 3-7)
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (at + i >= text.size()) return 0;
    const unsigned char c = byte(at + i);
    if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) return 0;
    bad = i + 1;  // a valid prefix is replaced as one unit
  }
  return length;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  std::size_t bad = 0;
  return sequence_length(text, at, bad);
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t at = 0, bad = 0; at < text.size();) {
    // Most of a CRM's text is ASCII: eight bytes at a time while none has its high bit set.
    for (std::uint64_t word = 0; at + sizeof word <= text.size(); at += sizeof word) {
      std::memcpy(&word, text.data() + at, sizeof word);
      if (word & 0x8080808080808080ULL) break;
    }
    if (at == text.size()) break;
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      ++at;
      continue;
    }
    const std::size_t length = sequence_length(text, at, bad);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t at = 0, bad = 0; at < text.size();) {
    const std::size_t length = sequence_length(text, at, bad);
    if (length == 0) {
      out += k_replacement_character;
      at += bad;
    } else {
      out.append(text.substr(at, length));
      at += length;
    }
  }
  return out;
}

}  // namespace crmexport
