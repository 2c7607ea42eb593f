#include "lib/engine/page_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "lib/core/interrupt.hpp"
#include "lib/core/log.hpp"
#include "lib/engine/fetch_ahead.hpp"
#include "lib/json/fields.hpp"
#include "lib/json/skim.hpp"

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

// A page with records that the parse could not cut at its commas (whitespace between records,
// for one) cost several times the CPU; -v says so, since the records are the same either way.
void note_read_value_by_value(std::string_view path, const Result<json::Page>& page) {
  if (page && !page->split_at_commas && !page->records.empty())
    log::debug("{}: the records are not a compact array; reading them value by value", path);
}

Result<json::Page> fetch_planned(Session& session, const providers::PlannedRequest& planned,
                                 const providers::TypeSpec& type, http::RequestMeter* meter) {
  for (int attempt = 0;; ++attempt) {
    auto response = session.send(planned, meter, type.request_cost);
    if (!response) return std::unexpected(response.error());
    auto page = json::parse_page(response->body, planned.records_at);
    note_read_value_by_value(planned.path, page);
    if (page || attempt == k_malformed_retries) {
      if (!page) page.error().message = fmt::format("{} {}: {}", planned.method, planned.path, page.error().message);
      return page;
    }
    log::debug("{}: {}; asking again", planned.path, page.error().message);
  }
}

Result<void> check_params(const providers::PagePlanner& planner, const http::Query& params) {
  auto reserved = planner.param_names();
  for (const auto& [name, value] : params)
    if (std::ranges::find(reserved, name) != reserved.end())
      return fail(ErrorKind::usage, fmt::format("--param {} would replace a parameter crmexport sets itself; use "
                                                "--page-size, --cursor, --since, --fields, --associations or "
                                                "--archived instead",
                                                name));
  return {};
}

// One planned page: ask for the planner's requests until it has what it needs, then assemble.
// Answers that parse but do not fit together (a next cursor that is an object) are asked for
// again like a page that does not parse.
// `envelope` gets the first answer's envelope (where a search reports its total).
Result<providers::AssembledPage> fetch_assembled(Session& session, const providers::TypeSpec& type,
                                                 const providers::ReadAsk& ask, std::span<const json::Page> prelude,
                                                 std::string_view position, http::RequestMeter* meter,
                                                 rapidjson::Document& envelope) {
  const auto& planner = *type.planner;
  for (int attempt = 0;; ++attempt) {
    std::vector<json::Page> answers;
    for (;;) {
      auto requests = planner.requests(ask, prelude, position, answers);
      if (!requests) return std::unexpected(requests.error());
      if (requests->empty()) break;
      for (const auto& planned : *requests) {
        auto page = fetch_planned(session, planned, type, meter);
        if (!page) return std::unexpected(page.error());
        answers.push_back(std::move(*page));
      }
    }
    auto assembled = planner.assemble(ask, prelude, position, answers);
    if (assembled && !answers.empty()) envelope = std::move(answers.front().envelope);
    if (assembled || assembled.error().kind != ErrorKind::provider || attempt == k_malformed_retries) return assembled;
    log::debug("{}; asking again", assembled.error().message);
  }
}

// Larger requests are clamped to the provider's cap; 0 means the cap.
int effective_page_size(const providers::TypeSpec& type, int requested) {
  return requested > 0 ? std::min(requested, type.max_page_size) : type.max_page_size;
}

// Whether the run's caps leave room for one more page of this type (one request; a planned page
// that needs more is stopped by the client's hard cap instead).
bool budget_allows_page(Session& session, const providers::TypeSpec& type) {
  const auto* budget = session.budget();
  return !budget || budget->affords(1, type.request_cost);
}

// The loop both kinds of type share: the page at `start`, then each next one until the last,
// the handler's stop, a failure, an interruption or the run's budget. Pages are fetched ahead on
// a helper thread (FetchAhead) when nothing known before handling would stop there (the caller's
// page and record limits, the budget, SIGINT, a repeated position), so no request is spent that
// the loop without it would not have spent. Where a skim names the next position, that request
// leaves before this page is parsed; it is dropped if the parse names another.
Result<ReadEnd> drive_pages(Session& session, const providers::TypeSpec& type, const PageQuery& request,
                            std::string start, const PageSource& source, const PageHandler& on_page) {
  std::string position = std::move(start);
  std::unordered_set<std::string> seen{position};
  auto within_limits = [&](long pages, long records) {
    return (request.max_pages <= 0 || pages < request.max_pages) &&
           (request.max_records <= 0 || records < request.max_records);
  };
  auto may_ask = [&](long pages, long records) {
    return within_limits(pages, records) && !interrupted() && budget_allows_page(session, type);
  };
  FetchAhead ahead(source, may_ask, request.skip_first);
  bool pending = false;     // whether `position` was asked of `ahead`
  long pages = 0, records = 0;  // handled, records as they count towards the limits
  for (long number = 1;; ++number) {
    // Between pages: a safe point. A page fetched ahead is dropped unread, as if never asked.
    if (interrupted()) return std::unexpected(interrupted_error());
    if (!pending) {
      if (!budget_allows_page(session, type)) return ReadEnd{position};
      ahead.ask(position, pages, records);
    }
    auto taken = ahead.take();
    Result<FetchedPage> fetched = std::unexpected(Error{});
    for (int attempt = 0;; ++attempt) {
      if (!taken.arrival) return std::unexpected(taken.arrival.error());
      fetched = source.finish(*taken.arrival, position);
      if (fetched || fetched.error().kind != ErrorKind::provider || attempt == k_malformed_retries) break;
      log::debug("{}; asking again", fetched.error().message);
      ahead.ask(position, pages, records);  // drops what was asked on the word of this answer
      taken = ahead.take();
    }
    if (!fetched) return std::unexpected(fetched.error());
    const auto& next = fetched->next;
    PageRead read{position, fetched->page, next, number};
    const long counted = counted_records(static_cast<long>(read.page.records.size()), pages, request.skip_first);

    bool repeated = next && seen.contains(*next);
    // A page already asked on the skim's word spent its budget then; the parsed count may still
    // reach a limit the skim's did not.
    bool asks = next && !repeated &&
                (taken.chained == next ? within_limits(pages + 1, records + counted)
                                       : may_ask(pages + 1, records + counted));
    if (taken.chained != (asks ? next : std::nullopt)) {
      if (taken.chained)
        log::debug("{}: the parsed page disagrees with its skim; dropping the page asked for early", type.path);
      if (asks)
        ahead.ask(*next, pages + 1, records + counted);
      else
        ahead.drop();
    }
    pending = asks;

    auto flow = on_page(read);
    if (!flow) return std::unexpected(flow.error());
    ++pages;
    records += counted;
    if (*flow == Flow::stop || !next) return ReadEnd{};
    if (repeated)
      return fail(ErrorKind::provider,
                  fmt::format("{}: the provider sent the {} '{}' again after {} pages; stopping "
                              "rather than looping forever",
                              type.name, type.planner ? "position" : "cursor", *next, number));
    seen.insert(*next);
    position = *next;
  }
}

Result<ReadEnd> read_planned_pages(Session& session, const providers::TypeSpec& type, const PageQuery& request,
                                   std::string start, const PageHandler& on_page) {
  const auto& planner = *type.planner;
  if (auto checked = check_params(planner, request.params); !checked) return std::unexpected(checked.error());
  providers::ReadAsk ask{effective_page_size(type, request.page_size),
                         request.since,
                         request.params,
                         request.properties,
                         request.associations,
                         request.archived};
  std::vector<json::Page> prelude;
  for (const auto& planned : planner.prelude(ask)) {
    auto page = fetch_planned(session, planned, type, request.meter);
    if (!page) return std::unexpected(page.error());
    prelude.push_back(std::move(*page));
  }
  // fetch_assembled asks again itself; finishing is handing over what it assembled.
  PageSource source;
  source.reach = [&](const std::string& position, const std::function<void()>&) -> Result<Arrival> {
    FetchedPage fetched{json::Page{}, std::nullopt};
    fetched.page.envelope.SetObject();
    // The first answer's envelope stays the page's (its total, where the provider reports one).
    auto assembled = fetch_assembled(session, type, ask, prelude, position, request.meter, fetched.page.envelope);
    if (!assembled) return std::unexpected(assembled.error());
    fetched.page.records = std::move(assembled->records);
    fetched.next = std::move(assembled->next);
    Arrival arrival;
    arrival.assembled = std::move(fetched);
    return arrival;
  };
  source.finish = [](Arrival& arrival, const std::string&) -> Result<FetchedPage> {
    return std::move(*arrival.assembled);
  };
  return drive_pages(session, type, request, std::move(start), source, on_page);
}

}  // namespace

std::optional<long> reported_total(const providers::TypeSpec& type, const PageRead& read) {
  if (type.total_at.empty() || read.number != 1 || !read.position.empty()) return std::nullopt;
  auto total = json::int_at(read.page.envelope, type.total_at);
  if (!total || *total < 0) return std::nullopt;
  return static_cast<long>(*total);
}

Result<ReadEnd> read_pages(Session& session, const providers::TypeSpec& type, const PageQuery& request,
                           std::string start, const PageHandler& on_page) {
  if (type.planner) return read_planned_pages(session, type, request, std::move(start), on_page);
  int page_size = effective_page_size(type, request.page_size);
  // A --param that clashes with crmexport's own fails before anything is asked.
  if (auto first = build_query(type, request, start, page_size); !first) return std::unexpected(first.error());
  const bool skims = !type.paging->reads_records();
  PageSource source;
  source.reach = [&](const std::string& position, const std::function<void()>& on_sent) -> Result<Arrival> {
    auto query = build_query(type, request, position, page_size);
    if (!query) return std::unexpected(query.error());
    auto response = session.get(type.path, *query, request.meter, type.request_cost, on_sent);
    if (!response) return std::unexpected(response.error());
    Arrival arrival;
    arrival.body = std::move(response->body);
    if (skims)
      if (auto skim = json::skim_page(arrival.body, type.records_at, type.records_member, &arrival.records_array))
        if (auto next = type.paging->next(*skim, position, page_size)) {
          arrival.early_next = std::move(*next);
          arrival.early_records = static_cast<long>(skim->records.size());
        }
    return arrival;
  };
  // A page that does not parse, or whose envelope names no usable next position (a cursor that
  // is an object), is malformed: asked again, then the run's failure.
  source.finish = [&](Arrival& arrival, const std::string& position) -> Result<FetchedPage> {
    auto page = json::parse_page(arrival.body, type.records_at, type.records_member,
                                 arrival.records_array ? &*arrival.records_array : nullptr);
    note_read_value_by_value(type.path, page);
    Result<std::optional<std::string>> next = std::nullopt;
    if (page) next = type.paging->next(*page, position, page_size);
    if (next && page) return FetchedPage{std::move(*page), std::move(*next)};
    Error error = page ? next.error() : page.error();
    error.message = fmt::format("{}: {}", type.path, error.message);
    return std::unexpected(std::move(error));
  };
  return drive_pages(session, type, request, std::move(start), source, on_page);
}

}  // namespace crmexport::engine
