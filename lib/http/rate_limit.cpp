#include "lib/http/rate_limit.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lib/core/log.hpp"
#include "lib/json/fields.hpp"

namespace crmexport::http {
namespace {

// Booked slots are this much further apart than the window. A request's slot moves to its
// answer (observe), which is no earlier than the provider counted it, and the next is booked at
// its sending, which is no later: so the provider always sees at least a window between them,
// and the slack only absorbs a clock's rounding. It costs throughput (2.5% of a 1 s window).
constexpr Duration k_window_slack{25};

using TimePoint = std::chrono::steady_clock::time_point;

}  // namespace

Duration saturating_multiply(std::int64_t units, Duration unit) {
  if (units <= 0 || unit.count() <= 0) return Duration(0);
  if (units >= k_longest_wait.count() / unit.count()) return k_longest_wait;
  return std::min(k_longest_wait, unit * units);
}

std::string describe_wait(Duration wait) {
  auto ms = wait.count();
  if (wait >= k_longest_wait) return "100 years or more";
  if (ms < 60'000) return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  auto seconds = ms / 1000;
  if (seconds < 3600) return fmt::format("{}m {}s", seconds / 60, seconds % 60);
  if (seconds < 48 * 3600) return fmt::format("{}h {}m", seconds / 3600, seconds % 3600 / 60);
  return fmt::format("{}d {}h", seconds / 86400, seconds % 86400 / 3600);
}

Pacer::Pacer(RateLimitRules rules, Clock& clock, Duration max_wait, std::string provider_title,
             std::string connection)
    : m_rules(std::move(rules)),
      m_clock(clock),
      m_max_wait(max_wait),
      m_title(std::move(provider_title)),
      m_connection(std::move(connection)) {
  for (const auto& window : m_rules.windows)
    if (window.requests > 0 && window.per.count() > 0) m_windows.push_back(Window{window, {}});
}

Result<Pacer::Booking> Pacer::book(std::string_view lane) {
  std::lock_guard lock(m_mutex);
  const TimePoint now = m_clock.now();
  TimePoint slot = std::max(now, m_paused_until);
  bool paused = m_paused_until > now;
  std::string limit = paused ? "rate limit (paused at its request)" : "rate limit";
  std::string detail = paused ? m_pause_detail : "";
  // Says which limit a later slot comes from (the last one to move it).
  auto later = [&](TimePoint candidate, std::string what, std::string terms) {
    if (candidate <= slot) return;
    slot = candidate;
    limit = std::move(what);
    detail = std::move(terms);
  };
  if (m_last_booked) {
    later(*m_last_booked, "rate limit", "");  // first come, first served
    if (m_rules.min_interval.count() > 0 && *m_last_booked + m_rules.min_interval > slot) {
      auto terms = fmt::format("one request per {}", describe_wait(m_rules.min_interval));
      later(*m_last_booked + m_rules.min_interval, "limit of " + terms, terms);
    }
  }
  for (auto& window : m_windows) {
    if (window.declared.lane != lane) continue;
    auto size = static_cast<size_t>(window.declared.requests);
    if (window.booked.size() < size) continue;
    // The earliest of the last `size` (answers can move them out of order).
    auto candidate = *std::min_element(window.booked.end() - static_cast<long>(size), window.booked.end()) +
                     window.declared.per + k_window_slack;
    if (candidate <= slot) continue;
    auto terms = fmt::format("{}{} requests per {}", lane.empty() ? "" : std::string(lane) + ": ",
                             window.declared.requests, describe_wait(window.declared.per));
    later(candidate,
          fmt::format("{}limit of {} requests per {}", lane.empty() ? "" : std::string(lane) + " ",
                      window.declared.requests, describe_wait(window.declared.per)),
          std::move(terms));
  }
  auto wait = std::chrono::duration_cast<Duration>(slot - now);
  if (wait > m_max_wait) {
    return fail(ErrorKind::rate_limited,
                fmt::format("{}'s rate limit asks to wait {}{}, longer than crmexport waits ({}); try again later",
                            m_title, describe_wait(wait), slot == m_paused_until ? m_pause_reason : "", describe_wait(m_max_wait)));
  }
  for (auto& window : m_windows) {
    if (window.declared.lane != lane) continue;
    window.booked.push_back(slot);
    while (window.booked.size() > static_cast<size_t>(window.declared.requests)) window.booked.pop_front();
  }
  m_last_booked = slot;
  if (!m_first_booked) m_first_booked = slot;
  return Booking{slot, std::move(limit), std::move(detail)};
}

Result<TimePoint> Pacer::acquire(std::string_view lane, const WaitObserver* observer) {
  auto booking = book(lane);
  if (!booking) return std::unexpected(booking.error());
  auto slot = booking->slot;
  for (;;) {
    auto wait = std::chrono::duration_cast<Duration>(slot - m_clock.now());
    if (wait.count() > 0) {
      // Each request's wait is for -v; a person (or a cron log) without it reads one line per
      // pause of the connection, naming the types it holds up (announce).
      const std::string& type = log::scoped_type();
      log::debug("pacing: {}waiting {} for {}'s rate limit", type.empty() ? "" : type + ": ", describe_wait(wait),
                 m_title);
      if (observer && *observer && wait >= k_noted_wait)
        (*observer)(WaitNote{WaitNote::Kind::rate_limit, wait, fmt::format("{}'s {}", m_title, booking->limit)});
      if (wait >= k_announced_wait)
        announce(slot, wait, booking->detail);
      else
        m_clock.sleep_for(wait);
    }
    {
      // A 429 that another thread received while this one slept pauses it too.
      std::lock_guard lock(m_mutex);
      if (m_paused_until <= slot) {
        ++m_in_flight;
        return slot;
      }
      auto pause = std::chrono::duration_cast<Duration>(m_paused_until - m_clock.now());
      if (pause > m_max_wait)
        return fail(ErrorKind::rate_limited,
                    fmt::format("{}'s rate limit asks to wait {}{}, longer than crmexport waits ({}); try again later",
                                m_title, describe_wait(pause), m_pause_reason, describe_wait(m_max_wait)));
      // The slot is given back and booked again behind the pause: threads released together must
      // keep the interval and the windows among themselves (all sent at the pause's end, they
      // were a burst that earned the next 429, and the windows would count from too early).
      for (auto& window : m_windows)
        if (window.declared.lane == lane)
          if (auto booked = std::ranges::find(window.booked, slot); booked != window.booked.end())
            window.booked.erase(booked);
    }
    booking = book(lane);
    if (!booking) return std::unexpected(booking.error());
    slot = booking->slot;
  }
}

// The first thread to wait out a pause says so, after a moment in which the other threads that
// the same pause holds up join it (they book their slots as their requests come back), so the
// line names them all; a thread waiting while that pause lasts only adds its type. The line is
// said before most of the wait, so a run that seems to hang says why.
void Pacer::announce(TimePoint slot, Duration wait, const std::string& detail) {
  const std::string& type = log::scoped_type();
  bool first = false;
  {
    std::lock_guard lock(m_mutex);
    const auto now = m_clock.now();
    if (!m_announced || m_announced->until <= now) {
      m_announced = Announcement{slot, {}};
      first = true;
    }
    m_announced->until = std::max(m_announced->until, slot);
    if (!type.empty() && std::ranges::find(m_announced->types, type) == m_announced->types.end())
      m_announced->types.push_back(type);
  }
  if (!first) {
    m_clock.sleep_for(wait);
    return;
  }
  auto gather = std::min(wait, k_announce_gathering);
  m_clock.sleep_for(gather);
  std::string types;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& name : m_announced->types) types += (types.empty() ? ": " : ", ") + name;
  }
  // In a run over many connections the log heads the line with the connection itself.
  const bool named = m_connection.empty() || !log::scoped_connection().empty();
  log::info("{}waiting {} for {}'s rate limit{}{}", named ? "" : m_connection + ": ",
            describe_wait(wait), m_title, detail.empty() ? "" : " (" + detail + ")", types);
  m_clock.sleep_for(wait - gather);
}

void Pacer::pause(Duration wait) {
  std::lock_guard lock(m_mutex);
  wait = std::clamp(wait, Duration(0), k_longest_wait);
  auto until = m_clock.now() + wait;
  if (until > m_paused_until) {
    m_paused_until = until;
    m_pause_reason = "";
    m_pause_detail = "as its answer asked";
  }
}

std::optional<Duration> Pacer::reset_hint(const Response& response) const {
  if (m_rules.reset_header.empty()) return std::nullopt;
  auto value = response.header(m_rules.reset_header);
  auto units = value ? json::parse_int(*value) : std::nullopt;
  if (!units || *units < 0) return std::nullopt;
  return saturating_multiply(*units, m_rules.reset_unit);
}

void Pacer::release() {
  std::lock_guard lock(m_mutex);
  m_in_flight = std::max(0, m_in_flight - 1);
}

void Pacer::observe(const Response& response, std::string_view lane, std::optional<TimePoint> slot) {
  std::lock_guard lock(m_mutex);
  m_in_flight = std::max(0, m_in_flight - 1);
  if (slot)
    for (auto& window : m_windows)
      if (window.declared.lane == lane)
        if (auto booked = std::ranges::find(window.booked, *slot); booked != window.booked.end())
          *booked = std::max(*booked, m_clock.now());
  // Requests already sent were counted by the provider after this answer, or will be: a window
  // with no more room than they take is as good as empty (another client of the same token
  // may have used the rest).
  auto empty = [&](const std::string& header) {
    if (header.empty()) return false;
    auto text = response.header(header);
    if (!text) return false;
    for (std::string_view rest = *text; !rest.empty();) {
      auto bar = rest.find('|');
      auto left = json::parse_int(rest.substr(0, bar));
      if (left && *left <= m_in_flight) return true;
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    }
    return false;
  };
  // Whether this pacer's own bookings account for everything the provider counted: then they
  // already keep the window, and a low `remaining` is only this pacer's requests on their way.
  // Not in the first window: requests made just before this run (the check `auth add` made, the
  // run before) are still counted then, and requests of ours on their way can hide them.
  bool own_count_explains = false;
  if (lane.empty() && !m_rules.limit_header.empty())
    if (auto text = response.header(m_rules.limit_header))
      if (auto limit = json::parse_int(*text); limit && *limit > 0)
        for (auto& window : m_windows)
          if (window.declared.lane.empty()) {
            window.declared.requests = static_cast<int>(std::min<std::int64_t>(*limit, 100'000));
            own_count_explains = count_other_clients(window, response) == 0 && m_first_booked &&
                                 m_clock.now() > *m_first_booked + window.declared.per + k_window_slack;
            break;
          }
  bool none_left = (!own_count_explains && empty(m_rules.remaining_header)) ||
                   std::ranges::any_of(m_rules.more_remaining_headers, empty);
  if (!none_left) return;
  // None left: wait for the reset (or the provider's usual window) rather than spend a request
  // on a certain 429.
  auto hint = reset_hint(response);
  auto until = m_clock.now() + hint.value_or(m_rules.empty_window_wait);
  if (until > m_paused_until) {
    m_paused_until = until;
    m_pause_reason = hint ? fmt::format(" ({}: {})", m_rules.reset_header, *response.header(m_rules.reset_header)) : "";
    // The budget that ran out, as the provider documents it (the size as it reported it).
    m_pause_detail = "none left";
    for (const auto& window : m_windows)
      if (window.declared.lane == lane) {
        m_pause_detail = fmt::format("{} requests per {}", window.declared.requests, describe_wait(window.declared.per));
        break;
      }
  }
}

// The provider counts every client of the token (another integration, the check `auth add` made
// a moment before, the run before this one). What it counted beyond the requests this pacer
// booked in the last window were theirs: they take slots now, until the window forgets them.
// Requests of ours still on their way may not be counted yet, so this never books more than
// the others' share; a window that fills anyway is caught by `remaining` (a pause, no 429).
// Returns how many requests were the others' (-1: the answer does not say what is left).
std::int64_t Pacer::count_other_clients(Window& window, const Response& response) {
  if (m_rules.remaining_header.empty()) return -1;
  auto text = response.header(m_rules.remaining_header);
  auto left = text ? json::parse_int(*text) : std::nullopt;
  if (!left || *left < 0) return -1;
  const auto now = m_clock.now();
  auto counted = static_cast<std::int64_t>(window.declared.requests) - *left;
  auto ours = std::ranges::count_if(window.booked, [&](TimePoint slot) { return slot > now - window.declared.per; });
  auto others = std::max<std::int64_t>(0, counted - ours);
  for (auto i = others; i > 0; --i) window.booked.push_back(now);
  while (window.booked.size() > static_cast<size_t>(window.declared.requests)) window.booked.pop_front();
  return others;
}

std::vector<int> Pacer::window_sizes(std::string_view lane) const {
  std::lock_guard lock(m_mutex);
  std::vector<int> sizes;
  for (const auto& window : m_windows)
    if (window.declared.lane == lane) sizes.push_back(window.declared.requests);
  return sizes;
}

}  // namespace crmexport::http
