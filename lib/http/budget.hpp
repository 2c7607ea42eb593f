#pragma once
// What a run spends of a provider's daily budget: counted per type (RequestMeter) and capped for
// the whole run (RequestBudget: --max-requests, --max-tokens), safely from several threads.
#include <atomic>
#include <string>

#include "lib/core/error.hpp"
#include "lib/http/wait_note.hpp"

namespace crmexport::http {

// One type's share of a run: every request sent for it (retries included) and its cost.
struct RequestMeter {
  std::atomic<long> requests{0};
  std::atomic<long> tokens{0};
  std::atomic<long> throttled{0};  // 429s received
  WaitObserver on_wait;            // told of this type's long waits (set before the first request)
};

class RequestBudget {
 public:
  // 0: no cap.
  RequestBudget(long max_requests, long max_tokens) : m_max_requests(max_requests), m_max_tokens(max_tokens) {}

  // Whether `requests` more requests costing `tokens` stay within the caps: asked before a page
  // starts, so a run stops between pages rather than inside one.
  bool affords(long requests, long tokens) const;
  // Spends one request; an Error (rate_limited) when it would pass a cap, and nothing is spent.
  Result<void> spend(long tokens);
  bool capped() const { return m_max_requests > 0 || m_max_tokens > 0; }

 private:
  long m_max_requests;
  long m_max_tokens;
  std::atomic<long> m_requests{0};
  std::atomic<long> m_tokens{0};
};

}  // namespace crmexport::http
