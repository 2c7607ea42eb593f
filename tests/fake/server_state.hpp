#pragma once
// What every fake provider shares while serving: request counters for /_stats, the burst limiter,
// failure injection, artificial latency and the stop signal. Providers decide how these look on
// the wire (their own error bodies and headers); this class only decides what happens.

#include "tests/fake/options.hpp"
#include "tests/fake/rate_limiter.hpp"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace crm_fake {

enum class Injection { none, too_many_requests, server_error, malformed };

class ServerState {
 public:
  explicit ServerState(FakeOptions options);

  const FakeOptions& options() const { return m_options; }

  // Counts one API request by path (no query string). Admin endpoints are not counted, so a
  // test polling /_stats does not disturb the numbers it reads. Asks for a stop at --max-requests.
  void count_request(const std::string& path);
  void count_throttled();

  // Applies the per-token burst limit.
  RateDecision admit(const std::string& token);
  // Charges Pipedrive's daily token budget; false (and nothing charged) once it is spent.
  bool spend_daily_tokens(std::int64_t cost);

  // Whether this authenticated API request gets an injected failure instead of its answer.
  // Never two in a row, so a client that retries once always gets through.
  Injection next_injection();
  // Ends the persistent failure of --fail-after-requests (POST /_admin/heal).
  void heal();

  void apply_latency() const;

  std::string stats_json() const;

  void request_stop();
  // Blocks until request_stop() or until --lifetime has passed.
  void wait_for_stop();

 private:
  const FakeOptions m_options;
  RateLimiter m_rate_limiter;

  mutable std::mutex m_stats_mutex;
  std::int64_t m_total = 0;
  std::int64_t m_throttled = 0;
  std::int64_t m_injected = 0;
  std::map<std::string, std::int64_t> m_by_path;
  std::int64_t m_daily_tokens = 0;

  std::mutex m_injection_mutex;
  std::int64_t m_authenticated = 0;
  bool m_last_was_injected = false;
  bool m_healed = false;

  std::mutex m_stop_mutex;
  std::condition_variable m_stop_cv;
  bool m_stop_requested = false;
};

}  // namespace crm_fake
