#pragma once
// Helpers for page planners (providers::PagePlanner) that ask for one request per page when the
// fields they want fit, and fall back to listing ids and reading the records in batches when they
// do not: the budgets (URL length, body length) and the batch arithmetic, written once.
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/http/url.hpp"
#include "lib/json/page.hpp"

namespace crmexport::paging {

// Whether `path` and `query` stay within `max_bytes` once encoded (the base URL not counted). If
// not, the value of `param` becomes `fallback` (a short list paging still needs); the caller then
// reads what was left out another way. Servers document no URL limit and answer 414 past theirs.
bool fit_list_param(std::string_view path, http::Query& query, std::string_view param, std::string fallback,
                    size_t max_bytes);

// A request body asking for every field when it stays within `max_chars`, else the one asking for
// `fallback` only; `complete` says which.
struct FittedBody {
  std::string body;
  bool complete = false;
};
FittedBody fit_body(const std::function<std::string(const std::vector<std::string>&)>& make,
                    const std::vector<std::string>& every, const std::vector<std::string>& fallback, size_t max_chars);

// `ids` in batches of at most `max` (a batch-read endpoint's cap), in order.
std::vector<std::vector<std::string>> batches(std::span<const std::string> ids, size_t max);

// The records of batch-read answers by id, to put back in the listing's order (a record deleted
// between the listing and the read is simply absent). Records without an id are left out.
std::unordered_map<std::string, const std::string*> by_id(
    std::span<const json::Page> answers, const std::function<std::optional<std::string>(std::string_view)>& id_of);

// `text` split at each `separator`; nothing for empty text.
std::vector<std::string> split(std::string_view text, char separator);

}  // namespace crmexport::paging
