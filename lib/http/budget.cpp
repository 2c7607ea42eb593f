#include "lib/http/budget.hpp"

#include <fmt/format.h>

namespace crmexport::http {

bool RequestBudget::affords(long requests, long tokens) const {
  if (m_max_requests > 0 && m_requests.load() + requests > m_max_requests) return false;
  if (m_max_tokens > 0 && m_tokens.load() + tokens > m_max_tokens) return false;
  return true;
}

Result<void> RequestBudget::spend(long tokens) {
  long requests = m_requests.fetch_add(1) + 1;
  long spent = m_tokens.fetch_add(tokens) + tokens;
  if ((m_max_requests > 0 && requests > m_max_requests) || (m_max_tokens > 0 && spent > m_max_tokens)) {
    m_requests.fetch_sub(1);
    m_tokens.fetch_sub(tokens);
    return fail(ErrorKind::rate_limited,
                fmt::format("the next request would pass {}; stopping inside a page (a retry or a page of "
                            "several requests ran over); raise the cap or resume later",
                            m_max_requests > 0 && requests > m_max_requests
                                ? fmt::format("--max-requests {}", m_max_requests)
                                : fmt::format("--max-tokens {}", m_max_tokens)));
  }
  return {};
}

}  // namespace crmexport::http
