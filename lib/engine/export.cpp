#include "lib/engine/export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "lib/core/log.hpp"
#include "lib/engine/resume.hpp"
#include "lib/json/page.hpp"

namespace crmexport::engine {
namespace {

// A page that does not parse is asked for again this many times before the run fails: a
// proxy or a provider hiccup can truncate one answer, but a provider that always answers
// nonsense must not be asked forever.
constexpr int k_malformed_retries = 2;

Result<http::Query> build_query(const providers::TypeSpec& type, const ExportOptions& options,
                                std::string_view position, int page_size) {
  http::Query query = type.fixed_params;
  if (auto paged = type.paging->add_params(position, page_size, query); !paged) return std::unexpected(paged.error());
  if (options.since && type.since)
    query.emplace_back(type.since->param, format_time(*options.since, type.since->format));
  auto reserved = type.paging->param_names();
  if (type.since) reserved.push_back(type.since->param);
  for (const auto& [name, value] : options.params) {
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

Result<ExportResult> export_type(Session& session, const providers::TypeSpec& type, const ExportOptions& options,
                                 output::RecordWriter& writer, Progress& progress) {
  auto start = parse_resume(options.cursor);
  if (!start) return std::unexpected(start.error());
  int page_size = options.page_size > 0 ? std::min(options.page_size, type.max_page_size) : type.max_page_size;
  if (options.page_size > type.max_page_size)
    log::info("{}: --page-size {} is above {}'s cap; using {}", type.name, options.page_size, session.provider().title,
              type.max_page_size);
  if (options.since && !type.since)
    log::warn("{}: {} has no change filter for this type; --since is ignored and every record is exported", type.name,
              session.provider().title);

  ExportResult result;
  std::string position = start->position;
  long skip = start->skip;
  std::unordered_set<std::string> seen{position};

  for (;;) {
    auto query = build_query(type, options, position, page_size);
    if (!query) return std::unexpected(query.error());
    auto page = fetch_page(session, type, *query);
    if (!page) return std::unexpected(page.error());
    auto next = type.paging->next(page->envelope, page->records.size(), position, page_size);
    if (!next) return std::unexpected(next.error());

    auto& records = page->records;
    size_t index = std::min(static_cast<size_t>(skip), records.size());
    for (; index < records.size(); ++index) {
      if (options.max_records > 0 && result.records >= options.max_records) break;
      writer.write(records[index]);
      ++result.records;
    }
    writer.end_page();
    ++result.pages;
    progress.update(result.records, result.pages);

    if (index < records.size()) {  // --max-records stopped inside this page
      result.resume_cursor = format_resume({position, static_cast<long>(index)});
      return result;
    }
    if (!*next) return result;
    if (!seen.insert(**next).second)
      return fail(ErrorKind::provider,
                  fmt::format("{}: the provider sent the cursor '{}' again after {} pages; stopping "
                              "rather than looping forever (records so far: {})",
                              type.name, **next, result.pages, result.records));
    position = std::move(**next);
    skip = 0;
    bool page_limit = options.max_pages > 0 && result.pages >= options.max_pages;
    bool record_limit = options.max_records > 0 && result.records >= options.max_records;
    if (page_limit || record_limit) {
      result.resume_cursor = format_resume({position, 0});
      return result;
    }
  }
}

}  // namespace crmexport::engine
