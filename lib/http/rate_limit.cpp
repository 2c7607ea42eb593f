#include "lib/http/rate_limit.hpp"

#include <algorithm>

#include "lib/json/fields.hpp"

namespace crmexport::http {

Duration Pacer::wait_before_request(std::chrono::steady_clock::time_point now) const {
  Duration wait{0};
  if (m_last_sent && m_rules.min_interval.count() > 0)
    wait = std::max(wait, std::chrono::duration_cast<Duration>(*m_last_sent + m_rules.min_interval - now));
  if (m_window_opens) wait = std::max(wait, std::chrono::duration_cast<Duration>(*m_window_opens - now));
  return std::max(wait, Duration(0));
}

std::optional<Duration> Pacer::reset_hint(const Response& response) const {
  if (m_rules.reset_header.empty()) return std::nullopt;
  auto value = response.header(m_rules.reset_header);
  auto units = value ? json::parse_int(*value) : std::nullopt;
  if (!units || *units < 0) return std::nullopt;
  return m_rules.reset_unit * *units;
}

void Pacer::observe(const Response& response, std::chrono::steady_clock::time_point sent_at,
                    std::chrono::steady_clock::time_point now) {
  m_last_sent = sent_at;
  m_window_opens.reset();
  auto empty = [&](const std::string& header) {
    if (header.empty()) return false;
    auto text = response.header(header);
    if (!text) return false;
    for (std::string_view rest = *text; !rest.empty();) {
      auto bar = rest.find('|');
      auto left = json::parse_int(rest.substr(0, bar));
      if (left && *left <= 0) return true;
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
    return false;
  };
  bool none_left = empty(m_rules.remaining_header) || std::ranges::any_of(m_rules.more_remaining_headers, empty);
  if (!none_left) return;
  // None left: wait for the reset (or the provider's usual window) rather than spend a request
  // on a certain 429.
  m_window_opens = now + reset_hint(response).value_or(m_rules.empty_window_wait);
}

}  // namespace crmexport::http
