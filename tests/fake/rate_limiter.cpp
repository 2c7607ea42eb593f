#include "tests/fake/rate_limiter.hpp"

namespace crm_fake {

RateLimiter::RateLimiter(int limit, std::chrono::milliseconds window) : m_limit(limit), m_window(window) {}

RateDecision RateLimiter::admit(const std::string& key, Clock::time_point now) {
  const std::lock_guard lock(m_mutex);
  auto& admitted = m_admitted[key];
  while (!admitted.empty() && admitted.front() + m_window <= now) admitted.pop_front();

  RateDecision decision;
  decision.limit = m_limit;
  decision.allowed = static_cast<int>(admitted.size()) < m_limit;
  if (decision.allowed) admitted.push_back(now);
  decision.remaining = m_limit - static_cast<int>(admitted.size());
  if (!admitted.empty()) {
    const auto until_free = admitted.front() + m_window - now;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until_free).count();
    decision.reset_seconds = static_cast<int>((ms + 999) / 1000);
  }
  return decision;
}

}  // namespace crm_fake
