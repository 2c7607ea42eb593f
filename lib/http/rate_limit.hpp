#pragma once
// Staying under a provider's rate limit instead of running into 429s.
#include <optional>
#include <string>
#include <vector>

#include "lib/http/clock.hpp"
#include "lib/http/message.hpp"

namespace crmexport::http {

// What a provider tells about its limits. Every field is optional.
struct RateLimitRules {
  Duration min_interval{0};      // a documented fixed rate, e.g. 5 requests a second
  std::string remaining_header;  // requests left in the current window
  std::string reset_header;      // time until the window has room again
  Duration reset_unit{1000};     // what one unit of reset_header is worth
  // Further "requests left" headers (e.g. a tenant-wide throttle beside a per-key one); a value
  // may hold several windows separated by '|' ("12|3400"). Any window at 0 pauses like remaining_header.
  std::vector<std::string> more_remaining_headers;
  Duration empty_window_wait{1000};  // the pause when a window is empty and no reset time is given
};

// Spaces requests: a fixed minimum interval, and a pause until the window resets when the
// provider says none are left.
class Pacer {
 public:
  explicit Pacer(RateLimitRules rules) : m_rules(std::move(rules)) {}

  // How long to wait before the next request may go.
  Duration wait_before_request(std::chrono::steady_clock::time_point now) const;
  // Learns from the provider's headers (and notes when the request went).
  void observe(const Response& response, std::chrono::steady_clock::time_point sent_at,
               std::chrono::steady_clock::time_point now);
  // The provider's own reset time in a response, if it gave one.
  std::optional<Duration> reset_hint(const Response& response) const;

 private:
  RateLimitRules m_rules;
  std::optional<std::chrono::steady_clock::time_point> m_last_sent;
  std::optional<std::chrono::steady_clock::time_point> m_window_opens;
};

}  // namespace crmexport::http
