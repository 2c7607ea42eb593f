#pragma once
// The pages of one read fetched in order on one helper thread, each as soon as its position is
// known: from a skim of the page before (json/skim.hpp), so the next request leaves the moment an
// answer is in, before anyone parses it; or, where the paging strategy cannot tell from a skim,
// when the page loop has parsed the page and asks. A page whose successor was asked this way is
// handed to the loop only once that request has left: on one core, the loop woken earlier takes
// the CPU for its parse and the request waits behind it.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>

#include "lib/core/error.hpp"
#include "lib/json/page.hpp"

namespace crmexport::engine {

// A page and where the next one starts.
struct FetchedPage {
  json::Page page;
  std::optional<std::string> next;
};

// What the network brought for one position, before it is parsed.
struct Arrival {
  std::string body;                      // a plain page's answer, parsed on the loop's thread
  std::optional<FetchedPage> assembled;  // a planned page: its answers already parsed and joined
  // Where the next page starts and how many records this one holds, read from a skim of `body`
  // when the paging strategy needs no more; the inner nullopt: the last page.
  std::optional<std::optional<std::string>> early_next;
  long early_records = 0;
  std::optional<json::RecordsArray> records_array;  // where the skim found the records in `body`
};

// How a kind of type reads a page: `reach` sends the requests for a position (on the helper
// thread), calling `on_sent` once a request has left if it can tell (http::Request::on_sent);
// `finish` parses what came, on the loop's thread.
struct PageSource {
  std::function<Result<Arrival>(const std::string& position, const std::function<void()>& on_sent)> reach;
  std::function<Result<FetchedPage>(Arrival& arrival, const std::string& position)> finish;
};

// Whether the next page may be asked for after `pages` pages holding `records` records that
// count towards the caller's limits (the page just fetched included). Called on the helper thread.
using MayAsk = std::function<bool(long pages, long records)>;

// Records of a page that count towards --max-records: not those a resumed first page skips.
inline long counted_records(long records, long pages_before, long skip_first) {
  return pages_before == 0 ? records - std::min(skip_first, records) : records;
}

class FetchAhead {
 public:
  // `skip_first`: records of the first page of the read that do not count (a resumed page).
  FetchAhead(const PageSource& source, MayAsk may_ask, long skip_first);
  ~FetchAhead();  // waits for a request in flight: no request outlives the read
  FetchAhead(const FetchAhead&) = delete;
  FetchAhead& operator=(const FetchAhead&) = delete;

  // Fetches from `position` on, after `pages` handled pages holding `records` counted records;
  // drops whatever was fetched or asked before (an answer in flight is dropped when it comes).
  void ask(std::string position, long pages, long records);
  // Drops whatever was fetched or asked, and asks nothing.
  void drop();

  struct Taken {
    std::string position;
    Result<Arrival> arrival;
    std::optional<std::string> chained;  // where the fetching went on after this page, unasked
    std::exception_ptr thrown = nullptr;  // what ends the run (a Fatal), rethrown by take()
  };
  // The next page in order; waits for it. Only after ask(), and at most once per page fetched.
  Taken take();

 private:
  void run();
  void hand_over();  // m_handover to m_ready; the lock held

  const PageSource& m_source;
  MayAsk m_may_ask;
  const long m_skip_first;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Taken> m_ready;             // fetched, not taken
  std::optional<Taken> m_handover;       // fetched, given to m_ready once the next request left
  std::optional<std::string> m_wanted;   // the position to fetch next
  long m_pages = 0, m_records = 0;       // what counts before m_wanted
  std::unordered_set<std::string> m_seen;  // positions fetched since ask(): a loop is not followed
  unsigned long m_generation = 0;        // bumped by ask() and drop(): an answer in flight is stale
  bool m_stop = false;
  std::thread m_thread;  // last: starts once the rest is built
};

}  // namespace crmexport::engine
