#include "lib/engine/page_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "lib/core/log.hpp"

namespace crmexport::engine {
namespace {

// A page that does not parse is asked for again this many times before the run fails: a
// proxy or a provider hiccup can truncate one answer, but a provider that always answers
// nonsense must not be asked forever.
constexpr int k_malformed_retries = 2;

Result<http::Query> build_query(const providers::TypeSpec& type, const PageQuery& request, std::string_view position,
                                int page_size) {
  http::Query query = type.fixed_params;
  if (auto paged = type.paging->add_params(position, page_size, query); !paged) return std::unexpected(paged.error());
  if (request.since && type.since)
    query.emplace_back(type.since->param, type.since->value_prefix + format_time(*request.since, type.since->format));
  auto reserved = type.paging->param_names();
  if (type.since) reserved.push_back(type.since->param);
  for (const auto& [name, value] : request.params) {
    bool taken = std::ranges::find(reserved, name) != reserved.end() ||
                 std::ranges::any_of(query, [&](const auto& q) { return q.first == name; });
    if (taken)
      return fail(ErrorKind::usage, fmt::format("--param {} would replace a parameter crmexport sets itself; use "
                                                "--page-size, --cursor or --since instead",
                                                name));
    query.emplace_back(name, value);
  }
  return query;
}

Result<json::Page> fetch_page(Session& session, const providers::TypeSpec& type, const http::Query& query) {
  for (int attempt = 0;; ++attempt) {
    auto response = session.get(type.path, query);
    if (!response) return std::unexpected(response.error());
    auto page = json::parse_page(response->body, type.records_at);
    if (page || attempt == k_malformed_retries) {
      if (!page) page.error().message = fmt::format("{}: {}", type.path, page.error().message);
      return page;
    }
    log::debug("{}: {}; asking again", type.path, page.error().message);
  }
}

}  // namespace

int effective_page_size(const providers::TypeSpec& type, int requested) {
  return requested > 0 ? std::min(requested, type.max_page_size) : type.max_page_size;
}

Result<void> read_pages(Session& session, const providers::TypeSpec& type, const PageQuery& request, std::string start,
                        const PageHandler& on_page) {
  int page_size = effective_page_size(type, request.page_size);
  std::string position = std::move(start);
  std::unordered_set<std::string> seen{position};
  for (long number = 1;; ++number) {
    auto query = build_query(type, request, position, page_size);
    if (!query) return std::unexpected(query.error());
    auto page = fetch_page(session, type, *query);
    if (!page) return std::unexpected(page.error());
    auto next = type.paging->next(*page, position, page_size);
    if (!next) return std::unexpected(next.error());

    PageRead read{position, *page, *next, number};
    auto flow = on_page(read);
    if (!flow) return std::unexpected(flow.error());
    if (*flow == Flow::stop || !*next) return {};
    if (!seen.insert(**next).second)
      return fail(ErrorKind::provider,
                  fmt::format("{}: the provider sent the cursor '{}' again after {} pages; stopping "
                              "rather than looping forever",
                              type.name, **next, number));
    position = std::move(**next);
  }
}

}  // namespace crmexport::engine
