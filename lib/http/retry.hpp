#pragma once
// When and how long to wait before asking again.
#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "lib/http/clock.hpp"

namespace crmexport::http {

struct RetryPolicy {
  int max_retries = 6;                         // per request, after the first attempt
  // Fewer for a host that could not be reached at all (refused, unknown name): a caller that
  // checks something for a person waiting (auth add, auth test) says so at once, while a long
  // export rides out a network that comes back. Unset: max_retries.
  std::optional<int> max_retries_unreached;
  Duration base_delay{500};                    // first backoff; doubles each retry
  Duration max_delay{30'000};                  // one backoff is never longer
  Duration max_wait{std::chrono::minutes(5)};  // a provider asking for longer is not waited out
};

// Exponential backoff with jitter: between half and all of min(max_delay, base * 2^retry), so
// clients that failed together do not come back together.
Duration backoff_delay(const RetryPolicy& policy, int retry, std::mt19937_64& random);

// Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); nullopt when unreadable.
std::optional<Duration> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace crmexport::http
