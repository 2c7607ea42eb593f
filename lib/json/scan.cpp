#include "lib/json/scan.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace crmexport::json {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::size_t skip_space(std::string_view s, std::size_t at) {
  while (at < s.size() && is_space(s[at])) ++at;
  return at;
}

// `at` is an opening quote; the index after its closing quote (memchr to each quote, then whether
// an odd run of backslashes escapes it), or k_not_found.
std::size_t skip_string(std::string_view s, std::size_t at) {
  for (std::size_t from = at + 1; from < s.size();) {
    const void* hit = std::memchr(s.data() + from, '"', s.size() - from);
    if (!hit) return k_not_found;
    const auto quote = static_cast<std::size_t>(static_cast<const char*>(hit) - s.data());
    std::size_t slashes = 0;
    while (quote - slashes > at + 1 && s[quote - slashes - 1] == '\\') ++slashes;
    if (slashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
  return k_not_found;
}

// Where the characters the scan follows are among up to 64 bytes from `p`: one bit per byte.
struct Marks {
  std::uint64_t quote = 0, backslash = 0, open = 0, close = 0, comma = 0;
  std::uint64_t space = 0;  // bytes up to 0x20: whitespace, or a control no valid text has there
};

Marks marks_of(const char* p, std::size_t n) {
  Marks m;
#if defined(__SSE2__)
  if (n == 64) {
    // '[' and '{' differ only in the 0x20 bit, as do ']' and '}'.
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), comma = _mm_set1_epi8(',');
    const __m128i bit5 = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
    for (int i = 0; i < 4; ++i) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const __m128i folded = _mm_or_si128(bytes, bit5);
      const auto bits = [&](__m128i eq) {
        return static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(eq))) << (16 * i);
      };
      m.quote |= bits(_mm_cmpeq_epi8(bytes, quote));
      m.backslash |= bits(_mm_cmpeq_epi8(bytes, backslash));
      m.comma |= bits(_mm_cmpeq_epi8(bytes, comma));
      m.open |= bits(_mm_cmpeq_epi8(folded, open));
      m.close |= bits(_mm_cmpeq_epi8(folded, close));
      m.space |= bits(_mm_cmpeq_epi8(_mm_min_epu8(bytes, bit5), bytes));
    }
    return m;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    if (static_cast<unsigned char>(p[i]) <= 0x20) m.space |= bit;
    switch (p[i]) {
      case '"': m.quote |= bit; break;
      case '\\': m.backslash |= bit; break;
      case ',': m.comma |= bit; break;
      case '{': case '[': m.open |= bit; break;
      case '}': case ']': m.close |= bit; break;
      default: break;
    }
  }
  return m;
}

// Bits of the bytes a backslash escapes, given the backslashes of a block; `carried`: the previous
// block's last byte was an escaping backslash. Backslashes are rare in CRM data: most blocks skip this.
std::uint64_t escaped_of(std::uint64_t backslash, bool& carried) {
  std::uint64_t escaped = carried ? 1 : 0;
  carried = false;
  for (std::uint64_t starts = backslash & ~escaped; starts;) {
    const std::uint64_t bit = starts & -starts;
    if (bit >> 63) carried = true;
    escaped |= bit << 1;
    starts &= ~(bit | bit << 1);  // an escaped backslash escapes nothing
  }
  return escaped;
}

// Each bit set from a quote up to (not including) the next: the bytes inside strings.
std::uint64_t prefix_xor(std::uint64_t x) {
  for (int shift = 1; shift < 64; shift *= 2) x ^= x << shift;
  return x;
}

// `at` is an opening bracket; the index after the bracket that closes it, or k_not_found. `commas`
// gets how many commas are directly inside; `detail`, when not null, the rest of RecordsArray.
// The way simdjson finds structure: 64 bytes at a time, the bytes inside strings are masked out
// with a running XOR of the unescaped quotes, and only the brackets left are visited one by one
// (a page is mostly the inside of strings). Depth is a counter, not recursion: a server's nesting
// costs nothing here.
std::size_t scan_container(std::string_view s, std::size_t at, long& commas, RecordsArray* detail) {
  long depth = 0, deepest = 0;
  commas = 0;
  bool escape_carried = false;
  std::uint64_t in_string = 0;  // all ones when the previous block ended inside a string
  // One bit at a time: commas directly inside are few (one per record), and counting bits is a
  // library call on x86-64 without POPCNT.
  const auto count = [&](std::uint64_t found, std::size_t block) {
    for (; found; found &= found - 1) {
      ++commas;
      if (detail) detail->commas.push_back(block + static_cast<std::size_t>(std::countr_zero(found)));
    }
  };
  for (std::size_t block = at; block < s.size(); block += 64) {
    const Marks m = marks_of(s.data() + block, std::min<std::size_t>(64, s.size() - block));
    const std::uint64_t quotes =
        (m.backslash | escape_carried) ? m.quote & ~escaped_of(m.backslash, escape_carried) : m.quote;
    const std::uint64_t inside = prefix_xor(quotes) ^ in_string;
    in_string = static_cast<std::uint64_t>(-static_cast<std::int64_t>(inside >> 63));
    const std::uint64_t open = m.open & ~inside, comma = m.comma & ~inside;
    std::uint64_t brackets = (m.open | m.close) & ~inside;
    std::uint64_t counted = 0;              // the bits whose commas are counted
    std::uint64_t seen = ~std::uint64_t{0};  // the bits up to the closing bracket
    std::size_t end = k_not_found;
    while (brackets) {
      const std::uint64_t bit = brackets & -brackets;
      brackets &= brackets - 1;
      // Depth changes only at brackets: the commas since the last one are at this depth.
      if (depth == 1) count(comma & (bit - 1) & ~counted, block);
      counted = bit | (bit - 1);
      if (open & bit) {
        if (++depth > deepest) deepest = depth;
      } else if (--depth == 0) {
        seen = counted;
        end = block + static_cast<std::size_t>(std::countr_zero(bit)) + 1;
        break;
      }
    }
    if (detail) {
      if (m.space & ~inside & seen) detail->spaced = true;
      detail->depth = deepest;
    }
    if (end != k_not_found) return end;
    if (depth == 1) count(comma & ~counted, block);
  }
  return k_not_found;
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_space);
}

}  // namespace

std::size_t skip_value(std::string_view s, std::size_t at, long& elements) {
  elements = 0;
  if (at >= s.size()) return k_not_found;
  if (s[at] == '"') return skip_string(s, at);
  if (s[at] != '{' && s[at] != '[') {
    while (at < s.size() && s[at] != ',' && s[at] != '}' && s[at] != ']' && !is_space(s[at])) ++at;
    return at;
  }
  long commas = 0;
  const std::size_t end = scan_container(s, at, commas, nullptr);
  if (end == k_not_found) return k_not_found;
  const bool empty = commas == 0 && is_blank(s.substr(at + 1, end - at - 2));
  elements = empty ? 0 : commas + 1;
  return end;
}

std::size_t find_value(std::string_view s, std::size_t at, std::span<const std::string> path) {
  for (const auto& name : path) {
    at = skip_space(s, at);
    if (at >= s.size() || s[at] != '{') return k_not_found;
    for (++at;;) {
      at = skip_space(s, at);
      if (at >= s.size() || s[at] != '"') return k_not_found;
      const std::size_t key_end = skip_string(s, at);
      if (key_end == k_not_found) return k_not_found;
      const bool match = s.substr(at + 1, key_end - at - 2) == name;
      at = skip_space(s, key_end);
      if (at >= s.size() || s[at] != ':') return k_not_found;
      at = skip_space(s, at + 1);
      if (match) break;
      long ignored = 0;
      at = skip_space(s, skip_value(s, at, ignored));
      if (at >= s.size() || s[at] != ',') return k_not_found;
      ++at;
    }
  }
  return skip_space(s, at);
}

std::optional<RecordsArray> scan_array(std::string_view s, std::size_t at) {
  if (at >= s.size() || s[at] != '[') return std::nullopt;
  RecordsArray array;
  array.begin = at;
  long commas = 0;
  array.end = scan_container(s, at, commas, &array);
  if (array.end == k_not_found) return std::nullopt;
  array.empty = commas == 0 && is_blank(s.substr(at + 1, array.end - at - 2));
  return array;
}

}  // namespace crmexport::json
