#include "providers/hubspot/search_position.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

#include "lib/json/fields.hpp"
#include "lib/paging/planning.hpp"

namespace crmexport::providers::hubspot {

using paging::split;

bool id_less(std::string_view a, std::string_view b) { return a.size() != b.size() ? a.size() < b.size() : a < b; }

std::string SearchPosition::text() const {
  auto joined = fmt::format("{}", fmt::join(ids, ","));
  if (ties) return fmt::format("t;{};{};{}", bound, last_id, joined);
  return fmt::format("w;{};{};{};{};{};{}", bound, strict ? "gt" : "gte", read, last_time, joined, after);
}

Result<SearchPosition> parse_search_position(std::string_view text, const ReadAsk& ask) {
  SearchPosition p;
  if (text.empty()) {
    p.bound = std::chrono::duration_cast<std::chrono::milliseconds>(ask.since->time_since_epoch()).count();
    return p;
  }
  auto bad = [&] {
    return fail(ErrorKind::usage, fmt::format("'{}' is not a HubSpot --since position; use the cursor "
                                              "crmexport printed for the same --since",
                                              text));
  };
  if (text.starts_with("t;")) {
    auto parts = split(text.substr(2), ';');
    if (parts.size() != 3) return bad();
    auto bound = json::parse_int(parts[0]);
    if (!bound) return bad();
    p.ties = true;
    p.bound = *bound;
    p.last_id = parts[1];
    p.ids = split(parts[2], ',');
    return p;
  }
  if (!text.starts_with("w;")) return bad();
  // The cursor `after` comes last and may hold anything.
  std::vector<std::string> parts;
  size_t start = 2;
  for (int i = 0; i < 5; ++i) {
    auto at = text.find(';', start);
    if (at == std::string_view::npos) return bad();
    parts.emplace_back(text.substr(start, at - start));
    start = at + 1;
  }
  auto bound = json::parse_int(parts[0]);
  auto read = json::parse_int(parts[2]);
  auto last = json::parse_int(parts[3]);
  if (!bound || !read || !last || (parts[1] != "gt" && parts[1] != "gte")) return bad();
  p.bound = *bound;
  p.strict = parts[1] == "gt";
  p.read = *read;
  p.last_time = *last;
  p.ids = split(parts[4], ',');
  p.after = std::string(text.substr(start));
  return p;
}

int search_limit(const ReadAsk& ask, const SearchPosition& p) {
  if (p.ties) return ask.page_size;
  return static_cast<int>(std::clamp<int64_t>(k_search_cap - p.read, 1, ask.page_size));
}

}  // namespace crmexport::providers::hubspot
