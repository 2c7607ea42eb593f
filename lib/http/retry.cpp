#include "lib/http/retry.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "lib/http/rate_limit.hpp"

namespace crmexport::http {

Duration backoff_delay(const RetryPolicy& policy, int retry, std::mt19937_64& random) {
  auto ceiling = policy.base_delay.count();
  for (int i = 0; i < retry && ceiling < policy.max_delay.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.max_delay.count());
  std::uniform_int_distribution<long long> jitter(ceiling / 2, ceiling);
  return Duration(jitter(random));
}

std::optional<Duration> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc::result_out_of_range && end == value.data() + value.size() && value.front() != '-')
    return k_longest_wait;  // more digits than a 64-bit count: the server means "very long"
  if (ec == std::errc() && end == value.data() + value.size())
    return seconds < 0 ? std::nullopt : std::optional(saturating_multiply(seconds, Duration(1000)));
  // curl_getdate reads the three HTTP date formats.
  time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return std::nullopt;
  // Seconds, not system_clock ticks: a date centuries away must not overflow the subtraction.
  auto delta = static_cast<std::int64_t>(when) - std::chrono::system_clock::to_time_t(now);
  return saturating_multiply(delta, Duration(1000));
}

}  // namespace crmexport::http
