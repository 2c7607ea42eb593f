#pragma once
// The loop every reader of a type shares (export, sync): build the page's query, fetch it with
// retries, split it, find the next position, refuse a position seen before, and hand each page
// to the caller, who decides whether to go on.
#include <functional>
#include <optional>
#include <string>

#include "lib/core/time.hpp"
#include "lib/engine/session.hpp"
#include "lib/json/page.hpp"

namespace crmexport::engine {

struct PageRead;

// What to ask for besides the position.
struct PageQuery {
  int page_size = 0;  // 0: the type's maximum; larger values are clamped to it
  std::optional<TimePoint> since;
  http::Query params;  // passed through to the provider; may not name a parameter crmexport sets
  // Only types with a PagePlanner use these (others ignore them):
  std::vector<std::string> properties;    // the record properties to ask for; empty: all
  std::vector<std::string> associations;  // related types whose ids to include
  bool archived = false;                  // archived records instead of live ones
  http::RequestMeter* meter = nullptr;    // where this type's requests and tokens are counted
  // The caller's limits, judged before each page is asked for (on a helper thread, at times
  // before the page before it is parsed), so that no request is spent on a page the handler would
  // not take: no page after `max_pages` pages, none once `max_records` records were read, not
  // counting the first `skip_first` records of the first page (a resumed page). 0: no limit.
  long max_pages = 0;
  long max_records = 0;
  long skip_first = 0;
};

// How a read ended when it did not fail.
struct ReadEnd {
  // Set when the run's --max-requests or --max-tokens would not cover the next page: the
  // position that page starts at, for the resume cursor. Nothing of that page was asked.
  std::optional<std::string> budget_stop;
};

// One page as read: what was asked (position), what came (page), where the next starts.
struct PageRead {
  std::string_view position;
  json::Page& page;
  const std::optional<std::string>& next;  // nullopt: this was the last page
  long number;                             // 1 for the first page of this run
};

enum class Flow { more, stop };

using PageHandler = std::function<Result<Flow>(PageRead&)>;

// Reads from `start` (a paging position, "" for the first page) until the last page, or until
// the handler says stop or fails. Pages reach the handler in order, one at a time, on the
// calling thread; the next pages are fetched meanwhile on a helper thread (fetch_ahead.hpp), so
// at most three pages are held. Where the paging strategy can name the next position from a skim
// of an answer, that request leaves as soon as the answer is in, before it is parsed.
Result<ReadEnd> read_pages(Session& session, const providers::TypeSpec& type, const PageQuery& query,
                           std::string start, const PageHandler& on_page);

// A type with a PagePlanner is read by sending the planner's requests and handing it the parsed
// answers; the PageRead's page then has the envelope of the page's first answer (HubSpot
// search's `total`), without its records. Everything else is the same.

// The provider's own count of the records a read will give (TypeSpec::total_at), from the first
// page of a read that starts at the beginning; nullopt on other pages, for resumed reads (some
// providers count what is left after the position, others everything) and where none is reported.
// One lookup in the envelope already parsed: no request, no extra parse.
std::optional<long> reported_total(const providers::TypeSpec& type, const PageRead& read);

}  // namespace crmexport::engine
