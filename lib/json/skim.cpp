#include "lib/json/skim.hpp"

#include <cstring>

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

// The index after the value at `at`, or k_none; `elements` gets an array's element count. Depth
// is a counter, not recursion: a server's nesting costs nothing here.
std::size_t skip_value(std::string_view s, std::size_t at, long& elements) {
  elements = 0;
  if (at >= s.size()) return k_none;
  if (s[at] == '"') return skip_string(s, at);
  if (s[at] != '{' && s[at] != '[') {
    while (at < s.size() && s[at] != ',' && s[at] != '}' && s[at] != ']' && !is_space(s[at])) ++at;
    return at;
  }
  long depth = 0, commas = 0;
  bool empty = true;
  for (; at < s.size(); ++at) {
    const char c = s[at];
    if (c == '"') {
      if (depth == 1) empty = false;
      at = skip_string(s, at);
      if (at == k_none) return k_none;
      --at;
    } else if (c == '{' || c == '[') {
      if (depth == 1) empty = false;
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        elements = empty ? 0 : commas + 1;
        return at + 1;
      }
    } else if (depth == 1) {
      if (c == ',') ++commas;
      else if (!is_space(c)) empty = false;
    }
  }
  return k_none;
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
