#pragma once
// A rolling-window request limiter keyed by caller (e.g. API token), as CRMs with burst limits
// apply them: at most `limit` admitted requests in any window-long interval.

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace crm_fake {

struct RateDecision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;
  // Whole seconds until the window frees a slot (rounded up, so waiting this long is enough).
  int reset_seconds = 0;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(int limit, std::chrono::milliseconds window);

  // Rejected requests are not recorded: a client that backs off as told gets through.
  RateDecision admit(const std::string& key, Clock::time_point now = Clock::now());

 private:
  int m_limit;
  std::chrono::milliseconds m_window;
  std::mutex m_mutex;
  std::unordered_map<std::string, std::deque<Clock::time_point>> m_admitted;
};

}  // namespace crm_fake
