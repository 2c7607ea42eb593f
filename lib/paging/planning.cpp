#include "lib/paging/planning.hpp"

#include <algorithm>

namespace crmexport::paging {

bool fit_list_param(std::string_view path, http::Query& query, std::string_view param, std::string fallback,
                    size_t max_bytes) {
  if (http::make_url("", path, query).size() <= max_bytes) return true;
  auto found = std::ranges::find(query, param, &http::Query::value_type::first);
  if (found != query.end()) found->second = std::move(fallback);
  return false;
}

FittedBody fit_body(const std::function<std::string(const std::vector<std::string>&)>& make,
                    const std::vector<std::string>& every, const std::vector<std::string>& fallback, size_t max_chars) {
  auto whole = make(every);
  if (whole.size() <= max_chars) return {std::move(whole), true};
  return {make(fallback), false};
}

std::vector<std::vector<std::string>> batches(std::span<const std::string> ids, size_t max) {
  std::vector<std::vector<std::string>> out;
  for (size_t start = 0; start < ids.size(); start += max) {
    auto chunk = ids.subspan(start, std::min(max, ids.size() - start));
    out.emplace_back(chunk.begin(), chunk.end());
  }
  return out;
}

std::unordered_map<std::string, const std::string*> by_id(
    std::span<const json::Page> answers, const std::function<std::optional<std::string>(std::string_view)>& id_of) {
  std::unordered_map<std::string, const std::string*> found;
  for (const auto& answer : answers)
    for (const auto& record : answer.records)
      if (auto id = id_of(record)) found[*id] = &record;
  return found;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  for (;;) {
    auto at = text.find(separator, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

}  // namespace crmexport::paging
