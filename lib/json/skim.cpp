#include "lib/json/skim.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace crmexport::json {
namespace {

constexpr std::size_t k_none = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::size_t skip_space(std::string_view s, std::size_t at) {
  while (at < s.size() && is_space(s[at])) ++at;
  return at;
}

// `at` is an opening quote; the index after its closing quote (memchr to each quote, then whether
// an odd run of backslashes escapes it), or k_none.
std::size_t skip_string(std::string_view s, std::size_t at) {
  for (std::size_t from = at + 1; from < s.size();) {
    const void* hit = std::memchr(s.data() + from, '"', s.size() - from);
    if (!hit) return k_none;
    const auto quote = static_cast<std::size_t>(static_cast<const char*>(hit) - s.data());
    std::size_t slashes = 0;
    while (quote - slashes > at + 1 && s[quote - slashes - 1] == '\\') ++slashes;
    if (slashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
  return k_none;
}

// Where the characters the scan follows are among up to 64 bytes from `p`: one bit per byte.
struct Marks {
  std::uint64_t quote = 0, backslash = 0, open = 0, close = 0, comma = 0;
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
    }
    return m;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
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

// `at` is an opening bracket; the index after the bracket that closes it, or k_none; `commas`
// gets the commas directly inside. The way simdjson finds structure: 64 bytes at a time, the
// bytes inside strings are masked out with a running XOR of the unescaped quotes, and only the
// brackets left are visited one by one (a page is mostly the inside of strings). Depth is a
// counter, not recursion: a server's nesting costs nothing here.
std::size_t skip_container(std::string_view s, std::size_t at, long& commas) {
  long depth = 0;
  commas = 0;
  bool escape_carried = false;
  std::uint64_t in_string = 0;  // all ones when the previous block ended inside a string
  for (std::size_t block = at; block < s.size(); block += 64) {
    const Marks m = marks_of(s.data() + block, std::min<std::size_t>(64, s.size() - block));
    const std::uint64_t quotes =
        (m.backslash | escape_carried) ? m.quote & ~escaped_of(m.backslash, escape_carried) : m.quote;
    const std::uint64_t inside = prefix_xor(quotes) ^ in_string;
    in_string = static_cast<std::uint64_t>(-static_cast<std::int64_t>(inside >> 63));
    const std::uint64_t open = m.open & ~inside, comma = m.comma & ~inside;
    std::uint64_t brackets = (m.open | m.close) & ~inside;
    std::uint64_t counted = 0;  // the bits whose commas are counted
    while (brackets) {
      const std::uint64_t bit = brackets & -brackets;
      brackets &= brackets - 1;
      // Depth changes only at brackets: the commas since the last one are at this depth.
      if (depth == 1) commas += std::popcount(comma & (bit - 1) & ~counted);
      counted = bit | (bit - 1);
      if (open & bit) {
        ++depth;
      } else if (--depth == 0) {
        return block + static_cast<std::size_t>(std::countr_zero(bit)) + 1;
      }
    }
    if (depth == 1) commas += std::popcount(comma & ~counted);
  }
  return k_none;
}

// The index after the value at `at`, or k_none; `elements` gets an array's element count.
std::size_t skip_value(std::string_view s, std::size_t at, long& elements) {
  elements = 0;
  if (at >= s.size()) return k_none;
  if (s[at] == '"') return skip_string(s, at);
  if (s[at] != '{' && s[at] != '[') {
    while (at < s.size() && s[at] != ',' && s[at] != '}' && s[at] != ']' && !is_space(s[at])) ++at;
    return at;
  }
  long commas = 0;
  const std::size_t end = skip_container(s, at, commas);
  if (end == k_none) return k_none;
  const bool empty = commas == 0 && skip_space(s, at + 1) == end - 1;
  elements = empty ? 0 : commas + 1;
  return end;
}

// Where the value at `path` starts in the object at `at` (the first member of each name, as
// rapidjson's FindMember finds it), or k_none.
std::size_t find_value(std::string_view s, std::size_t at, std::span<const std::string> path) {
  for (const auto& name : path) {
    at = skip_space(s, at);
    if (at >= s.size() || s[at] != '{') return k_none;
    for (++at;;) {
      at = skip_space(s, at);
      if (at >= s.size() || s[at] != '"') return k_none;
      const std::size_t key_end = skip_string(s, at);
      if (key_end == k_none) return k_none;
      const bool match = s.substr(at + 1, key_end - at - 2) == name;
      at = skip_space(s, key_end);
      if (at >= s.size() || s[at] != ':') return k_none;
      at = skip_space(s, at + 1);
      if (match) break;
      long ignored = 0;
      at = skip_space(s, skip_value(s, at, ignored));
      if (at >= s.size() || s[at] != ',') return k_none;
      ++at;
    }
  }
  return skip_space(s, at);
}

}  // namespace

std::optional<Page> skim_page(std::string_view body, std::span<const std::string> records_at, RecordsMember rule) {
  const std::size_t begin = find_value(body, 0, records_at);
  if (begin == k_none || begin >= body.size()) return std::nullopt;
  long records = 0;
  const std::size_t end = skip_value(body, begin, records);
  if (end == k_none) return std::nullopt;
  const bool array = body[begin] == '[';
  // The envelope alone, parsed like any answer: the records array replaced by an empty one.
  std::string envelope;
  envelope.reserve(begin + 2 + (body.size() - end));
  envelope.append(body.substr(0, begin)).append(array ? "[]" : body.substr(begin, end - begin)).append(body.substr(end));
  auto page = parse_page(envelope, records_at, rule);
  if (!page) return std::nullopt;
  page->records.assign(static_cast<std::size_t>(records), std::string());
  return std::move(*page);
}

}  // namespace crmexport::json
